# Script mode (cmake -P), run after each build by ccci_add_gtest_suites: lists the suites of
# EXECUTABLE and writes OUTPUT, a CTest file adding one test per suite with the label LABEL.
# A suite that can't be listed fails the build, as gtest_discover_tests does.
execute_process(COMMAND ${EXECUTABLE} --gtest_list_tests
  OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 60)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${EXECUTABLE} --gtest_list_tests failed (${status}): ${errors}")
endif()

string(REPLACE "\n" ";" lines "${listing}")
set(tests "")
set(count 0)
foreach(line IN LISTS lines)
  # A suite line is the suite's name and a dot, perhaps followed by "  # TypeParam = …";
  # its test cases follow, indented.
  if(line MATCHES "^([A-Za-z_][A-Za-z0-9_/]*)\\.( +#.*)?$")
    set(suite "${CMAKE_MATCH_1}")
    string(APPEND tests
      "add_test([==[${suite}]==] [==[${EXECUTABLE}]==] [==[--gtest_filter=${suite}.*]==])\n"
      "set_tests_properties([==[${suite}]==] PROPERTIES LABELS ${LABEL})\n")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${EXECUTABLE} lists no test suite")
endif()
file(WRITE "${OUTPUT}" "${tests}")
