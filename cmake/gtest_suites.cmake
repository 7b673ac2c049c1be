# ccci_add_gtest_suites(TARGET LABEL): one CTest test per GoogleTest suite of TARGET, named after
# the suite and running `TARGET --gtest_filter=Suite.*`, with the CTest label LABEL.
# Why not gtest_discover_tests: it starts one process per test case, and at ~20 ms of startup
# each, the ~400 cases of the unit label spent more time starting than testing. A failing suite
# prints the failing cases' names (ctest --output-on-failure). Like gtest_discover_tests, the
# suites are listed after each build of TARGET (gtest_suites_list.cmake).
set(CCCI_GTEST_SUITES_LISTER ${CMAKE_CURRENT_LIST_DIR}/gtest_suites_list.cmake)

function(ccci_add_gtest_suites target label)
  set(suites_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites_include.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -D EXECUTABLE=$<TARGET_FILE:${target}> -D LABEL=${label} -D OUTPUT=${suites_file}
            -P ${CCCI_GTEST_SUITES_LISTER}
    BYPRODUCTS ${suites_file}
    VERBATIM)
  file(WRITE ${include_file}
    "if(EXISTS \"${suites_file}\")\n"
    "  include(\"${suites_file}\")\n"
    "else()\n"
    "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
