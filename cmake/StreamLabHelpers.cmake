# The CMake helpers every part of StreamLab is built with: warnings, sanitizers, and one function
# each to add a lesson, a unit test file and a benchmark program.

# Warnings and sanitizers for one of StreamLab's own targets.
function(streamlab_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow)
  if(STREAMLAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(STREAMLAB_SANITIZE)
    # Sanitizer instrumentation makes GCC 12 report false -Wmaybe-uninitialized inside the standard
    # library (<regex>, <functional>; GCC bug 105562); the plain builds keep the warning.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

if(STREAMLAB_SANITIZE)
  # Applied to everything in the tree so that the library, lessons and tests agree.
  add_compile_options(-fsanitize=${STREAMLAB_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${STREAMLAB_SANITIZE})
endif()

# streamlab_add_lesson(NN_name [libraries...]): builds lessons/NN_name/main.cpp into the executable
# NN_name, links the lesson kit (streamlab::lesson, which brings streamlab::common, CLI11 and {fmt})
# and any further libraries (e.g. streamlab::async), and registers the golden-output test golden.NN_name (label "golden") and the
# bad-option and bad-file sweep sweep.NN_name (label "sweep").
function(streamlab_add_lesson name)
  add_executable(${name} main.cpp)
  target_link_libraries(${name} PRIVATE streamlab::lesson ${ARGN})
  streamlab_target_defaults(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/lessons")
  add_dependencies(lessons ${name})
  if(STREAMLAB_BUILD_TESTS)
    add_test(NAME golden.${name}
             COMMAND golden_check --expected "${PROJECT_SOURCE_DIR}/expected_output/${name}.txt"
                     --received "${PROJECT_BINARY_DIR}/received/${name}.received.txt" -- $<TARGET_FILE:${name}>)
    set_tests_properties(golden.${name} PROPERTIES LABELS golden TIMEOUT 300)
    add_test(NAME sweep.${name} COMMAND "${PROJECT_SOURCE_DIR}/tests/sweep/sweep.sh" $<TARGET_FILE:${name}>)
    set_tests_properties(sweep.${name} PROPERTIES LABELS sweep TIMEOUT 900)
    streamlab_add_experiments(${name})
    streamlab_add_faults(${name})
  endif()
endfunction()

# streamlab_add_script_tests(NN_name FOLDER PATTERN GROUP LABEL TIMEOUT): each shell function of
# tests/FOLDER/NN_name.sh whose name matches PATTERN, `(kind)_(item)` (the function header at the
# start of its line), becomes the test GROUP.NN.item — or kind.NN.item when GROUP is "" — run by
# tests/experiments/run_experiment.sh (in a private folder, with the helpers of lib.sh) against the
# lesson's executable.
function(streamlab_add_script_tests name folder pattern group label timeout)
  set(script "${PROJECT_SOURCE_DIR}/tests/${folder}/${name}.sh")
  if(NOT EXISTS "${script}")
    return()
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${script}")
  string(SUBSTRING ${name} 0 2 number)
  file(STRINGS "${script}" functions REGEX "^${pattern}\\(\\)")
  foreach(line IN LISTS functions)
    string(REGEX MATCH "^${pattern}" function "${line}")
    set(test ${CMAKE_MATCH_1}.${number}.${CMAKE_MATCH_2})
    if(NOT group STREQUAL "")
      set(test ${group}.${number}.${CMAKE_MATCH_2})
    endif()
    add_test(NAME ${test}
             COMMAND "${PROJECT_SOURCE_DIR}/tests/experiments/run_experiment.sh" $<TARGET_FILE:child_rss>
                     $<TARGET_FILE:${name}> "${script}" ${function})
    set_tests_properties(${test} PROPERTIES LABELS ${label} TIMEOUT ${timeout})
  endforeach()
endfunction()

# streamlab_add_experiments(NN_name): each function `experiment_K` in tests/experiments/NN_name.sh
# becomes the test experiment.NN.K, each `predict_K` the test predict.NN.K (label "experiment"): one
# "Try this" item or "Predict first" question of the lesson's README, run and checked (see lib.sh).
function(streamlab_add_experiments name)
  streamlab_add_script_tests(${name} experiments "(experiment|predict)_([0-9]+)" "" experiment 600)
endfunction()

# streamlab_add_faults(NN_name): each function `fault_NAME` in tests/faults/NN_name.sh becomes the test
# faults.NN.NAME (label "faults"): one fault injected into the lesson (a full disk, a device node as
# the output, a signal, ...) and what must happen checked: its exit status, its one-line error, the
# files written and the files left behind. Same harness and helpers as the experiments (lib.sh).
function(streamlab_add_faults name)
  streamlab_add_script_tests(${name} faults "(fault)_([a-z0-9_]+)" faults faults 300)
endfunction()

# streamlab_add_unit_test(tests/unit/test_NAME.cpp [libraries...]): one Catch2 executable per file,
# linked with streamlab::common, {fmt} and the libraries given, its test cases registered with CTest
# as unit.NAME.<case> (label "unit"). A case tagged [slow] gets the label "slow" instead: it still
# runs with every test (scripts/test), but not in the sanitizer and clang runs, which pick labels. A
# case tagged [faults] gets the label "unit_faults", picked by `-L unit` and by `-L faults`.
function(streamlab_add_unit_test source)
  get_filename_component(stem ${source} NAME_WE)
  string(REGEX REPLACE "^test_" "" concept ${stem})
  add_executable(${stem} ${source})
  target_link_libraries(${stem} PRIVATE streamlab_catch_main streamlab::common ${STREAMLAB_FMT} ${ARGN})
  streamlab_target_defaults(${stem})
  # Read when CMake configures: a file that gains its first [slow] or [faults] case needs a re-configure.
  # A case tagged [faults] (a fault injected into library code) gets the one label unit_faults, which
  # `ctest -L unit` and `ctest -L faults` both pick (a label filter is a regular expression; a list of
  # two labels does not survive catch_discover_tests).
  file(READ ${source} text)
  string(FIND "${text}" "[slow]" slow_case)
  string(FIND "${text}" "[faults]" fault_case)
  set(rest "")
  if(NOT slow_case EQUAL -1)
    string(APPEND rest "~[slow]")
    catch_discover_tests(${stem} TEST_SPEC "[slow]" TEST_PREFIX "unit.${concept}." PROPERTIES LABELS slow TIMEOUT 600)
  endif()
  if(NOT fault_case EQUAL -1)
    string(APPEND rest "~[faults]")
    catch_discover_tests(${stem} TEST_SPEC "[faults]~[slow]" TEST_PREFIX "unit.${concept}."
                         PROPERTIES LABELS unit_faults TIMEOUT 300)
  endif()
  if(rest STREQUAL "")
    catch_discover_tests(${stem} TEST_PREFIX "unit.${concept}." PROPERTIES LABELS unit TIMEOUT 300)
  else()
    catch_discover_tests(${stem} TEST_SPEC "${rest}" TEST_PREFIX "unit.${concept}." PROPERTIES LABELS unit TIMEOUT 300)
  endif()
endfunction()

# streamlab_add_benchmark(NAME [libraries...]): bench/bench_NAME.cpp into the program bench_NAME.
function(streamlab_add_benchmark name)
  add_executable(bench_${name} bench_${name}.cpp)
  target_link_libraries(bench_${name} PRIVATE streamlab::common ${STREAMLAB_FMT} benchmark::benchmark_main ${ARGN})
  streamlab_target_defaults(bench_${name})
  set_target_properties(bench_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bench")
endfunction()
