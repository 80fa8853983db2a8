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

# CLI11 (streamlab::lesson) and standalone Asio (streamlab::async) are needed by the lessons, the
# tests and the benchmarks. A project that adds StreamLab for its core alone needs neither: each
# target is made only when its dependency is found.
set(streamlab_needs_every_target OFF)
if(STREAMLAB_BUILD_LESSONS OR STREAMLAB_BUILD_TESTS OR STREAMLAB_BUILD_BENCHMARKS)
  set(streamlab_needs_every_target ON)
endif()

find_package(CLI11 2 QUIET)
if(NOT CLI11_FOUND AND streamlab_needs_every_target)
  streamlab_missing("CLI11 2" libcli11-dev)
endif()

find_package(Asio 1.18 QUIET)  # cmake/FindAsio.cmake: the target Asio::Asio
if(NOT Asio_FOUND AND streamlab_needs_every_target)
  streamlab_missing("standalone Asio" libasio-dev)
endif()

# hiredis (lesson 10's Redis client, streamlab::redis) ships a pkg-config file; without pkg-config,
# look for the header and the library directly.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET hiredis)
endif()
if(TARGET PkgConfig::HIREDIS)
  set(STREAMLAB_HIREDIS PkgConfig::HIREDIS)
else()
  find_path(STREAMLAB_HIREDIS_INCLUDE_DIR hiredis/hiredis.h)
  find_library(STREAMLAB_HIREDIS_LIBRARY hiredis)
  if(STREAMLAB_HIREDIS_INCLUDE_DIR AND STREAMLAB_HIREDIS_LIBRARY)
    add_library(streamlab_hiredis INTERFACE)
    target_include_directories(streamlab_hiredis SYSTEM INTERFACE "${STREAMLAB_HIREDIS_INCLUDE_DIR}")
    target_link_libraries(streamlab_hiredis INTERFACE "${STREAMLAB_HIREDIS_LIBRARY}")
    set(STREAMLAB_HIREDIS streamlab_hiredis)
  elseif(STREAMLAB_BUILD_LESSONS OR STREAMLAB_BUILD_TESTS OR STREAMLAB_BUILD_BENCHMARKS)
    streamlab_missing("hiredis (lesson 10's Redis client)" libhiredis-dev)
  endif()
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
