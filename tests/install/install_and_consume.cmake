# Installs the build tree into a fresh prefix, checks what was installed, then configures, builds and
# runs the consumer project against it with CLI11 hidden. Variables: BUILD_DIR, SOURCE_DIR, WORK_DIR,
# GENERATOR.
file(REMOVE_RECURSE "${WORK_DIR}")
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${output}")
  endif()
  set(last_output "${output}" PARENT_SCOPE)
endfunction()

step(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
foreach(installed include/streamlab/generator.hpp include/streamlab/async_channel.hpp include/streamlab/cli.hpp
                  lib/libstreamlab_common.a lib/libstreamlab_lesson.a lib/cmake/streamlab/streamlabConfig.cmake
                  lib/cmake/streamlab/FindAsio.cmake)
  if(NOT EXISTS "${WORK_DIR}/prefix/${installed}")
    message(FATAL_ERROR "cmake --install did not install ${installed}")
  endif()
endforeach()

# The fast kernels (SIMD, SWAR, digit tricks, Clinger's fast path) stay in common/src/kernels: no
# installed header has an intrinsic or one of the kernels.
file(GLOB_RECURSE installed_headers "${WORK_DIR}/prefix/include/*")
foreach(header IN LISTS installed_headers)
  file(READ "${header}" text)
  foreach(intrinsic_marker "_mm_" "<emmintrin.h>" "intrin.h>" "special_bytes" "parse_eight_digits"
                           "parse_plain_decimal" "exact_decimal")
    string(FIND "${text}" "${intrinsic_marker}" at)
    if(at GREATER -1)
      message(FATAL_ERROR "the installed header ${header} contains '${intrinsic_marker}'")
    endif()
  endforeach()
endforeach()

step(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/install/consumer" -B "${WORK_DIR}/build" -G "${GENERATOR}"
     "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON)
step(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
step("${WORK_DIR}/build/consumer")
if(NOT last_output STREQUAL "consumer: 7 batches, first random word 0x99ec5f36cb75f2b4\n")
  message(FATAL_ERROR "the consumer printed: ${last_output}")
endif()
set(core_output "${last_output}")
step("${WORK_DIR}/build/async_consumer")
if(NOT last_output STREQUAL "async consumer: 10 items, sum 45\n")
  message(FATAL_ERROR "the async consumer printed: ${last_output}")
endif()
message("installed StreamLab found (CLI11 hidden), linked and run by a separate project:\n${core_output}${last_output}")
