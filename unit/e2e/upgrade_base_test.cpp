// The upgrade base on the testbed when it is not an ordinary one: a published base abra cannot
// deploy (a compose key docker refuses, an image that is gone) is an infrastructure-class error of
// the upgrade tier while the head is still judged on every other tier; a last-green version whose
// image is gone falls through to the tip of main, saying why; a new recipe whose main holds no
// compose.yml yet has no base at all. Each test has its own copy of fixture-web (FixtureCopy).
#include <cstdlib>

#include "unit/e2e/lifecycle.hpp"

namespace ccci::e2e {
namespace {

/// compose.yml with the app's image tag `from` replaced by `to`.
std::function<void(std::string&)> image_tag(const std::string& from, const std::string& to) {
  return [=](std::string& compose) {
    auto at = compose.find("image: ccci/fixture-web:" + from + "\n");
    ASSERT_NE(at, std::string::npos) << compose;
    compose.replace(at, std::string("image: ccci/fixture-web:" + from).size(), "image: ccci/fixture-web:" + to);
  };
}

class UndeployableBase : public FixtureCopy {
 protected:
  /// Runs PR 1 against the spec that pins 0.9.0+broken and checks what every such run shows: the
  /// head installed instead and judged on every other tier, the upgrade an error naming the base.
  std::string run_expecting_base_not_deployable(int expected_deploys) {
    const std::filesystem::path specs = std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e/specs-broken-base";
    RunResult result =
        run_ccci("fixture-web", 1, {"--git-base=" + git_base_.string(), "--recipes-dir=" + specs.string()});
    last_ = result;
    EXPECT_TRUE(result.results.is_object()) << result.output;
    if (!result.results.is_object()) return "";
    EXPECT_EQ(result.exit_code, 3) << "infrastructure-class: the PR did not break its base\n" << result.output;
    EXPECT_EQ(results().at("verdict").as_string(), "error");
    EXPECT_EQ(results().at("level").as_int64(), 1) << "the upgrade rung is unproven";
    EXPECT_EQ(results().at("base").at("version").as_string(), "0.9.0+broken");
    std::string why(results().at("base").at("not_deployable").as_string());
    EXPECT_EQ(why.rfind("base 0.9.0+broken not deployable: ", 0), 0u) << why;

    EXPECT_EQ(status("install"), "pass") << reason("install");
    EXPECT_EQ(reason("install"), why + "; the head was installed (chaos) instead");
    const auto* head = check("install", "head_deployed");
    EXPECT_NE(head, nullptr) << "a chaos install of the head is checked as one";
    if (head) {
      EXPECT_EQ(head->at("status").as_string(), "pass");
      std::string head_commit(results().at("head").at("commit").as_string());
      EXPECT_EQ(std::string(head->at("message").as_string()), "chaos-version " + head_commit.substr(0, 8));
    }
    EXPECT_EQ(status("upgrade"), "error");
    EXPECT_EQ(reason("upgrade"), why);
    for (const char* name : {"backup", "restore", "custom"})
      EXPECT_EQ(status(name), "pass") << name << ": " << reason(name);
    const auto* marker = check("restore", "upgrade_marker_still_there");
    EXPECT_NE(marker, nullptr) << "with no upgrade its marker is written before the backup, and read back";
    EXPECT_EQ(results().at("deploy_count").as_int64(), expected_deploys);
    EXPECT_EQ(results().at("expected_deploy_count").as_int64(), expected_deploys);
    EXPECT_TRUE(results().at("infra_errors").as_array().empty()) << result.output;
    EXPECT_TRUE(results().at("teardown").at("clean").as_bool());
    EXPECT_EQ(leftovers_of_run(result), std::vector<std::string>{});
    expect_reports_valid(result.out_dir);
    std::string one_line = why;  // a table cell or list item of summary.md keeps to one line
    std::replace(one_line.begin(), one_line.end(), '\n', ' ');
    EXPECT_NE(read_text(result.out_dir / "summary.md").find("- " + one_line + ": the head was installed instead"),
              std::string::npos)
        << read_text(result.out_dir / "summary.md");
    auto live = result.output.find("[tier] upgrade: error in ");
    EXPECT_NE(live, std::string::npos) << result.output;
    if (live != std::string::npos) {
      EXPECT_EQ(result.output.find("s — " + why, live), result.output.find("s — ", live)) << result.output;
    }
    return why;
  }
};

TEST_F(UndeployableBase, AComposeKeyDockerRefusesIsAnUpgradeErrorAndTheHeadIsStillJudged) {
  publish("refs/tags/1.1.0+1.1", "    not_a_compose_key: true\n", "chore: publish a release docker refuses",
          "refs/tags/0.9.0+broken");
  std::string why = run_expecting_base_not_deployable(2);  // the base's deploy, then the head's
  EXPECT_NE(why.find("not_a_compose_key"), std::string::npos) << "abra's own reason: " << why;
}

TEST_F(UndeployableBase, AnImageThatIsGoneIsAnUpgradeErrorNamingTheImage) {
  publish_compose("refs/tags/1.1.0+1.1", image_tag("1.1", "0.9-gone"), "chore: publish a release on a lost image",
                  "refs/tags/0.9.0+broken");
  std::string why = run_expecting_base_not_deployable(1);  // the missing image stops the base before its deploy
  EXPECT_NE(why.find("ccci/fixture-web:0.9-gone"), std::string::npos) << why;
}

/// A copy of fixture-web whose last-green record names 1.2.0+gone: the tip of main released on an
/// image no host has any more.
class LastGreenGone : public FixtureCopy {};

TEST_F(LastGreenGone, FallsThroughToTheTipOfMainSayingWhyAndIsGreen) {
  publish_compose("refs/heads/main", image_tag("1.1", "gone"), "chore: release on an image since deleted",
                  "refs/tags/1.2.0+gone");
  std::string gone = commit_of("HEAD");
  std::string main_tip = commit_of("refs/ccci-e2e/from");
  std::filesystem::create_directories(state_dir_ / "last-green");
  std::ofstream(state_dir_ / "last-green/fixture-web.json")
      << R"({"version": "1.2.0+gone", "commit": ")" << gone << R"(", "run_id": "e2e", "recorded_at": ""})";

  RunResult result =
      checked(run_ccci("fixture-web", 1, {"--git-base=" + git_base_.string(), "--state-dir=" + state_dir_.string()}));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.plan.at("base").at("source").as_string(), "last-green") << "the plan chose it";
  EXPECT_EQ(results().at("base").at("source").as_string(), "target-branch") << "the run used the tip of main";
  EXPECT_EQ(results().at("base").at("commit").as_string(), main_tip);
  std::string why(results().at("base").at("reason").as_string());
  EXPECT_EQ(why.rfind("tip of main (last-green 1.2.0+gone not deployable: ", 0), 0u) << why;
  EXPECT_NE(why.find("ccci/fixture-web:gone"), std::string::npos) << why;
  for (const char* name : {"install", "upgrade", "backup", "restore", "custom"})
    EXPECT_EQ(status(name), "pass") << name << ": " << reason(name);
  EXPECT_NE(result.output.find("last-green 1.2.0+gone not deployable: "), std::string::npos) << result.output;
  EXPECT_NE(read_text(result.out_dir / "summary.md").find("last-green 1.2.0+gone not deployable"), std::string::npos)
      << read_text(result.out_dir / "summary.md");
}

/// A copy of fixture-web as a recipe nothing of which is published yet: main holds only a README.
class NewRecipe : public FixtureCopy {
 protected:
  void SetUp() override {
    FixtureCopy::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    git({"-C", work().string(), "checkout", "-q", "--orphan", "first"});
    git({"-C", work().string(), "rm", "-q", "-r", "-f", "."});
    std::ofstream(work() / "README.md") << "# fixture-web\n\nA recipe on its way.\n";
    git({"-C", work().string(), "add", "README.md"});
    git({"-C", work().string(), "commit", "-q", "-m", "init"});
    push_head("refs/heads/main");
  }
};

TEST_F(NewRecipe, HasNoBaseSoTheUpgradeIsSkippedSayingWhyAndTheRunIsGreenAtLevelOne) {
  RunResult result = checked(run_ccci("fixture-web", 1, {"--git-base=" + git_base_.string()}));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "green");
  EXPECT_EQ(results().at("level").as_int64(), 1) << "the upgrade rung is unproven";
  EXPECT_EQ(results().at("base").at("source").as_string(), "skip");
  std::string why(results().at("base").at("reason").as_string());
  EXPECT_EQ(why.rfind("main@", 0), 0u) << why;
  EXPECT_NE(why.find(" has no compose.yml: nothing to upgrade from"), std::string::npos) << why;
  EXPECT_EQ(status("upgrade"), "skipped");
  EXPECT_EQ(reason("upgrade"), "no upgrade base: " + why);
  for (const char* name : {"install", "backup", "restore", "custom"})
    EXPECT_EQ(status(name), "pass") << name << ": " << reason(name);
  const auto* head = check("install", "head_deployed");
  ASSERT_NE(head, nullptr) << "the install deployed the head";
  EXPECT_EQ(head->at("status").as_string(), "pass");
  EXPECT_NE(result.output.find("upgrade: skipped — no upgrade base: " + why), std::string::npos) << result.output;
}

}  // namespace
}  // namespace ccci::e2e
