// Script checks on the testbed: fixture-web's round-trip through `ccci-run http` and `ccci-run
// exec`, and a spec variant whose scripts end each way the exit-code contract knows and leak the
// run's generated admin password. Only the install and custom tiers run (STAGES=custom).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "unit/e2e/lifecycle.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::e2e {
namespace {

class ScriptChecks : public Lifecycle {
 protected:
  RunResult run_custom(const std::filesystem::path& recipes_dir, const std::map<std::string, std::string>& env = {}) {
    Watch watch;
    watch.recipes_dir = recipes_dir;
    watch.env = env;
    watch.env["STAGES"] = "custom";
    std::string unused;
    return checked(run_ccci_watched("fixture-web", 1, watch, unused));
  }
};

TEST_F(ScriptChecks, FixtureWebsRoundTripThroughTheHelperSubcommandsPasses) {
  RunResult result = run_custom(std::filesystem::path(CCCI_SOURCE_DIR) / "recipes");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(status("custom"), "pass");
  const auto* roundtrip = check("custom", "script_helpers_roundtrip");
  ASSERT_NE(roundtrip, nullptr) << result.output;
  EXPECT_EQ(roundtrip->at("status").as_string(), "pass") << *roundtrip;
  std::string detail(roundtrip->at("detail").as_string());
  EXPECT_NE(detail.find("written, read back, found on the volume and deleted"), std::string::npos) << detail;
  std::string domain(result.plan.at("domain").as_string());
  EXPECT_EQ(read_text(result.out_dir / "artifacts/custom/script_helpers_roundtrip/marker.txt"),
            "written by the script check to " + domain + "\n");
  EXPECT_EQ(read_text(result.out_dir / "artifacts/deps.json"), "{\"deps\": []}\n");
}

TEST_F(ScriptChecks, Exit1FailsExit2IsAnErrorAndTheAdminPasswordReachesNoFileInOut) {
  fakes::TempDir own_tmp;  // where the leaking script leaves the password for this test, outside OUT
  RunResult result = run_custom(std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e/specs-script-exits",
                                {{"TMPDIR", own_tmp.path().string()}});
  EXPECT_EQ(result.exit_code, 3) << "an error outranks a failure\n" << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "error");
  EXPECT_EQ(check_message("custom", "says_no", "fail"),
            "checks/says-no.sh: exit 1; output ends \"looking for the marker list\\x0athe marker list is empty\" "
            "(failed twice)")
      << "a failure is run once more";
  EXPECT_EQ(check_message("custom", "cannot_judge", "error"),
            "checks/cannot-judge.sh: exit 2 (exit 1 fails, any other exit is an error); output ends \"jq: command "
            "not found\"");
  std::string junit = read_text(result.out_dir / "junit/custom__overlay.xml");
  EXPECT_NE(junit.find("stdout:\nlooking for the marker list\n\nstderr:\nthe marker list is empty"), std::string::npos)
      << junit;

  std::string password = read_text(own_tmp.path() / "ccci-e2e-admin-password");
  ASSERT_EQ(password.size(), 28u) << "the leaking script did not leave the password; output:\n" << result.output;
  std::string leak_detail(check("custom", "leaks_the_admin_password")->at("detail").as_string());
  EXPECT_NE(leak_detail.find("plain: ********"), std::string::npos) << "the scan below is not vacuous\n" << leak_detail;
  EXPECT_NE(
      read_text(result.out_dir / "artifacts/custom/leaks_the_admin_password/login-form.txt").find("plain: ********"),
      std::string::npos);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(result.out_dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::string text = read_text(entry.path());
    for (const auto& form : leaked_forms(password))
      EXPECT_EQ(text.find(form), std::string::npos) << entry.path() << " holds the admin password as " << form;
  }
  EXPECT_GT(files, 8) << "live log, plan, results, summary, JUnit, evidence and the artifact";
}

}  // namespace
}  // namespace ccci::e2e
