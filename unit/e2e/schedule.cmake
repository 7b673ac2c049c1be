# Included by ctest after the e2e tests are discovered: the longest e2e tests get a COST, so a
# parallel ctest starts them first and the suite does not end on one long test alone. Figures:
# seconds, from a full e2e run on a 2-core machine (the order is what counts, not the values).
set(ccci_e2e_costs
  "Stability.FixtureDbIsGreenFiveTimesInARow" 210
  "Stability.FixtureWebIsGreenFiveTimesInARow" 200
  "NeverConvergingHead.IsRedInTheUpgradeWithinTheDeployTimeoutAndTornDown" 95
  "NeverConverges.AHeadThatNeverConvergesIsRedInUpgradeNamingItsTasksWithinTheDeployTimeout" 90
  "LastGreen.AGreenDefaultBranchRunRecordsItsTagAndAPrRunUpgradesFromIt" 70)
while(ccci_e2e_costs)
  list(POP_FRONT ccci_e2e_costs name cost)
  list(FIND ccci_e2e_shared_tests "${name}" found)  # ctest's scripts have no IN_LIST
  if(found GREATER -1)
    set_tests_properties("${name}" PROPERTIES COST ${cost})
  endif()
endwhile()
