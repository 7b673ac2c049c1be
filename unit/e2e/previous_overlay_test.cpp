// previous/ overlays on the testbed. The suite's copy of fixture-web publishes 1.2.0+1.2, whose
// compose names an image that is gone (ccci/fixture-web:gone): only the spec's
// previous/1.2.0+1.2/compose.previous.yml (unit/e2e/specs-previous) makes it deployable, moving
// the image back to 1.1 and setting OVERLAY_MARK. With a last-green record of 1.2.0+1.2 the
// overlay is applied to the base's deploy, and the head (PR 1) runs without it — the spec's
// upgrade check overlay_not_on_head fails if OVERLAY_MARK reached the head's app. Without a
// record the base is the tip of main and the overlay is reported stale. Each test has its own
// fixture copy and state dir.
#include <cstdlib>

#include "unit/e2e/lifecycle.hpp"

namespace ccci::e2e {
namespace {

class PreviousOverlay : public FixtureCopy {
 protected:
  /// Publishes main's tip with the app's image gone as the annotated tag 1.2.0+1.2; its commit.
  std::string publish_release_whose_image_is_gone() {
    publish_compose(
        "refs/heads/main",
        [](std::string& compose) {
          const std::vector<std::pair<std::string, std::string>> edits{
              {"image: ccci/fixture-web:1.1", "image: ccci/fixture-web:gone"},
              {".version=1.1.0+1.1", ".version=1.2.0+1.2"}};
          for (const auto& [from, to] : edits) {
            auto at = compose.find(from);
            EXPECT_NE(at, std::string::npos) << from << " not in\n" << compose;
            if (at != std::string::npos) compose.replace(at, from.size(), to);
          }
        },
        "chore: publish 1.2.0+1.2 release", "refs/tags/1.2.0+1.2");
    return commit_of("HEAD");
  }

  std::vector<std::string> places() const {
    const std::filesystem::path specs = std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e/specs-previous";
    return {"--git-base=" + git_base_.string(), "--state-dir=" + state_dir_.string(),
            "--recipes-dir=" + specs.string()};
  }
  std::filesystem::path record_file() const { return state_dir_ / "last-green" / (recipe_ + ".json"); }

  /// The single previous_overlays entry of a plan.json or results.json.
  static const json::object& only_overlay(const json::value& report) {
    const auto& overlays = report.at("previous_overlays").as_array();
    EXPECT_EQ(overlays.size(), 1u) << json::serialize(report.at("previous_overlays"));
    return overlays.at(0).as_object();
  }
};

TEST_F(PreviousOverlay, ALastGreenBaseIsDeployedWithItsOverlayAndTheHeadWithoutIt) {
  std::string released = publish_release_whose_image_is_gone();
  std::filesystem::create_directories(record_file().parent_path());
  std::ofstream(record_file()) << R"({"version": "1.2.0+1.2", "commit": ")" << released
                               << R"(", "run_id": "earlier", "recorded_at": "2026-11-01T00:00:00Z"})";

  RunResult result = checked(run_ccci("fixture-web", 1, places()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(results().at("base").at("source").as_string(), "last-green");
  EXPECT_EQ(results().at("base").at("version").as_string(), "1.2.0+1.2");
  for (const char* name : {"install", "upgrade", "backup", "restore", "custom"})
    EXPECT_EQ(status(name), "pass") << name;

  const std::string reason = "the base is 1.2.0+1.2, from last-green";
  for (const json::value* report : {&result.plan, &result.results}) {
    const auto& overlay = only_overlay(*report);
    EXPECT_EQ(overlay.at("version").as_string(), "1.2.0+1.2");
    EXPECT_EQ(overlay.at("status").as_string(), "applied");
    EXPECT_EQ(overlay.at("reason").as_string(), reason);
    EXPECT_EQ(overlay.at("files"), json::value(json::array{"compose.previous.yml"}));
  }
  EXPECT_NE(result.output.find("previous 1.2.0+1.2 (compose.previous.yml): applied — " + reason), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("previous/1.2.0+1.2 overlay (compose.previous.yml) added to the base's deploy"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("previous/1.2.0+1.2 overlay withdrawn before the next checkout"), std::string::npos)
      << result.output;
  EXPECT_NE(read_text(result.out_dir / "summary.md")
                .find("- previous/1.2.0+1.2 overlay (compose.previous.yml): applied — " + reason),
            std::string::npos);

  // The head runs without the overlay: no OVERLAY_MARK in its app, and its tree was clean (no +U).
  const auto* clean = check("upgrade", "overlay_not_on_head");
  ASSERT_NE(clean, nullptr);
  EXPECT_EQ(clean->at("status").as_string(), "pass") << clean->at("message");
  const auto* head = check("upgrade", "head_deployed");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->at("status").as_string(), "pass");
  std::string head_commit(results().at("head").at("commit").as_string());
  EXPECT_EQ(head->at("message").as_string(), "chaos-version " + head_commit.substr(0, 8))
      << "the head's checkout holds no untracked overlay file";
}

TEST_F(PreviousOverlay, OnAMainTipBaseTheOverlayIsStaleAndTheRunGreenWithoutIt) {
  publish_release_whose_image_is_gone();  // published, but no record: the base is main's tip

  RunResult result = checked(run_ccci("fixture-web", 1, places()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(results().at("base").at("source").as_string(), "target-branch");
  for (const char* name : {"install", "upgrade", "backup", "restore", "custom"})
    EXPECT_EQ(status(name), "pass") << name;

  const std::string reason = "the base is the tip of main, not a published version";
  for (const json::value* report : {&result.plan, &result.results}) {
    const auto& overlay = only_overlay(*report);
    EXPECT_EQ(overlay.at("version").as_string(), "1.2.0+1.2");
    EXPECT_EQ(overlay.at("status").as_string(), "stale");
    EXPECT_EQ(overlay.at("reason").as_string(), reason);
  }
  EXPECT_NE(result.output.find("previous 1.2.0+1.2 (compose.previous.yml): stale — " + reason), std::string::npos)
      << result.output;
  EXPECT_EQ(result.output.find("overlay (compose.previous.yml) added"), std::string::npos) << result.output;
  EXPECT_NE(read_text(result.out_dir / "summary.md")
                .find("- previous/1.2.0+1.2 overlay (compose.previous.yml): stale — " + reason),
            std::string::npos);
  const auto* clean = check("upgrade", "overlay_not_on_head");
  ASSERT_NE(clean, nullptr);
  EXPECT_EQ(clean->at("status").as_string(), "pass") << clean->at("message");
}

}  // namespace
}  // namespace ccci::e2e
