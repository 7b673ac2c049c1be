# clang-format (.clang-format): `format` rewrites every C++ file of the project in place,
# `check-format` fails on any file that differs from it (the test command runs it).
find_program(CLANG_FORMAT NAMES clang-format clang-format-14)
if(CLANG_FORMAT)
  file(GLOB_RECURSE CCCI_FORMATTED_SOURCES CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/harness/*.[ch]pp ${PROJECT_SOURCE_DIR}/runner/*.[ch]pp
    ${PROJECT_SOURCE_DIR}/testbed/*.[ch]pp ${PROJECT_SOURCE_DIR}/unit/*.[ch]pp
    ${PROJECT_SOURCE_DIR}/fuzz/*.[ch]pp ${PROJECT_SOURCE_DIR}/bench/*.[ch]pp)
  add_custom_target(format
    COMMAND ${CLANG_FORMAT} -i ${CCCI_FORMATTED_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} VERBATIM)
  add_custom_target(check-format
    COMMAND ${CLANG_FORMAT} --dry-run --Werror ${CCCI_FORMATTED_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} VERBATIM)
endif()
