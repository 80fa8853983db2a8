# `cmake --install` puts the headers, the library and a CMake package in the prefix, so another
# project can use StreamLab with:
#   find_package(streamlab 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE streamlab::common)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(streamlab_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/streamlab")

set_target_properties(streamlab_common PROPERTIES EXPORT_NAME common)
install(TARGETS streamlab_common EXPORT streamlabTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/common/include/streamlab" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT streamlabTargets NAMESPACE streamlab:: DESTINATION "${streamlab_cmake_dir}")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/streamlabConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/streamlabConfig.cmake" INSTALL_DESTINATION "${streamlab_cmake_dir}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/streamlabConfigVersion.cmake" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/streamlabConfig.cmake" "${PROJECT_BINARY_DIR}/streamlabConfigVersion.cmake"
        DESTINATION "${streamlab_cmake_dir}")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/streamlab")
