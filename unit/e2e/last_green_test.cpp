// Last-green on the testbed: a green run of the default branch whose tip is a published tag
// records it, a PR run then upgrades from it; a red default-branch run never replaces a record;
// a record whose tag is gone falls through to the branch tip, saying why. Each test has its own
// copy of fixture-web (FixtureCopy) and its own state dir, so no record leaks between tests.
#include <cstdlib>

#include "unit/e2e/lifecycle.hpp"

namespace ccci::e2e {
namespace {

class LastGreen : public FixtureCopy {
 protected:
  /// An annotated tag `name` on the copy's `ref`, pushed; returns the commit it names.
  std::string tag(const std::string& ref, const std::string& name) {
    git({"-C", work().string(), "fetch", "-q", "origin", "+" + ref + ":refs/ccci-e2e/tagged"});
    git({"-C", work().string(), "tag", "-a", name, "-m", name, "refs/ccci-e2e/tagged"});
    git({"-C", work().string(), "push", "-q", "origin", "refs/tags/" + name});
    return commit_of("refs/ccci-e2e/tagged");
  }

  std::vector<std::string> places() const {
    return {"--git-base=" + git_base_.string(), "--state-dir=" + state_dir_.string()};
  }
  /// `ccci-run last-green fixture-web [more...]` against this test's state dir.
  CommandResult last_green(const std::vector<std::string>& more = {}) const {
    std::vector<std::string> argv{(std::filesystem::path(CCCI_BINARY_DIR) / "runner/ccci-run").string(), "last-green",
                                  recipe_, "--state-dir=" + state_dir_.string()};
    argv.insert(argv.end(), more.begin(), more.end());
    return e2e::run(argv, std::chrono::minutes(1));
  }
  std::filesystem::path record_file() const { return state_dir_ / "last-green" / (recipe_ + ".json"); }
  const json::object& promotion() const { return results().at("last_green").as_object(); }
};

TEST_F(LastGreen, AGreenDefaultBranchRunRecordsItsTagAndAPrRunUpgradesFromIt) {
  // The main tip (docs after 1.1.0+1.1) released as 1.2.0+1.2; PR 1 is based on it.
  std::string released = tag("refs/heads/main", "1.2.0+1.2");

  auto none = last_green();
  ASSERT_EQ(none.exit_code, 0) << none.output;
  EXPECT_EQ(none.output, "no last-green record for fixture-web\n");

  RunResult main_run = checked(run_ccci("fixture-web", 0, places()));
  ASSERT_EQ(main_run.exit_code, 0) << main_run.output;
  EXPECT_EQ(results().at("pr"), json::value(nullptr));
  EXPECT_EQ(results().at("head").at("ref").as_string(), "refs/heads/main");
  EXPECT_EQ(results().at("head").at("commit").as_string(), released);
  // No earlier base than the head itself: the upgrade is skipped, which does not block promotion.
  EXPECT_EQ(results().at("base").at("source").as_string(), "skip");
  EXPECT_EQ(status("upgrade"), "skipped");
  for (const char* name : {"install", "backup", "restore", "custom"}) EXPECT_EQ(status(name), "pass") << name;
  EXPECT_TRUE(promotion().at("promoted").as_bool()) << promotion().at("reason");
  EXPECT_EQ(promotion().at("version").as_string(), "1.2.0+1.2");
  EXPECT_NE(main_run.output.find("promoted 1.2.0+1.2 to last-green"), std::string::npos) << main_run.output;
  EXPECT_NE(read_text(main_run.out_dir / "summary.md").find("- last-green: promoted 1.2.0+1.2 to last-green"),
            std::string::npos);

  auto shown = last_green();
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_EQ(shown.output.find("last-green fixture-web: 1.2.0+1.2 @ " + released + "\n"), 0u) << shown.output;
  EXPECT_NE(shown.output.find("  run       " + std::string(main_run.plan.at("run_id").as_string()) + "\n"),
            std::string::npos)
      << shown.output;

  RunResult pr_run = checked(run_ccci("fixture-web", 1, places()));
  ASSERT_EQ(pr_run.exit_code, 0) << pr_run.output;
  EXPECT_EQ(pr_run.plan.at("base").at("source").as_string(), "last-green");
  EXPECT_EQ(results().at("base").at("source").as_string(), "last-green");
  EXPECT_EQ(results().at("base").at("version").as_string(), "1.2.0+1.2");
  EXPECT_EQ(results().at("base").at("commit").as_string(), released);
  for (const char* name : {"install", "upgrade", "backup", "restore", "custom"})
    EXPECT_EQ(status(name), "pass") << name;
  const auto* head = check("upgrade", "head_deployed");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->at("status").as_string(), "pass");
  EXPECT_FALSE(promotion().at("promoted").as_bool());
  EXPECT_EQ(promotion().at("reason").as_string(), "a PR run never promotes");
  EXPECT_NE(pr_run.output.find("upgrade base: 1.2.0+1.2 @ " + released.substr(0, 12) + ", from last-green"),
            std::string::npos)
      << pr_run.output;

