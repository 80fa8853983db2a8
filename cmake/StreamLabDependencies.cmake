# Every dependency comes from a Debian 12 package. A missing one stops configuration with the
# package to install (scripts/deps installs them all).

function(streamlab_missing what debian_package)
  message(FATAL_ERROR "StreamLab needs ${what}. Install it with:\n  sudo apt-get install ${debian_package}\n"
                      "or run scripts/deps, which installs everything StreamLab needs.")
endfunction()

find_package(Threads REQUIRED)

find_package(fmt 9 QUIET)
if(NOT fmt_FOUND)
  streamlab_missing("{fmt} 9" libfmt-dev)
endif()
# Debian's libfmt.so is built against libstdc++; a libc++ build (the `clang` preset) uses fmt's
# header-only target instead. STREAMLAB_FMT is what every target links.
option(STREAMLAB_FMT_HEADER_ONLY "Use fmt::fmt-header-only (for a standard library other than libstdc++)" OFF)
if(STREAMLAB_FMT_HEADER_ONLY)
  set(STREAMLAB_FMT fmt::fmt-header-only)
else()
  set(STREAMLAB_FMT fmt::fmt)
endif()

find_package(CLI11 2 QUIET)
if(NOT CLI11_FOUND)
  streamlab_missing("CLI11 2" libcli11-dev)
endif()

# Standalone Asio (lesson 05's async streaming) is header-only and ships no CMake package.
find_path(STREAMLAB_ASIO_INCLUDE_DIR asio.hpp)
if(NOT STREAMLAB_ASIO_INCLUDE_DIR)
  streamlab_missing("standalone Asio" libasio-dev)
endif()
add_library(streamlab_asio INTERFACE)
add_library(streamlab::asio ALIAS streamlab_asio)
target_include_directories(streamlab_asio SYSTEM INTERFACE "${STREAMLAB_ASIO_INCLUDE_DIR}")
target_compile_definitions(streamlab_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
target_link_libraries(streamlab_asio INTERFACE Threads::Threads)
# Asio 1.22 turns on its C++20 coroutines (asio::awaitable, co_spawn) by itself only for GCC and
# MSVC; clang supports them as well from version 14, so tell Asio where the compiler does.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 14)
  target_compile_definitions(streamlab_asio INTERFACE ASIO_HAS_CO_AWAIT ASIO_HAS_STD_COROUTINE)
endif()
# Under -fsanitize=thread GCC 12 warns (-Wtsan) that TSan does not model the atomic_thread_fence
# Asio's headers use. It is a note about TSan's coverage, not a bug in the code; with -Werror it
# would stop the tsan build of every target that includes Asio.
if(STREAMLAB_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(streamlab_asio INTERFACE -Wno-tsan)
endif()

if(STREAMLAB_BUILD_TESTS)
  find_package(Catch2 2 QUIET)
  if(NOT Catch2_FOUND)
    streamlab_missing("Catch2 v2" catch2)
  endif()
endif()

if(STREAMLAB_BUILD_BENCHMARKS)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    streamlab_missing("Google Benchmark" libbenchmark-dev)
  endif()
  # The comparison libraries the benchmarks measure StreamLab against.
  find_package(TBB QUIET)
  if(NOT TBB_FOUND)
    streamlab_missing("oneTBB (benchmark comparison)" libtbb-dev)
  endif()
  find_path(STREAMLAB_READERWRITERQUEUE_INCLUDE_DIR readerwriterqueue/readerwritercircularbuffer.h)
  if(NOT STREAMLAB_READERWRITERQUEUE_INCLUDE_DIR)
    streamlab_missing("moodycamel::ReaderWriterQueue (benchmark comparison)" libreaderwriterqueue-dev)
  endif()
  find_path(STREAMLAB_CONCURRENTQUEUE_INCLUDE_DIR concurrentqueue/blockingconcurrentqueue.h)
  if(NOT STREAMLAB_CONCURRENTQUEUE_INCLUDE_DIR)
    streamlab_missing("moodycamel::ConcurrentQueue (benchmark comparison)" libconcurrentqueue-dev)
  endif()
endif()
