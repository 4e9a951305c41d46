# Installs the tools, the runtime library and headers, and the CMake package
# that exports them (find_package(seqc) → seqc::runtime, and the shared
# libseqc_runtime.so as seqc::runtime_shared).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS seqc seqc-opt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set_target_properties(SeqcRuntime PROPERTIES EXPORT_NAME runtime)
set_target_properties(SeqcTensorFiles PROPERTIES EXPORT_NAME tensor_files)
set_target_properties(SeqcRuntimeShared PROPERTIES EXPORT_NAME runtime_shared)
install(TARGETS SeqcRuntime SeqcTensorFiles SeqcRuntimeShared
  EXPORT seqcTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES
  ${PROJECT_SOURCE_DIR}/runtime/include/seqc/Runtime/seqc_runtime.h
  ${PROJECT_SOURCE_DIR}/runtime/include/seqc/Runtime/seqc_module_abi.h
  ${PROJECT_SOURCE_DIR}/runtime/include/seqc/Runtime/TensorFiles.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/seqc/Runtime)

set(SEQC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/seqc)
install(EXPORT seqcTargets NAMESPACE seqc:: DESTINATION ${SEQC_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/seqcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/seqcConfig.cmake INSTALL_DESTINATION ${SEQC_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/seqcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/seqcConfig.cmake
  ${PROJECT_BINARY_DIR}/seqcConfigVersion.cmake DESTINATION ${SEQC_CMAKE_DIR})