  auto cleared = last_green({"--clear"});
  ASSERT_EQ(cleared.exit_code, 0) << cleared.output;
  EXPECT_FALSE(std::filesystem::exists(record_file()));
  EXPECT_EQ(last_green().output, "no last-green record for fixture-web\n");
}

TEST_F(LastGreen, ARedDefaultBranchRunNeverReplacesTheRecord) {
  // An earlier record (1.1.0+1.1); then main moves to PR 2's head (an image that does not
  // exist), released as 9.9.0+9.9: upgrading 1.1.0+1.1 to it is red.
  std::string earlier = commit_of("refs/tags/1.1.0+1.1");
  std::filesystem::create_directories(record_file().parent_path());
  std::ofstream(record_file()) << R"({"version": "1.1.0+1.1", "commit": ")" << earlier
                               << R"(", "run_id": "earlier", "recorded_at": "2026-11-01T00:00:00Z"})";
  std::string before = read_text(record_file());
  std::filesystem::path mirror = git_base_ / ("coop-cloud/" + recipe_);
  git({"-C", mirror.string(), "update-ref", "refs/heads/main", "refs/pull/2/head"});
  tag("refs/heads/main", "9.9.0+9.9");

  RunResult result = checked(run_ccci("fixture-web", 0, places()));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(results().at("base").at("source").as_string(), "last-green");
  EXPECT_EQ(results().at("base").at("version").as_string(), "1.1.0+1.1");
  EXPECT_EQ(status("upgrade"), "fail");
  EXPECT_FALSE(promotion().at("promoted").as_bool());
  EXPECT_EQ(promotion().at("reason").as_string(), "the run is red");
  EXPECT_NE(result.output.find("not promoted: the run is red"), std::string::npos) << result.output;
  EXPECT_EQ(read_text(record_file()), before) << "a red run leaves the record as it was";
}

TEST_F(LastGreen, ARecordWhoseTagIsGoneFallsThroughToTheBranchTipSayingWhy) {
  std::filesystem::create_directories(record_file().parent_path());
  std::ofstream(record_file()) << R"({"version": "7.7.7+7.7", "commit": ")" << commit_of("refs/tags/1.1.0+1.1")
                               << R"("})";
  std::vector<std::string> args = places();
  args.emplace_back("--plan");
  RunResult result = run_ccci("fixture-web", 1, args);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_TRUE(result.plan.is_object()) << result.output;
  const auto& base = result.plan.at("base").as_object();
  EXPECT_EQ(base.at("source").as_string(), "target-branch");
  std::string reason(base.at("reason").as_string());
  EXPECT_EQ(reason, "tip of main (last-green 7.7.7+7.7 is no longer a tag of " + git_base_.string() +
                        "/coop-cloud/fixture-web)");
  EXPECT_NE(result.output.find(reason), std::string::npos) << "the plan on the terminal says it too";
}

}  // namespace
}  // namespace ccci::e2e
