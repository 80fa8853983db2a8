# FindAsio: standalone Asio (header-only, Debian's libasio-dev), which ships no CMake package.
# Sets Asio_FOUND, Asio_VERSION and Asio_INCLUDE_DIR, and makes the target Asio::Asio: the include
# directory, ASIO_STANDALONE and ASIO_NO_DEPRECATED, and threads. StreamLab builds with it and
# installs it beside its package file, so that find_package(streamlab) can find Asio the same way.
find_path(Asio_INCLUDE_DIR asio.hpp)
if(Asio_INCLUDE_DIR AND EXISTS "${Asio_INCLUDE_DIR}/asio/version.hpp")
  file(STRINGS "${Asio_INCLUDE_DIR}/asio/version.hpp" asio_version_line REGEX "^#define ASIO_VERSION [0-9]+")
  string(REGEX REPLACE "^#define ASIO_VERSION ([0-9]+).*" "\\1" asio_version_number "${asio_version_line}")
  math(EXPR asio_major "${asio_version_number} / 100000")
  math(EXPR asio_minor "${asio_version_number} / 100 % 1000")
  math(EXPR asio_patch "${asio_version_number} % 100")
  set(Asio_VERSION "${asio_major}.${asio_minor}.${asio_patch}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Asio REQUIRED_VARS Asio_INCLUDE_DIR VERSION_VAR Asio_VERSION)
mark_as_advanced(Asio_INCLUDE_DIR)

if(Asio_FOUND AND NOT TARGET Asio::Asio)
  find_package(Threads REQUIRED)
  add_library(Asio::Asio INTERFACE IMPORTED)
  target_include_directories(Asio::Asio SYSTEM INTERFACE "${Asio_INCLUDE_DIR}")
  target_compile_definitions(Asio::Asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
  # Asio 1.22 turns on its C++20 coroutines (asio::awaitable, co_spawn) by itself only for GCC and
  # MSVC; clang has them too from version 14, so tell Asio where the compiler does.
  target_compile_definitions(
    Asio::Asio
    INTERFACE
      "$<$<AND:$<CXX_COMPILER_ID:Clang>,$<VERSION_GREATER_EQUAL:$<CXX_COMPILER_VERSION>,14>>:ASIO_HAS_CO_AWAIT;ASIO_HAS_STD_COROUTINE>")
  target_link_libraries(Asio::Asio INTERFACE Threads::Threads)
endif()
