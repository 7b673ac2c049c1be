# clang-tidy (.clang-tidy): `tidy` checks every translation unit of this build directory's
# compile_commands.json that lies in the project (not the generated or system ones), two at a
# time per core, and fails on any warning (the configuration makes every warning an error). The
# test command runs it on the clang build, whose compile commands clang-tidy reads natively.
find_program(RUN_CLANG_TIDY NAMES run-clang-tidy run-clang-tidy-14)
find_program(CLANG_TIDY NAMES clang-tidy clang-tidy-14)
if(RUN_CLANG_TIDY AND CLANG_TIDY)
  cmake_host_system_information(RESULT CCCI_TIDY_JOBS QUERY NUMBER_OF_LOGICAL_CORES)
  add_custom_target(tidy
    COMMAND ${RUN_CLANG_TIDY} -clang-tidy-binary ${CLANG_TIDY} -p ${PROJECT_BINARY_DIR} -quiet
      -j ${CCCI_TIDY_JOBS} "^${PROJECT_SOURCE_DIR}/(harness|runner|testbed|unit|fuzz|bench)/"
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} VERBATIM USES_TERMINAL)
endif()
