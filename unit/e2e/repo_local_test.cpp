// Repo-local checks on the testbed: fixture-db PR 6 ships .ccci/checks.yml with a canary script
// that leaves /tmp/ccci-canary-<stack> when it runs. With ccci's own recipes/ (fixture-db is not on
// repo-local-approved.txt) the canary never runs and the reports say why; with an allow-list that
// names fixture-db it runs, as a repo_local check of the custom tier.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

namespace fs = std::filesystem;

class RepoLocal : public Lifecycle {
 protected:
  RunResult run_pr6(const fs::path& recipes_dir) {
    RunResult result = checked(run_ccci_with_env("fixture-db", 6, {{"CCCI_RECIPES_DIR", recipes_dir.string()}}));
    if (result.plan.is_object()) {
      std::string stack(result.plan.at("domain").as_string());
      std::replace(stack.begin(), stack.end(), '.', '_');
      canary_ = "/tmp/ccci-canary-" + stack;
    }
    return result;
  }
  void TearDown() override {
    if (!canary_.empty()) fs::remove(canary_);
    Lifecycle::TearDown();
  }
  fs::path canary_;
};

TEST_F(RepoLocal, ARecipeOffTheAllowListNeverRunsItsRepositorysChecksAndSaysWhy) {
  RunResult result = run_pr6(fs::path(CCCI_SOURCE_DIR) / "recipes");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_FALSE(fs::exists(canary_)) << "the PR's canary ran";
  const std::string note = ".ccci/checks.yml not run: fixture-db is not on " CCCI_SOURCE_DIR
                           "/recipes/repo-local-approved.txt (repo-local checks are code from the PR's author; "
                           "default deny)";
  EXPECT_EQ(results().at("repo_local").at("state").as_string(), "denied");
  EXPECT_EQ(results().at("repo_local").at("note").as_string(), note);
  EXPECT_EQ(result.plan.at("repo_local").at("state").as_string(), "denied");
  const auto* skipped = check("custom", "repo_local_checks");
  ASSERT_NE(skipped, nullptr);
  EXPECT_EQ(skipped->at("status").as_string(), "skip");
  EXPECT_EQ(skipped->at("source").as_string(), "repo_local");
  EXPECT_EQ(skipped->at("message").as_string(), note);
  EXPECT_EQ(check("custom", "canary"), nullptr);
  EXPECT_NE(result.output.find("  repo     " + note), std::string::npos) << "the plan says so";
  EXPECT_NE(read_text(result.out_dir / "summary.md").find("- repo-local checks: .ccci/checks.yml not run"),
            std::string::npos);
}

TEST_F(RepoLocal, AnApprovedRecipesRepositoryChecksRunInItsCustomTier) {
  RunResult result = run_pr6(fs::path(CCCI_SOURCE_DIR) / "unit/e2e/specs-repo-local");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::exists(canary_)) << "the approved check did not run";
  EXPECT_EQ(results().at("repo_local").at("state").as_string(), "approved");
  const auto* canary = check("custom", "canary");
  ASSERT_NE(canary, nullptr);
  EXPECT_EQ(canary->at("status").as_string(), "pass") << canary->at("message");
  EXPECT_EQ(canary->at("source").as_string(), "repo_local");
  EXPECT_EQ(check("custom", "repo_local_checks"), nullptr);
  EXPECT_TRUE(fs::exists(result.out_dir / "junit/custom__repo_local.xml"));
}

}  // namespace
}  // namespace ccci::e2e
