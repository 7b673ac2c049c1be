// ccci's own convergence (`deploy.converge: ccci`) on the testbed: abra deploys with
// --no-converge-checks and ccci waits for every service to run its current spec, bounded by the
// spec's timeouts.deploy. Each test is one ccci-run; nothing of its stack may be left.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

std::filesystem::path specs(const std::string& name) {
  return std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e" / name;
}

TEST_F(Lifecycle, AnAppAbraGivesUpOnInItsStartPeriodIsGreenWhenCcciJudgesConvergence) {
  auto result = checked(run_ccci("fixture-web", 1, {"--recipes-dir=" + specs("specs-converge-ccci").string()}));
  expect_green_through_every_tier(result);
  EXPECT_NE(result.output.find("abra deployed without its convergence checks (deploy.converge: ccci)"),
            std::string::npos)
      << result.output;
}

TEST_F(Lifecycle, TheSameAppUnderAbrasOwnMonitorIsRedAtInstall) {
  // The negative control: only deploy.converge differs from the spec above.
  RunResult result = run_ccci("fixture-web", 1, {"--recipes-dir=" + specs("specs-converge-abra").string()});
  last_ = result;
  ASSERT_TRUE(result.results.is_object()) << result.output;
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(status("install"), "fail") << reason("install");
  EXPECT_NE(reason("install").find("deploy failed"), std::string::npos) << "abra's own words: " << reason("install");
  EXPECT_EQ(leftovers_of_run(result), std::vector<std::string>{});
  expect_reports_valid(result.out_dir);
}

/// fixture-web whose PR 1 head runs `sleep` instead of its web server: the healthcheck never
/// passes, so the head never converges.
class NeverConverges : public FixtureCopy {
 protected:
  void SetUp() override {
    FixtureCopy::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    publish("refs/pull/1/head", "    command: [\"sleep\", \"86400\"]\n", "fix: a head whose app never gets healthy",
            "refs/pull/1/head");
  }
};

TEST_F(NeverConverges, AHeadThatNeverConvergesIsRedInUpgradeNamingItsTasksWithinTheDeployTimeout) {
  RunResult result =
      run_ccci("fixture-web", 1,
               {"--git-base=" + git_base_.string(), "--recipes-dir=" + specs("specs-converge-never").string()});
  last_ = result;
  ASSERT_TRUE(result.results.is_object()) << result.output;
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(status("install"), "pass") << reason("install");
  EXPECT_EQ(status("upgrade"), "fail") << reason("upgrade");
  std::string stack(result.plan.at("domain").as_string());
  std::replace(stack.begin(), stack.end(), '.', '_');
  std::string why = reason("upgrade");
  EXPECT_NE(why.find("the services of " + stack + " did not converge within"), std::string::npos) << why;
  EXPECT_NE(why.find(stack + "_app 0/1 of its current spec running ("), std::string::npos) << why;
  EXPECT_NE(why.find("(what abra's deploy left of the spec's timeouts.deploy, 60s): "), std::string::npos) << why;
  EXPECT_EQ(results().at("level").as_int64(), 1);
  expect_evidence(result, "upgrade__generic.xml");
  EXPECT_EQ(leftovers_of_run(result), std::vector<std::string>{});
  expect_reports_valid(result.out_dir);
}

}  // namespace
}  // namespace ccci::e2e
