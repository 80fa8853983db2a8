# checker.readmes_catch_a_stale_excerpt: copies lesson 01 (README, main.cpp, golden file,
# experiments) into a scratch tree, changes one line inside a marked region of main.cpp without
# updating the README, and asserts that `readme_sync check` fails and names the stale excerpt.
# Run with -DTOOL=<readme_sync> -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch>.
set(lesson 01_basic_streaming)
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/lessons" "${WORK_DIR}/expected_output" "${WORK_DIR}/tests/experiments")
file(COPY "${SOURCE_DIR}/lessons/${lesson}" DESTINATION "${WORK_DIR}/lessons")
file(COPY "${SOURCE_DIR}/expected_output/${lesson}.txt" DESTINATION "${WORK_DIR}/expected_output")
file(COPY "${SOURCE_DIR}/tests/experiments/${lesson}.sh" DESTINATION "${WORK_DIR}/tests/experiments")

# The copy as it is must pass, or the failure below would prove nothing.
execute_process(COMMAND "${TOOL}" check "${WORK_DIR}" RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the unchanged copy of ${lesson} fails already:\n${out}")
endif()

# Change the first line after the first `//! [name]` marker.
file(READ "${WORK_DIR}/lessons/${lesson}/main.cpp" source)
string(REGEX MATCH "//! \\[[a-z_]+\\]\n[^\n]*\n" marked "${source}")
if(marked STREQUAL "")
  message(FATAL_ERROR "no marked region in ${lesson}/main.cpp")
endif()
string(REGEX REPLACE "\n$" "  // edited without updating the README\n" edited "${marked}")
string(REPLACE "${marked}" "${edited}" source "${source}")
file(WRITE "${WORK_DIR}/lessons/${lesson}/main.cpp" "${source}")

execute_process(COMMAND "${TOOL}" check "${WORK_DIR}" RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 1 OR NOT out MATCHES "a code excerpt differs from main.cpp"
   OR NOT out MATCHES "edited without updating the README")
  message(FATAL_ERROR "readme_sync check did not catch the stale excerpt (status ${status}):\n${out}")
endif()
message(STATUS "readme_sync caught the stale excerpt:\n${out}")
