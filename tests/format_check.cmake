# format.check: every C++ file of the project is formatted as .clang-format says (clang-format 14).
# Run with -DCLANG_FORMAT=<clang-format> -DSOURCE_DIR=<the project's root>; lists each file that
# differs and fails. To format: clang-format -i FILE (CONTRIBUTING.md).
file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}"
     "${SOURCE_DIR}/common/*.cpp" "${SOURCE_DIR}/common/*.hpp" "${SOURCE_DIR}/lessons/*.cpp"
     "${SOURCE_DIR}/tests/*.cpp" "${SOURCE_DIR}/tests/*.hpp" "${SOURCE_DIR}/bench/*.cpp"
     "${SOURCE_DIR}/fuzz/*.cpp" "${SOURCE_DIR}/exercises/*.cpp" "${SOURCE_DIR}/exercises/*.hpp")
list(FILTER sources EXCLUDE REGEX "(^|/)build/")
set(unformatted "")
foreach(source IN LISTS sources)
  execute_process(COMMAND "${CLANG_FORMAT}" --dry-run --Werror "${source}" WORKING_DIRECTORY "${SOURCE_DIR}"
                  RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
  if(NOT status EQUAL 0)
    list(APPEND unformatted "${source}")
  endif()
endforeach()
list(LENGTH sources count)
if(unformatted)
  list(JOIN unformatted "\n  " text)
  message(FATAL_ERROR "Not formatted as .clang-format says (run clang-format -i on each):\n  ${text}")
endif()
message("${count} C++ files, all formatted")
