// Orphan prune on the testbed: in a copy of fixture-web, main (the upgrade base) gains a second
// service, `sidecar`, which PR 1's head (published from the original main) does not define. The
// upgrade prunes it and the run is green, the head's image running; with upgrade.prune off nothing
// is removed and orphans_pruned fails naming the sidecar — the negative control.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

/// The same image as app, no gateway labels, no volume: only a second service of the stack.
constexpr const char* sidecar = R"(  sidecar:
    image: ccci/fixture-web:1.1
    deploy:
      restart_policy:
        condition: on-failure
)";

class HeadDropsAService : public FixtureCopy {
 protected:
  void SetUp() override {
    FixtureCopy::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The copy's own state dir holds no last-green record: the base is main's tip.
    publish_with_service("refs/heads/main", sidecar, "feat: a sidecar", "refs/heads/main");
  }

  RunResult run_pr1(const std::filesystem::path& recipes_dir) {
    return run_ccci("fixture-web", 1,
                    {"--git-base=" + git_base_.string(), "--state-dir=" + state_dir_.string(),
                     "--recipes-dir=" + recipes_dir.string()});
  }
  std::string stack() const {
    std::string name(last_.plan.at("domain").as_string());
    std::replace(name.begin(), name.end(), '.', '_');
    return name;
  }
  std::string message(const std::string& tier_name, const std::string& check_name) const {
    const auto* found = check(tier_name, check_name);
    return found ? std::string(found->at("status").as_string()) + ": " + std::string(found->at("message").as_string())
                 : "no check " + check_name;
  }
  /// The base is the copy's main, whose compose has the sidecar, not the testbed's own main.
  void expect_base_has_the_sidecar() {
    EXPECT_EQ(results().at("base").at("source").as_string(), "target-branch");
    EXPECT_EQ(results().at("base").at("commit").as_string(), commit_of("HEAD"));
  }
};

TEST_F(HeadDropsAService, IsGreenWithTheSidecarPrunedAndTheHeadsImageRunning) {
  RunResult result = checked(run_pr1(std::filesystem::path(CCCI_SOURCE_DIR) / "recipes"));
  expect_green_through_every_tier(result);
  expect_base_has_the_sidecar();
  // The base ran both services: ccci found the sidecar live in the stack and removed it.
  EXPECT_NE(result.output.find("pruning services the head no longer defines: " + stack() + "_sidecar"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(message("upgrade", "orphans_pruned"), "pass: pruned " + stack() + "_sidecar");
  EXPECT_EQ(message("upgrade", "head_images"), "pass: app runs ccci/fixture-web:1.1");
}

TEST_F(HeadDropsAService, IsRedInUpgradeNamingTheSidecarWhenPruningIsOff) {
  // The negative control: only upgrade.prune differs from recipes/fixture-web.
  RunResult result = checked(run_pr1(std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e/specs-prune-off"));
  ASSERT_EQ(result.exit_code, 1) << result.output;
  expect_base_has_the_sidecar();
  EXPECT_EQ(results().at("verdict").as_string(), "red");
  EXPECT_EQ(status("install"), "pass") << reason("install");
  EXPECT_EQ(status("upgrade"), "fail") << reason("upgrade");
  EXPECT_EQ(message("upgrade", "orphans_pruned"),
            "fail: still running: " + stack() + "_sidecar (pruning is off: upgrade.prune false)");
  EXPECT_EQ(message("upgrade", "head_images"), "pass: app runs ccci/fixture-web:1.1")
      << "the head's own service runs the head's image; only the sidecar is wrong";
  EXPECT_NE(result.output.find("not pruning (upgrade.prune false)"), std::string::npos) << result.output;
  expect_evidence(result, "upgrade__generic.xml");
  // The evidence shows the stack as the run left it: the base's sidecar still among its services.
  EXPECT_NE(read_text(result.out_dir / "evidence/tasks.txt").find("## " + stack() + "_sidecar"), std::string::npos);
}

}  // namespace
}  // namespace ccci::e2e
