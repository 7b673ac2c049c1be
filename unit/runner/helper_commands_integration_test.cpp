// ccci-run's helper subcommands as a script calls them: the built ccci-run, real sh, real
// libcurl against a loopback TLS server standing in for the gateway. Nothing here needs docker.
#include "runner/helper_commands.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "harness/log.hpp"
#include "harness/process.hpp"
#include "runner/spec_steps.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/temp_dir.hpp"
#include "unit/fakes/tls_server.hpp"

namespace ccci::runner {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path ccci_run = std::filesystem::path(CCCI_BINARY_DIR) / "runner/ccci-run";

class HelperCommandsOnTheHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fakes::TempDir();
    auto pki = fakes::make_test_pki(dir_->path(), {"app.ccci.test"});
    ASSERT_TRUE(pki.ok()) << pki.error().message;
    pki_ = *pki;
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
  void SetUp() override { ASSERT_NE(server_, nullptr) << "the TLS test server did not start"; }

  /// The built ccci-run with `args`, in exactly `env`.
  harness::Completion ccci(const std::vector<std::string>& args, harness::Environment env) {
    harness::Command command;
    command.argv = {ccci_run.string()};
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    command.env = std::move(env);
    command.timeout = 30s;
    auto done = processes_->run(command);
    EXPECT_TRUE(done.ok()) << done.error().message;
    return done.ok() ? *done : harness::Completion{};
  }
  harness::Environment gateway_env() const {
    return {{"CCCI_DOMAIN", "app.ccci.test"},
            {"CCCI_GATEWAY", "127.0.0.1:" + std::to_string(server_->port())},
            {"CCCI_CA_BUNDLE", pki_.ca_cert.string()}};
  }

  static inline fakes::TempDir* dir_ = nullptr;
  static inline fakes::TestPki pki_;
  static inline fakes::TlsServer* server_ = nullptr;
  std::ostringstream log_text_;
  harness::Logger log_{log_text_};
  std::unique_ptr<harness::ProcessRunner> processes_ = harness::make_process_runner(log_);
};

TEST_F(HelperCommandsOnTheHost, HttpGoesThroughTheGatewayTrustingTheCaFromTheEnvironment) {
  auto done = ccci({"http", "/"}, gateway_env());
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.out.find("s_server -www"), std::string::npos) << done.out;
  EXPECT_EQ(done.err, "HTTP 200\n");
  auto status = ccci({"http", "--status-only", "/"}, gateway_env());
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out, "200\n");
}

TEST_F(HelperCommandsOnTheHost, HttpThatCannotConnectOrVerifyExits3) {
  harness::Environment untrusted = gateway_env();
  untrusted.erase("CCCI_CA_BUNDLE");
  auto refused = ccci({"http", "/"}, untrusted);
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("certificate"), std::string::npos) << refused.err;
  harness::Environment closed = gateway_env();
  closed["CCCI_GATEWAY"] = "127.0.0.1:" + std::to_string(fakes::unused_loopback_port());
  EXPECT_EQ(ccci({"http", "/"}, closed).exit_code, 3);
}

TEST_F(HelperCommandsOnTheHost, OutsideACheckBothSayWhichFactIsMissingAndExit2) {
  auto exec = ccci({"exec", "app", "--", "true"}, {});
  EXPECT_EQ(exec.exit_code, 2);
  EXPECT_EQ(exec.err, "ccci-run: ccci-run exec runs inside a ccci check: CCCI_STACK is not set\n");
  auto http = ccci({"http", "/"}, {});
  EXPECT_EQ(http.exit_code, 2);
  EXPECT_EQ(http.err, "ccci-run: ccci-run http runs inside a ccci check: CCCI_DOMAIN is not set\n");
  EXPECT_EQ(ccci({"http"}, gateway_env()).exit_code, 2);
}

TEST_F(HelperCommandsOnTheHost, AScriptCheckCallsCcciRunByNameAndLeavesArtifacts) {
  fakes::TempDir recipe;
  fakes::TempDir out;
  auto script = recipe.write("checks/fetch.sh", R"sh(#!/bin/sh
set -eu
[ "$CCCI_RUN" = "$(command -v ccci-run)" ] || { echo "ccci-run on PATH is not $CCCI_RUN"; exit 2; }
ccci-run http / >"$CCCI_ARTIFACT_DIR/home.html"
grep -q 's_server' "$CCCI_ARTIFACT_DIR/home.html"
echo "fetched for $CCCI_ADMIN_EMAIL"
)sh");
  std::filesystem::permissions(script, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
  RecipeSpec spec;
  spec.dir = recipe.path();
  spec.timeouts.http = 30s;
  SpecCheck check;
  check.name = "fetch";
  check.kind = ScriptCheck{"checks/fetch.sh", {}};
  spec.checks[Tier::custom].push_back(check);
  StepFacts facts;
  facts.domain = "app.ccci.test";
  facts.stack = "app_ccci_test";
  facts.script_env = gateway_env();
  facts.script_env["PATH"] = "/usr/bin:/bin";
  facts.out = out.path();
  facts.ccci_run = ccci_run;
  facts = with_generated_facts(facts);
  facts.ccci_run = ccci_run;  // the built ccci-run, not this test binary
  fakes::FakeHttpClient http;
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  SpecSteps steps(spec, facts, http, docker, *processes_, clock, log_);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, CheckStatus::pass) << outcomes[0].message << "\n" << outcomes[0].detail;
  EXPECT_EQ(outcomes[0].detail, "stdout:\nfetched for ccciadmin@app.ccci.test\n\nstderr:\nHTTP 200\n");
  EXPECT_EQ(outcomes[0].artifacts, std::vector<std::string>{"artifacts/custom/fetch/home.html"});
}

}  // namespace
}  // namespace ccci::runner
