// The head's new configuration on the testbed: fixture-web's PR 5 head requires GREETING and the
// secret api_key, both new in its .env.sample. With the upgrade applying them the run is green
// and results.json lists them; with upgrade.apply_env off the upgrade is red naming GREETING.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

std::filesystem::path specs(const std::string& name) {
  return std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e" / name;
}

/// fixture-web with PR 5 published from testbed/fixtures/fixture-web/pr5-env-and-secret into a
/// git base of the test's own, so the test never depends on which checkout last built the
/// testbed's shared repos.
class HeadWithNewConfiguration : public FixtureCopy {
 protected:
  void SetUp() override {
    FixtureCopy::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::filesystem::path step =
        std::filesystem::path(CCCI_SOURCE_DIR) / "testbed/fixtures/fixture-web/pr5-env-and-secret";
    git({"-C", work().string(), "-c", "advice.detachedHead=false", "checkout", "-q", "origin/main"});
    for (const char* file : {".env.sample", "compose.yml"}) {
      std::filesystem::copy_file(step / file, work() / file, std::filesystem::copy_options::overwrite_existing);
    }
    git({"-C", work().string(), "commit", "-q", "-a", "-m", "feat: a greeting and an API key"});
    git({"-C", work().string(), "push", "-q", "--force", "origin", "HEAD:refs/pull/5/head"});
  }

  std::vector<std::string> strings(const char* field) const {
    std::vector<std::string> out;
    for (const auto& value : results().at("upgrade_env").at(field).as_array()) out.emplace_back(value.as_string());
    return out;
  }

  RunResult run_pr5(const std::string& spec_dir) {
    return run_ccci("fixture-web", 5,
                    {"--git-base=" + git_base_.string(), "--recipes-dir=" + specs(spec_dir).string()});
  }
};

TEST_F(HeadWithNewConfiguration, IsGreenBecauseTheUpgradeAddedItsKeyAndGeneratedItsSecret) {
  RunResult result = checked(run_pr5("specs-upgrade-env"));
  expect_green_through_every_tier(result);
  ASSERT_TRUE(results().at("upgrade_env").is_object()) << result.output;
  EXPECT_TRUE(results().at("upgrade_env").at("applied").as_bool());
  EXPECT_EQ(strings("added"), (std::vector<std::string>{"GREETING", "SECRET_API_KEY_VERSION"}));
  EXPECT_EQ(strings("secrets"), std::vector<std::string>{"api_key"});
  EXPECT_EQ(strings("removed"), std::vector<std::string>{});
  for (const char* name : {"greeting_from_the_heads_sample", "api_key_secret_mounted"}) {
    const auto* passed = check("upgrade", name);
    ASSERT_NE(passed, nullptr) << name;
    EXPECT_EQ(passed->at("status").as_string(), "pass") << name;
  }
  std::string summary = read_text(result.out_dir / "summary.md");
  EXPECT_NE(summary.find("- head's new configuration: added GREETING, SECRET_API_KEY_VERSION; secrets generated: "
                         "api_key"),
            std::string::npos)
      << summary;
}

TEST_F(HeadWithNewConfiguration, IsRedInUpgradeNamingTheKeyWhenTheConfigurationIsNotApplied) {
  // The negative control: only upgrade.apply_env differs from the spec above.
  RunResult result = run_pr5("specs-upgrade-env-off");
  last_ = result;
  ASSERT_TRUE(result.results.is_object()) << result.output;
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(status("install"), "pass") << reason("install");
  EXPECT_EQ(status("upgrade"), "fail") << reason("upgrade");
  EXPECT_NE(reason("upgrade").find("required variable GREETING is missing a value"), std::string::npos)
      << reason("upgrade");
  EXPECT_FALSE(results().at("upgrade_env").at("applied").as_bool());
  EXPECT_EQ(strings("added"), (std::vector<std::string>{"GREETING", "SECRET_API_KEY_VERSION"}));
  EXPECT_EQ(leftovers_of_run(result), std::vector<std::string>{});
  expect_reports_valid(result.out_dir);
}

}  // namespace
}  // namespace ccci::e2e
