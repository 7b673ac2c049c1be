#include "runner/app.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "unit/fakes/git_repo.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

/// A fixture recipe repo at <base>/coop-cloud/fixture-web: tags, main, a PR head.
struct PlanRun : ::testing::Test {
  fakes::TempDir base;
  fakes::TempDir out;
  std::string main_tip, pr_head, tag_commit;
  std::ostringstream stdout_text, stderr_text;

  void SetUp() override {
    fakes::GitRepo repo(base.path() / "coop-cloud/fixture-web");
    repo.commit({{"compose.yml", "services: {app: {image: ccci/fixture-web:1.0}}\n"}}, "1.0");
    tag_commit = repo.annotated_tag("1.0.0+1.0");
    main_tip = repo.commit({{"README.md", "fixture\n"}}, "docs");
    pr_head = repo.commit({{"compose.yml", "services: {app: {image: ccci/fixture-web:1.1}}\n"}}, "pr");
    repo.pull_ref(1, pr_head);
    repo.git({"reset", "--hard", main_tip});
  }

  std::map<std::string, std::string> env(const std::string& pr) {
    return {{"RECIPE", "fixture-web"},
            {"PR", pr},
            {"OUT", out.path().string()},
            {"CCCI_GIT_BASE", base.path().string()},
            {"CCCI_RECIPES_DIR", std::string(CCCI_SOURCE_DIR) + "/recipes"},
            {"CCCI_STATE_DIR", (base.path() / "state").string()},
            {"PATH", std::getenv("PATH")}};
  }

  int run(const std::map<std::string, std::string>& environment, std::vector<std::string> args = {"--plan"}) {
    return run_ccci(environment, args, stdout_text, stderr_text);
  }
};

