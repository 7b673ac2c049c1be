#include "runner/browser_check.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "harness/redactor.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using fakes::exited;

constexpr const char* flow = "browser/roundtrip.mjs";

class BrowserCheckTest : public ::testing::Test {
 protected:
  BrowserCheckTest() {
    settings.runner = "/opt/ccci/browser/run-flow.mjs";
    settings.chromium = "/usr/bin/chromium";
    settings.out = out.path();
    settings.domain = "app.ccci.test";
    settings.stack = "app_ccci_test";
    settings.env = {{"PATH", "/usr/bin"}, {"CCCI_GATEWAY", "127.0.0.1:8443"}};
  }
  CheckOutcome judged(const harness::Completion& done) {
    return BrowserCheckRunner(settings, processes, redactor).judge("roundtrip", flow, done);
  }
  CheckOutcome ran() {
    BrowserCheckRunner runner(settings, processes, redactor);
    return runner.run("roundtrip", Tier::custom, BrowserCheck{flow}, "/recipes/fixture-web", std::chrono::seconds(90));
  }

  fakes::TempDir out;
  BrowserSettings settings;
  fakes::FakeProcessRunner processes;
  harness::Redactor redactor;
};

TEST_F(BrowserCheckTest, ThePassingFlowKeepsItsScreenshotsAsArtifacts) {
  auto outcome = judged(exited(0,
                               "flow says hi\n"
                               R"j({"ccci":"browser-result","status":"pass","message":"",)j"
                               R"j("screenshots":["artifacts/custom/roundtrip/saved.png",)j"
                               R"j("artifacts/custom/roundtrip/end.png"]})j"
                               "\n"));
  EXPECT_EQ(outcome.status, CheckStatus::pass);
  EXPECT_EQ(outcome.message, "");
  EXPECT_EQ(outcome.source, CheckSource::overlay);
  EXPECT_EQ(outcome.artifacts,
            (std::vector<std::string>{"artifacts/custom/roundtrip/saved.png", "artifacts/custom/roundtrip/end.png"}));
}

