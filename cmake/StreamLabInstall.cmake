# `cmake --install` puts the headers, the libraries and a CMake package in the prefix, so another
# project can use StreamLab with:
#   find_package(streamlab 0.1 REQUIRED)                     # the core; needs Threads and {fmt}
#   target_link_libraries(app PRIVATE streamlab::common)
# and, when their dependencies are installed, the other two targets:
#   find_package(streamlab 0.1 REQUIRED COMPONENTS async)    # standalone Asio: streamlab::async
#   find_package(streamlab 0.1 REQUIRED COMPONENTS lesson)   # CLI11: streamlab::lesson
# Each target has its own export set, so the package file loads a target only when its dependency
# is there: the core works with CLI11 and Asio absent.
include(CMakePackageConfigHelpers)

set(streamlab_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/streamlab")

install(TARGETS streamlab_common EXPORT streamlabTargets
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/common/include/streamlab" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT streamlabTargets NAMESPACE streamlab:: DESTINATION "${streamlab_cmake_dir}")

if(TARGET streamlab_async)
  install(TARGETS streamlab_async EXPORT streamlabAsyncTargets)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/common/async/include/streamlab" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  install(EXPORT streamlabAsyncTargets NAMESPACE streamlab:: DESTINATION "${streamlab_cmake_dir}")
endif()

if(TARGET streamlab_lesson)
  install(TARGETS streamlab_lesson EXPORT streamlabLessonTargets
          LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
          RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/common/lesson/include/streamlab" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  install(EXPORT streamlabLessonTargets NAMESPACE streamlab:: DESTINATION "${streamlab_cmake_dir}")
endif()

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/streamlabConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/streamlabConfig.cmake" INSTALL_DESTINATION "${streamlab_cmake_dir}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/streamlabConfigVersion.cmake" COMPATIBILITY SameMinorVersion)
# FindAsio.cmake goes beside the package file: Asio ships no CMake package of its own.
install(FILES "${PROJECT_BINARY_DIR}/streamlabConfig.cmake" "${PROJECT_BINARY_DIR}/streamlabConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/FindAsio.cmake" DESTINATION "${streamlab_cmake_dir}")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/streamlab")
