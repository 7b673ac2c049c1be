// The browser runner for real: node, playwright-core (browser/node_modules) and Debian's Chromium
// against `openssl s_server` on a loopback port, the way a run drives them through the gateway.
// Skips (never fails) where the pieces are not installed: scripts/install-deps.sh installs them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "harness/log.hpp"
#include "harness/process.hpp"
#include "runner/browser_check.hpp"
#include "unit/fakes/temp_dir.hpp"
#include "unit/fakes/tls_server.hpp"

namespace ccci::runner {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

/// One throwaway CA, a certificate for app.ccci.test signed by it, and a second CA that signed
/// nothing the server shows; one `openssl s_server` on a port that is not 443.
class BrowserCheckForReal : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fakes::TempDir();
    std::filesystem::create_directories(dir_->path() / "pki");
    std::filesystem::create_directories(dir_->path() / "other");
    auto pki = fakes::make_test_pki(dir_->path() / "pki", {"app.ccci.test"});
    ASSERT_TRUE(pki.ok()) << pki.error().message;
    pki_ = *pki;
    auto other = fakes::make_test_pki(dir_->path() / "other", {"app.ccci.test"});
    ASSERT_TRUE(other.ok()) << other.error().message;
    other_ca_ = other->ca_cert;
    auto server = fakes::TlsServer::start(pki_, dir_->path());
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server).value().release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "the TLS test server did not start";
    settings_ = browser_settings(harness::inherited_environment({"PATH", "HOME", "TMPDIR"}), out_.path());
    std::filesystem::path modules = settings_.runner.parent_path() / "node_modules/playwright-core";
    for (const auto& needed : {settings_.chromium, std::filesystem::path("/usr/bin/certutil"), modules}) {
      if (!std::filesystem::exists(needed)) GTEST_SKIP() << needed << " is not installed (scripts/install-deps.sh)";
    }
    settings_.domain = "app.ccci.test";
    settings_.stack = "app_ccci_test";
    settings_.env["CCCI_GATEWAY"] = "127.0.0.1:" + std::to_string(server_->port());
    settings_.env["CCCI_CA_BUNDLE"] = pki_.ca_cert.string();
  }

  /// Runs `flow_text` as the recipe's browser/flow.mjs.
  CheckOutcome run_flow(const std::string& flow_text) {
    std::ofstream(recipe_.path() / "flow.mjs") << flow_text;
    BrowserCheckRunner runner(settings_, *processes_, log_.redactor());
    return runner.run("flow", Tier::custom, BrowserCheck{"flow.mjs"}, recipe_.path(), 60s);
  }

  static inline fakes::TempDir* dir_ = nullptr;
  static inline fakes::TestPki pki_;
  static inline std::filesystem::path other_ca_;
  static inline fakes::TlsServer* server_ = nullptr;
  fakes::TempDir out_;
  fakes::TempDir recipe_;
  BrowserSettings settings_;
  std::ostringstream log_text_;
  harness::Logger log_{log_text_};
  std::unique_ptr<harness::ProcessRunner> processes_ = harness::make_process_runner(log_);
};

constexpr const char* reads_the_page = R"(
export default async function ({ page, url, facts, assert }) {
  assert.equal(url, 'https://app.ccci.test');
  assert.equal(facts.domain, 'app.ccci.test');
  assert.match(await page.content(), /s_server/);
}
)";

TEST_F(BrowserCheckForReal, TheCaIsTrustedThePortMappedAndTheEndScreenshotKept) {
  auto outcome = run_flow(reads_the_page);
  ASSERT_EQ(outcome.status, CheckStatus::pass) << outcome.message << "\n" << outcome.detail;
  ASSERT_EQ(outcome.artifacts, std::vector<std::string>{"artifacts/custom/flow/end.png"});
  EXPECT_GT(std::filesystem::file_size(out_.path() / outcome.artifacts[0]), 0u);
}

TEST_F(BrowserCheckForReal, ACertificateOfAnotherCaFailsTheCheck) {
  settings_.env["CCCI_CA_BUNDLE"] = other_ca_.string();
  auto outcome = run_flow(reads_the_page);
  EXPECT_EQ(outcome.status, CheckStatus::fail) << outcome.message;
  EXPECT_TRUE(contains(outcome.message, "net::ERR_CERT_AUTHORITY_INVALID")) << outcome.message;
}

TEST_F(BrowserCheckForReal, AConsoleErrorFailsNamedWithTheFailureScreenshot) {
  auto outcome = run_flow(R"(
export default async function ({ page }) {
  await page.evaluate(() => console.error('the widget broke'));
}
)");
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_TRUE(contains(outcome.message, "the widget broke")) << outcome.message;
  EXPECT_EQ(outcome.artifacts, std::vector<std::string>{"artifacts/custom/flow/failure.png"});
}

TEST_F(BrowserCheckForReal, AThrownAssertionFailsAndANewContextIsFresh) {
  auto outcome = run_flow(R"(
export default async function ({ page, context, newContext, url, assert }) {
  await context.addCookies([{ name: 'session', value: 'one', url }]);
  const fresh = await newContext();
  assert.equal((await fresh.cookies(url)).length, 0, 'a new context has no cookies');
  assert.equal((await context.cookies(url)).length, 1);
  throw new Error('the note was not shown');
}
)");
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_TRUE(contains(outcome.message, "flow.mjs: the note was not shown")) << outcome.message;
}

TEST_F(BrowserCheckForReal, AnAppThatCannotBeReachedIsAnErrorAfterRetries) {
  settings_.env["CCCI_GATEWAY"] = "127.0.0.1:" + std::to_string(fakes::unused_loopback_port());
  auto outcome = run_flow(reads_the_page);
  EXPECT_EQ(outcome.status, CheckStatus::error) << outcome.message;
  EXPECT_TRUE(contains(outcome.message, "could not be reached after 4 retries")) << outcome.message;
  EXPECT_TRUE(contains(outcome.detail, "navigations retried:")) << outcome.detail;
}

}  // namespace
}  // namespace ccci::runner