TEST_F(BrowserCheckTest, AConsoleErrorFailsNamingItAndListingTheFailedRequests) {
  auto outcome = judged(exited(1, R"j({"ccci":"browser-result","status":"fail",)j"
                                  R"j("message":"1 console error(s): fixture-web UI fault",)j"
                                  R"j("console_errors":["fixture-web UI fault (https://app.ccci.test/ui.js)"],)j"
                                  R"j("failed_requests":["GET https://app.ccci.test/x: net::ERR_FAILED"],)j"
                                  R"j("screenshots":["artifacts/custom/roundtrip/failure.png"]})j"));
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_NE(outcome.message.find("browser/roundtrip.mjs: "), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find("fixture-web UI fault"), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.detail.find("console errors:"), std::string::npos) << outcome.detail;
  EXPECT_NE(outcome.detail.find("net::ERR_FAILED"), std::string::npos) << outcome.detail;
  EXPECT_EQ(outcome.artifacts, std::vector<std::string>{"artifacts/custom/roundtrip/failure.png"});
}

TEST_F(BrowserCheckTest, TheRunnersErrorStaysAnError) {
  auto outcome =
      judged(exited(2, R"j({"ccci":"browser-result","status":"error","message":"Chromium did not start"})j"));
  EXPECT_EQ(outcome.status, CheckStatus::error);
  EXPECT_NE(outcome.message.find("Chromium did not start"), std::string::npos);
}

TEST_F(BrowserCheckTest, NoResultLineACrashOrATimeoutIsAnErrorNeverAFailure) {
  auto crashed = judged(exited(1, "", "node:internal/modules/run_main: Cannot find package 'playwright-core'"));
  EXPECT_EQ(crashed.status, CheckStatus::error);
  EXPECT_NE(crashed.message.find("gave no result (exit 1)"), std::string::npos) << crashed.message;
  EXPECT_NE(crashed.message.find("playwright-core"), std::string::npos) << crashed.message;
  // A line that only looks like the result (no tag), as a flow could print, is not taken for it.
  EXPECT_EQ(judged(exited(0, R"j({"status":"pass"})j")).status, CheckStatus::error);
  auto late = fakes::timed_out();
  late.out = R"j({"ccci":"browser-result","status":"pass"})j";
  EXPECT_EQ(judged(late).status, CheckStatus::error);
}

TEST_F(BrowserCheckTest, ScreenshotPathsOutsideArtifactsAreDropped) {
  auto outcome = judged(exited(0, R"j({"ccci":"browser-result","status":"pass","screenshots":)j"
                                  R"j(["artifacts/custom/roundtrip/../../../etc/passwd","/tmp/x.png",)j"
                                  R"j("artifacts/custom/roundtrip/end.png"]})j"));
  EXPECT_EQ(outcome.artifacts, std::vector<std::string>{"artifacts/custom/roundtrip/end.png"});
}

TEST_F(BrowserCheckTest, TheMessageIsRedacted) {
  redactor.add_secret("s3cr3t-token");
  auto outcome = judged(exited(1, R"j({"ccci":"browser-result","status":"fail","message":"saw s3cr3t-token"})j"));
  EXPECT_EQ(outcome.message.find("s3cr3t-token"), std::string::npos) << outcome.message;
}

TEST_F(BrowserCheckTest, NodeRunsTheRunnerWithTheFlowTheArtifactFolderAndNoBrowserDownload) {
  processes.on({"node"}, exited(0, R"j({"ccci":"browser-result","status":"pass"})j"));
  EXPECT_EQ(ran().status, CheckStatus::pass);
  ASSERT_EQ(processes.commands().size(), 1u);
  const auto commands = processes.commands();
  const auto& command = commands[0];
  EXPECT_EQ(command.argv, (std::vector<std::string>{"node", "/opt/ccci/browser/run-flow.mjs"}));
  EXPECT_EQ(command.cwd, "/opt/ccci/browser");
  EXPECT_EQ(command.env.at("CCCI_FLOW"), "/recipes/fixture-web/browser/roundtrip.mjs");
  EXPECT_EQ(command.env.at("CCCI_URL"), "https://app.ccci.test");
  EXPECT_EQ(command.env.at("CCCI_GATEWAY"), "127.0.0.1:8443");
  EXPECT_EQ(command.env.at("CCCI_ARTIFACT_DIR"), (out.path() / "artifacts/custom/roundtrip").string());
  EXPECT_EQ(command.env.at("CCCI_FLOW_TIMEOUT_MS"), "90000");
  EXPECT_EQ(command.env.at("CCCI_DEPS_FILE"), (out.path() / "artifacts/deps.json").string());
  EXPECT_EQ(command.env.at("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"), "1");
  EXPECT_EQ(command.timeout, std::chrono::seconds(90) + launch_grace);
  EXPECT_TRUE(std::filesystem::is_directory(out.path() / "artifacts/custom/roundtrip"));
}

TEST_F(BrowserCheckTest, NodeMissingIsAnError) {
  processes.on({"node"}, harness::Error{harness::ErrorKind::not_found, "node: not found on PATH"});
  auto outcome = ran();
  EXPECT_EQ(outcome.status, CheckStatus::error);
  EXPECT_NE(outcome.message.find("node: not found on PATH"), std::string::npos) << outcome.message;
}

TEST(BrowserSettingsTest, TheEnvironmentOverridesTheRunnerAndChromium) {
  auto defaults = browser_settings({}, "out");
  EXPECT_EQ(defaults.chromium, "/usr/bin/chromium");
  EXPECT_EQ(defaults.runner.filename(), "run-flow.mjs");
  auto set = browser_settings({{"CCCI_CHROMIUM", "/opt/chromium"}, {"CCCI_BROWSER_RUNNER", "/x/run.mjs"}}, "out");
  EXPECT_EQ(set.chromium, "/opt/chromium");
  EXPECT_EQ(set.runner, "/x/run.mjs");
}

}  // namespace
}  // namespace ccci::runner