TEST_F(PlanRun, PrintsTheResolvedBaseWithItsSourceAndWritesPlanJson) {
  ASSERT_EQ(run(env("1")), 0) << stderr_text.str();
  std::string printed = stdout_text.str();
  EXPECT_NE(printed.find("head     " + pr_head + " (refs/pull/1/head)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("base     main @ " + main_tip + " from target-branch"), std::string::npos) << printed;
  std::ifstream file(out.path() / "plan.json");
  std::stringstream text;
  text << file.rdbuf();
  auto plan = boost::json::parse(text.str()).as_object();
  EXPECT_EQ(plan.at("base").at("source").as_string(), "target-branch");
  EXPECT_EQ(plan.at("head").at("commit").as_string(), pr_head);
  EXPECT_EQ(plan.at("tiers").as_array().size(), 5u);
}

TEST_F(PlanRun, LastGreenRecordWinsOverTheBranchTip) {
  std::filesystem::create_directories(base.path() / "state/last-green");
  std::ofstream(base.path() / "state/last-green/fixture-web.json")
      << "{\"version\": \"1.0.0+1.0\", \"commit\": \"" << tag_commit << "\"}";
  ASSERT_EQ(run(env("1")), 0) << stderr_text.str();
  EXPECT_NE(stdout_text.str().find("1.0.0+1.0 @ " + tag_commit + " from last-green"), std::string::npos)
      << stdout_text.str();
}

TEST_F(PlanRun, UnknownPrIsAUsageErrorAndNothingIsWritten) {
  EXPECT_EQ(run(env("7")), 2);
  EXPECT_NE(stderr_text.str().find("PR 7 has no head"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out.path() / "plan.json"));
}

TEST_F(PlanRun, HostileInputIsRejectedBeforeAnythingRuns) {
  auto environment = env("1");
  environment["REF"] = "--upload-pack=touch /tmp/pwned";
  EXPECT_EQ(run(environment), 2);
  EXPECT_NE(stderr_text.str().find("REF (env REF)"), std::string::npos) << stderr_text.str();
  EXPECT_EQ(stdout_text.str(), "") << "nothing spawned, nothing logged";
}

TEST_F(PlanRun, UnenrolledRecipeIsASpecErrorWhenASpecIsRequired) {
  auto environment = env("1");
  environment["RECIPE"] = "not-enrolled";
  environment["CCCI_REQUIRE_SPEC"] = "1";
  EXPECT_EQ(run(environment), 2);
  EXPECT_NE(stderr_text.str().find("recipe not-enrolled is not enrolled"), std::string::npos);
  EXPECT_NE(stderr_text.str().find("CCCI_REQUIRE_SPEC=1 (env CCCI_REQUIRE_SPEC) requires a spec"), std::string::npos)
      << stderr_text.str();
}

TEST_F(PlanRun, UnenrolledRecipeIsPlannedWithGenericChecksOnlyAndSaysSo) {
  fakes::TempDir no_specs;
  auto environment = env("1");
  environment["CCCI_RECIPES_DIR"] = no_specs.path().string();
  ASSERT_EQ(run(environment), 0) << stderr_text.str();
  std::string spec_file = (no_specs.path() / "fixture-web/recipe.yml").string();
  EXPECT_NE(stdout_text.str().find("spec     not enrolled: generic checks only (no " + spec_file + ")"),
            std::string::npos)
      << stdout_text.str();
  std::ifstream file(out.path() / "plan.json");
  std::stringstream text;
  text << file.rdbuf();
  auto plan = boost::json::parse(text.str()).as_object();
  EXPECT_FALSE(plan.at("enrolled").as_bool());
  int checks = 0;
  for (const auto& tier : plan.at("tiers").as_array()) {
    EXPECT_EQ(tier.at("disposition").as_string(), tier.at("tier") == "custom" ? "n/a" : "run") << tier;
    for (const auto& check : tier.at("checks").as_array()) {
      ++checks;
      EXPECT_EQ(check.at("source").as_string(), "generic") << check;
    }
  }
  EXPECT_GE(checks, 5) << "every tier runs its generic checks";
}

TEST_F(PlanRun, EnrolledRecipesPlanSaysEnrolled) {
  ASSERT_EQ(run(env("1")), 0) << stderr_text.str();
  EXPECT_EQ(stdout_text.str().find("not enrolled"), std::string::npos) << stdout_text.str();
  std::ifstream file(out.path() / "plan.json");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_TRUE(boost::json::parse(text.str()).at("enrolled").as_bool());
}

TEST_F(PlanRun, HelpDocumentsTheContract) {
  EXPECT_EQ(run({}, {"--help"}), 0);
  EXPECT_NE(stdout_text.str().find("RECIPE=discourse PR=4 ccci-run --plan"), std::string::npos);
}

TEST_F(PlanRun, OutThatIsAFileIsAUsageErrorBeforeAnythingRuns) {
  auto environment = env("1");
  environment["OUT"] = (out.path() / "file").string();
  std::ofstream(out.path() / "file") << "x";
  EXPECT_EQ(run(environment), 2);
  EXPECT_NE(stderr_text.str().find("OUT (env OUT) = '" + environment["OUT"] + "': the artifact directory is a file"),
            std::string::npos)
      << stderr_text.str();
  EXPECT_EQ(stdout_text.str(), "") << "nothing spawned, nothing logged";
}

TEST_F(PlanRun, UnwritableOutIsAUsageErrorBeforeAnythingRuns) {
  auto environment = env("1");
  environment["OUT"] = "/proc";  // no new files there, not even for root
  EXPECT_EQ(run(environment), 2);
  EXPECT_NE(stderr_text.str().find("OUT (env OUT) = '/proc': the artifact directory is not writable"),
            std::string::npos)
      << stderr_text.str();
  EXPECT_EQ(stdout_text.str(), "");
}

TEST_F(PlanRun, OutWithMissingParentsIsCreated) {
  auto environment = env("1");
  environment["OUT"] = (out.path() / "runs/pr-1").string();
  ASSERT_EQ(run(environment), 0) << stderr_text.str();
  EXPECT_TRUE(std::filesystem::exists(out.path() / "runs/pr-1/plan.json"));
}

}  // namespace
}  // namespace ccci::runner
