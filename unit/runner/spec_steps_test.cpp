#include "runner/spec_steps.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "harness/log.hpp"
#include "harness/redactor.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

constexpr const char* marker_url = "https://app.ccci.test/cgi-bin/marker/backup";

HttpStep get_marker(std::string contains) {
  HttpStep step;
  step.path = "/cgi-bin/marker/backup";
  step.body_contains = std::move(contains);
  return step;
}

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

SpecCheck check_of(std::string name, decltype(SpecCheck::kind) kind) {
  SpecCheck check;
  check.name = std::move(name);
  check.kind = std::move(kind);
  return check;
}

class SpecStepsTest : public ::testing::Test {
 protected:
  CheckOutcome only_check(Tier tier) {
    SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
    auto outcomes = steps.checks(tier);
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.empty() ? CheckOutcome{} : outcomes.front();
  }

  /// The run's facts, with an OUT of the test's own for the scripts' artifact directories.
  StepFacts facts(harness::Environment script_env = {}) {
    StepFacts given;
    given.domain = "app.ccci.test";
    given.stack = "app_ccci_test";
    given.script_env = std::move(script_env);
    given.app = "app.ccci.test";
    given.out = out.path();
    return given;
  }

  fakes::TempDir out;
  RecipeSpec spec;
  fakes::FakeHttpClient http;
  fakes::FakeDocker docker;
  fakes::FakeProcessRunner processes;
  fakes::FakeClock clock;
  std::ostringstream logged;
  harness::Logger log{logged};
  harness::Redactor& redactor = log.redactor();
};

TEST_F(SpecStepsTest, AFailedHttpCheckSaysWhichStatusAndBodyItGot) {
  spec.checks[Tier::restore].push_back(check_of("backup_marker_restored", get_marker("written-before-backup")));
  // A failed check runs once more: both attempts answer the same here.
  http.respond("GET", marker_url, 200, "");
  http.respond("GET", marker_url, 200, "");
  http.respond("GET", marker_url, 404, "no marker backup\n");
  auto empty = only_check(Tier::restore);
  EXPECT_EQ(empty.status, CheckStatus::fail);
  EXPECT_EQ(empty.message,
            "GET /cgi-bin/marker/backup answered 200 without \"written-before-backup\"; an empty body (failed twice)");
  EXPECT_EQ(empty.attempts, 2);
  EXPECT_FALSE(empty.flaky);

  auto missing = only_check(Tier::restore);
  EXPECT_EQ(missing.message,
            "GET /cgi-bin/marker/backup answered 404, expected 200; body \"no marker backup\\x0a\" (failed twice)");
  EXPECT_EQ(missing.detail,
            "attempt 1: GET /cgi-bin/marker/backup answered 404, expected 200; body \"no marker backup\\x0a\"\n"
            "no marker backup\n\n\n"
            "attempt 2: GET /cgi-bin/marker/backup answered 404, expected 200; body \"no marker backup\\x0a\"\n"
            "no marker backup\n");
}

TEST_F(SpecStepsTest, TheQuotedBodyIsCutAfter300BytesAndRedactedBeforeTheCut) {
  spec.checks[Tier::restore].push_back(check_of("marker", get_marker("never there")));
  std::string secret = "s3cret-value-of-the-run";
  redactor.add_secret(secret);
  // The secret straddles byte 300: cutting first would leave its first half in the message.
  http.respond("GET", marker_url, 200, std::string(290, 'x') + secret + std::string(500, 'y'));
  auto outcome = only_check(Tier::restore);
  EXPECT_EQ(outcome.message.find("s3cret"), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find(std::string(290, 'x') + "********"), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find("...\""), std::string::npos) << "the cut is marked";
  EXPECT_EQ(outcome.detail.find("s3cret"), std::string::npos);
}

TEST_F(SpecStepsTest, AnAnswerThatNeededRetriesPassesAndSaysSo) {
  spec.checks[Tier::restore].push_back(check_of("marker", get_marker("kept")));
  harness::HttpResponse answer;
  answer.status = 200;
  answer.body = "kept";
  answer.retried = {"GET https://app.ccci.test/cgi-bin/marker/backup: Empty reply from server"};
  http.respond("GET", marker_url, answer);
  auto outcome = only_check(Tier::restore);
  EXPECT_EQ(outcome.status, CheckStatus::pass);
  EXPECT_EQ(outcome.message,
            "answered after 1 retry: GET https://app.ccci.test/cgi-bin/marker/backup: Empty reply from server");
}

TEST_F(SpecStepsTest, AFailedExecCheckSaysItsExitAndTheEndOfItsOutput) {
  ExecStep ls;
  ls.service = "app";
  ls.argv = {"ls", "/data"};
  spec.checks[Tier::custom].push_back(check_of("data_volume_mounted", ls));
  for (int attempt = 0; attempt < 2; ++attempt)
    docker.exec_answers.push_back(fakes::exited(1, "", "ls: /data: No such file or directory\n"));
  auto outcome = only_check(Tier::custom);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(outcome.message,
            "`ls /data` in app: exit 1, expected exit 0; output ends \"ls: /data: No such file or directory\" (failed "
            "twice)");
}

TEST_F(SpecStepsTest, ALongOrMultiLineExecScriptIsShownByItsFirstLine) {
  ExecStep script;
  script.service = "app";
  script.argv = {"sh", "-c", "set -e\nlong script"};
  spec.checks[Tier::custom].push_back(check_of("script", script));
  for (int attempt = 0; attempt < 2; ++attempt) docker.exec_answers.push_back(fakes::exited(2));
  EXPECT_EQ(only_check(Tier::custom).message,
            "`sh -c set -e …` in app: exit 2, expected exit 0; no output (failed twice)");
}

TEST_F(SpecStepsTest, AnExecThatPrintsTheWrongThingQuotesWhatItPrinted) {
  ExecStep count;
  count.service = "db";
  count.argv = {"sqlite3", "app.db", "SELECT 1;"};
  count.stdout_contains = "42";
  spec.checks[Tier::custom].push_back(check_of("answer", count));
  for (int attempt = 0; attempt < 2; ++attempt) docker.exec_answers.push_back(fakes::exited(0, "1\n"));
  auto outcome = only_check(Tier::custom);
  EXPECT_EQ(outcome.message, "`sqlite3 app.db SELECT 1;` in db printed no \"42\"; output ends \"1\" (failed twice)");
}

TEST_F(SpecStepsTest, AFailedSeedCarriesTheSameEvidenceAndBlamesTheRecipe) {
  HttpStep put;
  put.method = "PUT";
  put.path = "/cgi-bin/marker/backup";
  put.body = "written-before-backup";
  put.status = 201;
  spec.seeds[SeedOp::pre_backup].push_back(SeedStep{put, harness::Mark{"recipe.yml", 7, 7}});
  http.respond("PUT", marker_url, 500, "stored 0 of 21 bytes of backup; nothing kept\n");
  SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
  auto seeded = steps.seed(SeedOp::pre_backup);
  ASSERT_FALSE(seeded.ok());
  EXPECT_EQ(seeded.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(seeded.error().message,
            "seed pre_backup[0] (recipe.yml:7:7): PUT /cgi-bin/marker/backup answered 500, expected 201; "
            "body \"stored 0 of 21 bytes of backup; nothing kept\\x0a\"");
}

TEST_F(SpecStepsTest, AnHttpCheckSendsItsStepToTheAppsDomainWithTheSpecsTimeout) {
  spec.timeouts.http = std::chrono::seconds(7);
  HttpStep put;
  put.method = "PUT";
  put.path = "/cgi-bin/marker/backup";
  put.body = "written-before-backup";
  put.headers = {{"Content-Type", "text/plain"}};
  put.status = 201;
  spec.checks[Tier::install].push_back(check_of("marker_written", put));
  http.respond("PUT", marker_url, 201, "stored");
  auto outcome = only_check(Tier::install);
  EXPECT_EQ(outcome.name, "marker_written");
  EXPECT_EQ(outcome.source, CheckSource::overlay);
  EXPECT_EQ(outcome.status, CheckStatus::pass);
  EXPECT_EQ(outcome.message, "") << "a first-time answer needs no note";
  auto requests = http.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, marker_url);
  EXPECT_EQ(requests[0].body, "written-before-backup");
  EXPECT_EQ(requests[0].headers, (harness::Headers{{"Content-Type", "text/plain"}}));
  EXPECT_EQ(requests[0].timeout, std::chrono::seconds(7));
}

TEST_F(SpecStepsTest, ABodyThatMustNotContainSomethingFailsWhenItDoes) {
  HttpStep get = get_marker("");
  get.body_contains.reset();
  get.body_not_contains = "Traceback";
  spec.checks[Tier::upgrade].push_back(check_of("no_crash_page", get));
  http.respond("GET", marker_url, 200, "Traceback (most recent call last)");
  auto outcome = only_check(Tier::upgrade);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(outcome.message,
            "GET /cgi-bin/marker/backup answered 200 with \"Traceback\"; body \"Traceback (most recent call last)\" "
            "(failed twice)");
}

TEST_F(SpecStepsTest, AnHttpCheckThatCouldNotBeSentIsAnErrorNotAFailure) {
  spec.checks[Tier::install].push_back(check_of("marker", get_marker("kept")));
  http.fail("GET", marker_url, ErrorKind::infra, "gateway 10.0.0.1:443 unreachable");
  auto outcome = only_check(Tier::install);
  EXPECT_EQ(outcome.status, CheckStatus::error);
  EXPECT_EQ(outcome.message, "gateway 10.0.0.1:443 unreachable");
}

TEST_F(SpecStepsTest, AnExecRunsInTheRunningContainerOfTheStacksService) {
  ExecStep ready;
  ready.service = "db";
  ready.argv = {"pg_isready", "-U", "postgres"};
  spec.checks[Tier::install].push_back(check_of("db_ready", ready));
  EXPECT_EQ(only_check(Tier::install).status, CheckStatus::pass);
  EXPECT_EQ(docker.calls,
            (std::vector<std::string>{"container_for_service app_ccci_test_db", "exec c0ffee pg_isready -U postgres"}));
}

TEST_F(SpecStepsTest, AServiceWithoutARunningContainerFailsTheRecipeButADockerFailureIsAnError) {
  ExecStep ready;
  ready.service = "db";
  ready.argv = {"true"};
  spec.checks[Tier::install].push_back(check_of("db_ready", ready));
  docker.failures.emplace("container_for_service", harness::Error{ErrorKind::not_found, "no task running"});
  auto missing = only_check(Tier::install);
  EXPECT_EQ(missing.status, CheckStatus::fail);
  EXPECT_EQ(missing.message, "no running container of app_ccci_test_db: no task running (failed twice)");

  docker.failures.erase("container_for_service");
  docker.failures.emplace("container_for_service", harness::Error{ErrorKind::infra, "docker daemon gone"});
  EXPECT_EQ(only_check(Tier::install).status, CheckStatus::error);

  docker.failures.clear();
  docker.failures.emplace("exec", harness::Error{ErrorKind::timeout, "docker exec timed out"});
  auto timed_out = only_check(Tier::install);
  EXPECT_EQ(timed_out.status, CheckStatus::error);
  EXPECT_EQ(timed_out.message, "docker exec timed out");
}

TEST_F(SpecStepsTest, AScriptCheckRunsFromTheSpecFolderWithTheRunsFactsInItsEnvironment) {
  spec.dir = "/recipes/custom-html";
  spec.timeouts.http = std::chrono::seconds(9);
  ScriptCheck login;
  login.path = "checks/login.sh";
  login.args = {"--user", "admin"};
  spec.checks[Tier::custom].push_back(check_of("login", login));
  docker.services = {{"", "app_ccci_test_app", "replicated", "1/1", ""},
                     {"", "app_ccci_test_db", "replicated", "1/1", ""}};
  StepFacts given = facts({{"PATH", "/usr/bin"}, {"CCCI_GATEWAY", "gw:443"}});
  given.admin = AdminAccount{"ccciadmin", "ccciadmin@app.ccci.test", "Cc1-abcdefghijklmnopqrstuvwx"};
  given.ccci_run = "/opt/ccci/bin/ccci-run";
  SpecSteps steps(spec, given, http, docker, processes, clock, log);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, CheckStatus::pass);
  auto commands = processes.commands();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].argv, (std::vector<std::string>{"/recipes/custom-html/checks/login.sh", "--user", "admin"}));
  const std::string artifacts = (out.path() / "artifacts").string();
  EXPECT_EQ(commands[0].env, (harness::Environment{{"PATH", "/opt/ccci/bin:/usr/bin"},
                                                   {"CCCI_RUN", "/opt/ccci/bin/ccci-run"},
                                                   {"CCCI_GATEWAY", "gw:443"},
                                                   {"CCCI_DOMAIN", "app.ccci.test"},
                                                   {"CCCI_URL", "https://app.ccci.test"},
                                                   {"CCCI_STACK", "app_ccci_test"},
                                                   {"CCCI_APP", "app.ccci.test"},
                                                   {"CCCI_SERVICES", "app db"},
                                                   {"CCCI_DEPS_FILE", artifacts + "/deps.json"},
                                                   {"CCCI_ARTIFACT_DIR", artifacts + "/custom/login"},
                                                   {"CCCI_ADMIN_USER", "ccciadmin"},
                                                   {"CCCI_ADMIN_EMAIL", "ccciadmin@app.ccci.test"},
                                                   {"CCCI_ADMIN_PASSWORD", "Cc1-abcdefghijklmnopqrstuvwx"}}));
  EXPECT_EQ(commands[0].cwd, std::filesystem::path("/recipes/custom-html"));
  EXPECT_EQ(commands[0].timeout, std::chrono::seconds(9));
  EXPECT_EQ(file_text(out.path() / "artifacts/deps.json"), "{\"deps\": []}\n");
  EXPECT_TRUE(outcomes[0].artifacts.empty()) << "the script left nothing";
}

TEST_F(SpecStepsTest, AFailingScriptSaysItsExitAndTheEndOfItsOutputRedacted) {
  spec.dir = "/recipes/custom-html";
  ScriptCheck login;
  login.path = "checks/login.sh";
  spec.checks[Tier::custom].push_back(check_of("login", login));
  redactor.add_secret("admin-password-1234");
  processes.on({"/recipes/custom-html/checks/login.sh"},
               fakes::exited(1, "trying admin-password-1234\n", "login page missing\n"));
  auto outcome = only_check(Tier::custom);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(outcome.message,
            "checks/login.sh: exit 1; output ends \"trying ********\\x0alogin page missing\" (failed twice)");
  EXPECT_EQ(outcome.detail.find("admin-password"), std::string::npos);
  EXPECT_NE(outcome.detail.find("attempt 2: checks/login.sh: exit 1; output ends \"trying ********\\x0alogin page "
                                "missing\"\nstdout:\ntrying ********\n\nstderr:\nlogin page missing\n"),
            std::string::npos)
      << outcome.detail;
}

TEST_F(SpecStepsTest, AScriptExitingNeitherZeroNorOneIsAnErrorNotAFailure) {
  spec.dir = "/recipes/custom-html";
  ScriptCheck login;
  login.path = "checks/login.sh";
  spec.checks[Tier::custom].push_back(check_of("login", login));
  processes.once({"/recipes/custom-html/checks/login.sh"}, fakes::exited(2, "", "jq: command not found\n"));
  auto usage = only_check(Tier::custom);
  EXPECT_EQ(usage.status, CheckStatus::error);
  EXPECT_EQ(
      usage.message,
      "checks/login.sh: exit 2 (exit 1 fails, any other exit is an error); output ends \"jq: command not found\"");
  EXPECT_EQ(usage.detail, "stdout:\n\nstderr:\njq: command not found\n");

  harness::Completion killed = fakes::exited(0);
  killed.signal = 9;
  processes.once({"/recipes/custom-html/checks/login.sh"}, killed);
  EXPECT_EQ(only_check(Tier::custom).status, CheckStatus::error);

  // A failure is run once more: both runs hang.
  processes.once({"/recipes/custom-html/checks/login.sh"}, fakes::timed_out());
  processes.once({"/recipes/custom-html/checks/login.sh"}, fakes::timed_out());
  EXPECT_EQ(only_check(Tier::custom).status, CheckStatus::fail) << "a hanging check is the recipe's, as for exec";

  processes.once({"/recipes/custom-html/checks/login.sh"}, fakes::exited(0, "logged in\n"));
  auto passed = only_check(Tier::custom);
  EXPECT_EQ(passed.status, CheckStatus::pass);
  EXPECT_EQ(passed.message, "");
  EXPECT_EQ(passed.detail, "stdout:\nlogged in\n\nstderr:\n") << "a passing script's output is kept too";
}

TEST_F(SpecStepsTest, WhatAScriptLeavesInItsFreshArtifactDirectoryIsListedOnTheCheck) {
  spec.dir = "/recipes/custom-html";
  ScriptCheck login;
  login.path = "checks/login.sh";
  spec.checks[Tier::restore].push_back(check_of("login", login));
  auto leftover = out.write("artifacts/restore/login/from-an-earlier-attempt.txt", "stale\n");
  processes.on({"/recipes/custom-html/checks/login.sh"},
               [&](const harness::Command& command) -> harness::Result<harness::Completion> {
                 std::filesystem::path dir = command.env.at("CCCI_ARTIFACT_DIR");
                 EXPECT_FALSE(std::filesystem::exists(leftover)) << "emptied before the script runs";
                 std::filesystem::create_directories(dir / "pages");
                 std::ofstream(dir / "pages/home.html") << "<html></html>\n";
                 std::ofstream(dir / "answer.json") << "{}\n";
                 return fakes::exited(1);
               });
  auto outcome = only_check(Tier::restore);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(outcome.artifacts, (std::vector<std::string>{"artifacts/restore/login/answer.json",
                                                         "artifacts/restore/login/pages/home.html"}));
}

TEST_F(SpecStepsTest, TheGeneratedAdminPasswordIsMaskedWhereverAScriptPrintsIt) {
  spec.dir = "/recipes/custom-html";
  ScriptCheck setup;
  setup.path = "checks/setup.sh";
  spec.checks[Tier::custom].push_back(check_of("owner_setup", setup));
  StepFacts given = facts();
  given.admin = make_admin_account(given.domain);
  processes.on({"/recipes/custom-html/checks/setup.sh"},
               fakes::exited(1, "password " + given.admin.password + "\n", given.admin.password + " refused\n"));
  SpecSteps steps(spec, given, http, docker, processes, clock, log);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].message,
            "checks/setup.sh: exit 1; output ends \"password ********\\x0a******** refused\" (failed twice)");
  EXPECT_EQ(outcomes[0].detail.find(given.admin.password), std::string::npos) << outcomes[0].detail;
  EXPECT_EQ(redactor.redact(given.admin.password), "********");
}

TEST_F(SpecStepsTest, AnArtifactQuotingTheGeneratedPasswordIsMaskedInOut) {
  spec.dir = "/recipes/custom-html";
  ScriptCheck setup;
  setup.path = "checks/setup.sh";
  spec.checks[Tier::custom].push_back(check_of("owner_setup", setup));
  StepFacts given = facts();
  given.admin = make_admin_account(given.domain);
  processes.on({"/recipes/custom-html/checks/setup.sh"},
               [&](const harness::Command& command) -> harness::Result<harness::Completion> {
                 std::filesystem::path dir = command.env.at("CCCI_ARTIFACT_DIR");
                 std::ofstream(dir / "form.html")
                     << "<input value=\"" << command.env.at("CCCI_ADMIN_PASSWORD") << "\">\n";
                 std::ofstream(dir / "plain.txt") << "nothing secret\n";
                 return fakes::exited(0);
               });
  SpecSteps steps(spec, given, http, docker, processes, clock, log);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, CheckStatus::pass) << outcomes[0].message;
  EXPECT_EQ(file_text(out.path() / "artifacts/custom/owner_setup/form.html"), "<input value=\"********\">\n");
  EXPECT_EQ(file_text(out.path() / "artifacts/custom/owner_setup/plain.txt"), "nothing secret\n");
}

TEST_F(SpecStepsTest, AScriptWhoseServicesCannotBeListedIsAnErrorAndDoesNotRun) {
  spec.dir = "/recipes/custom-html";
  ScriptCheck login;
  login.path = "checks/login.sh";
  spec.checks[Tier::custom].push_back(check_of("login", login));
  docker.failures.emplace("service_ls", harness::Error{ErrorKind::infra, "docker daemon gone"});
  auto outcome = only_check(Tier::custom);
  EXPECT_EQ(outcome.status, CheckStatus::error);
  EXPECT_EQ(outcome.message, "could not prepare checks/login.sh: docker daemon gone");
  EXPECT_TRUE(processes.commands().empty());
}

TEST_F(SpecStepsTest, AScriptThatCouldNotStartIsAnError) {
  spec.dir = "/recipes/custom-html";
  ScriptCheck login;
  login.path = "checks/login.sh";
  spec.checks[Tier::custom].push_back(check_of("login", login));
  processes.on({"/recipes/custom-html/checks/login.sh"},
               harness::Error{ErrorKind::not_found, "checks/login.sh: no such file"});
  auto outcome = only_check(Tier::custom);
  EXPECT_EQ(outcome.status, CheckStatus::error);
  EXPECT_EQ(outcome.message, "checks/login.sh: no such file");
}

TEST_F(SpecStepsTest, ABrowserFlowRunsTheNodeRunnerWithItsTierArtifactFolder) {
  spec.dir = "/recipes/custom-html";
  spec.checks[Tier::custom].push_back(check_of("signup", BrowserCheck{"browser/signup.mjs"}));
  processes.on({"node"}, fakes::exited(0, R"({"ccci":"browser-result","status":"pass","screenshots":[]})"));
  SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, CheckStatus::pass) << outcomes[0].message;
  ASSERT_EQ(processes.commands().size(), 1u);
  const auto commands = processes.commands();
  const auto& command = commands[0];
  EXPECT_EQ(command.env.at("CCCI_FLOW"), "/recipes/custom-html/browser/signup.mjs");
  EXPECT_EQ(command.env.at("CCCI_ARTIFACT_PREFIX"), "artifacts/custom/signup");
  EXPECT_TRUE(std::filesystem::is_directory(out.path() / "artifacts/custom/signup"));
  EXPECT_TRUE(http.requests().empty());
}

TEST_F(SpecStepsTest, ChecksRunInTheirListedOrderEachTimedOnTheRunsClock) {
  spec.dir = "/recipes/custom-html";
  spec.check_concurrency = 1;
  for (const char* name : {"first", "second"}) {
    ScriptCheck check;
    check.path = std::string(name) + ".sh";
    spec.checks[Tier::custom].push_back(check_of(name, check));
  }
  processes.on({"/recipes/custom-html/first.sh"},
               [this](const harness::Command&) -> harness::Result<harness::Completion> {
                 clock.advance(std::chrono::seconds(3));
                 return fakes::exited(0);
               });
  processes.on({"/recipes/custom-html/second.sh"},
               [this](const harness::Command&) -> harness::Result<harness::Completion> {
                 clock.advance(std::chrono::milliseconds(250));
                 return fakes::exited(1);
               });
  SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].name, "first");
  EXPECT_EQ(outcomes[0].status, CheckStatus::pass);
  EXPECT_EQ(outcomes[0].duration, std::chrono::milliseconds(3000));
  EXPECT_EQ(outcomes[1].name, "second");
  EXPECT_EQ(outcomes[1].status, CheckStatus::fail);
  EXPECT_EQ(outcomes[1].duration, std::chrono::milliseconds(500)) << "failed, so run once more: both runs count";
  EXPECT_EQ(outcomes[1].attempts, 2);
}

TEST_F(SpecStepsTest, AFailureThatPassesWhenRunAgainIsFlakyNeverAPlainPass) {
  ExecStep count;
  count.service = "db";
  count.argv = {"sqlite3", "app.db", "SELECT 1;"};
  spec.checks[Tier::custom].push_back(check_of("answer", count));
  docker.exec_answers.push_back(fakes::exited(1, "", "database is locked\n"));
  docker.exec_answers.push_back(fakes::exited(0, "1\n"));
  auto outcome = only_check(Tier::custom);
  EXPECT_EQ(outcome.status, CheckStatus::pass);
  EXPECT_TRUE(outcome.flaky);
  EXPECT_EQ(outcome.attempts, 2);
  EXPECT_EQ(
      outcome.message,
      "flaky: failed, then passed when run again; the failure: `sqlite3 app.db SELECT 1;` in db: exit 1, expected "
      "exit 0; output ends \"database is locked\"");
  EXPECT_NE(outcome.detail.find("attempt 1: `sqlite3"), std::string::npos) << outcome.detail;
  EXPECT_NE(outcome.detail.find("attempt 2: passed"), std::string::npos) << outcome.detail;
}

TEST_F(SpecStepsTest, AConvergingCheckIsRetriedWithinItsBoundAndNotRunAgainAfter) {
  HttpCheck landing = get_marker("kept");
  landing.converge = std::chrono::seconds(2);
  spec.checks[Tier::install].push_back(check_of("landing", landing));
  http.respond("GET", marker_url, 200, "placeholder");
  auto outcome = only_check(Tier::install);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(outcome.attempts, 1) << "its own polling is its retry";
  EXPECT_FALSE(outcome.flaky);
  EXPECT_NE(outcome.message.find("not converged within converge 2.0 s"), std::string::npos) << outcome.message;
  int polled = http.count("GET", marker_url);
  EXPECT_GT(polled, 1);
  EXPECT_EQ(outcome.message.find("(failed twice"), std::string::npos) << outcome.message;
}

TEST_F(SpecStepsTest, AnErrorOrAPassIsNotRunAgain) {
  spec.checks[Tier::install].push_back(check_of("marker", get_marker("kept")));
  http.fail("GET", marker_url, ErrorKind::infra, "gateway unreachable");
  EXPECT_EQ(only_check(Tier::install).attempts, 1);
  EXPECT_EQ(http.count("GET", marker_url), 1);
  http.respond("GET", marker_url, 200, "kept");
  EXPECT_EQ(only_check(Tier::install).attempts, 1);
  EXPECT_EQ(http.count("GET", marker_url), 2);
}

TEST_F(SpecStepsTest, ATiersChecksRunSideBySideUpToTheSpecsBoundAndReportInListedOrder) {
  spec.dir = "/recipes/custom-html";
  spec.check_concurrency = 3;
  std::mutex mutex;
  std::condition_variable changed;
  int running = 0;
  int most = 0;
  for (const char* name : {"a", "b", "c", "d", "e", "f"}) {
    ScriptCheck check;
    check.path = std::string(name) + ".sh";
    spec.checks[Tier::custom].push_back(check_of(name, check));
    processes.on({"/recipes/custom-html/" + std::string(name) + ".sh"},
                 [&](const harness::Command&) -> harness::Result<harness::Completion> {
                   std::unique_lock lock(mutex);
                   most = std::max(most, ++running);
                   changed.notify_all();
                   // Holds until three run at once (or a second passes): proves they overlap.
                   changed.wait_for(lock, std::chrono::seconds(1), [&] { return running >= 3; });
                   --running;
                   return fakes::exited(0);
                 });
  }
  SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 6u);
  for (size_t i = 0; i < outcomes.size(); ++i) {
    EXPECT_EQ(outcomes[i].name, std::string(1, static_cast<char>('a' + i)));
    EXPECT_EQ(outcomes[i].status, CheckStatus::pass);
  }
  EXPECT_EQ(most, 3) << "three at once, never more";
}

TEST_F(SpecStepsTest, ATierOrSeedWithoutStepsDoesNothing) {
  spec.checks[Tier::install].push_back(check_of("marker", get_marker("kept")));
  SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
  EXPECT_TRUE(steps.checks(Tier::upgrade).empty());
  EXPECT_TRUE(steps.seed(SeedOp::pre_backup).ok());
  EXPECT_TRUE(http.requests().empty());
  EXPECT_TRUE(docker.calls.empty());
}

TEST_F(SpecStepsTest, ASeedStopsAtItsFirstFailingStep) {
  ExecStep first;
  first.service = "app";
  first.argv = {"touch", "/data/marker"};
  spec.seeds[SeedOp::pre_backup].push_back(SeedStep{first, harness::Mark{"recipe.yml", 3, 7}});
  spec.seeds[SeedOp::pre_backup].push_back(SeedStep{get_marker("never reached"), harness::Mark{"recipe.yml", 9, 7}});
  docker.exec_answers.push_back(fakes::exited(1, "", "touch: /data/marker: Read-only file system\n"));
  SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
  auto seeded = steps.seed(SeedOp::pre_backup);
  ASSERT_FALSE(seeded.ok());
  EXPECT_EQ(seeded.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(seeded.error().message,
            "seed pre_backup[0] (recipe.yml:3:7): `touch /data/marker` in app: exit 1, expected exit 0; "
            "output ends \"touch: /data/marker: Read-only file system\"");
  EXPECT_TRUE(http.requests().empty()) << "the second step never ran";
}

TEST_F(SpecStepsTest, ASeedThatCouldNotRunIsInfrastructure) {
  spec.seeds[SeedOp::pre_backup].push_back(SeedStep{get_marker(""), harness::Mark{"recipe.yml", 3, 7}});
  http.fail("GET", marker_url, ErrorKind::timeout, "GET " + std::string(marker_url) + " timed out after 120s");
  SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
  auto seeded = steps.seed(SeedOp::pre_backup);
  ASSERT_FALSE(seeded.ok());
  EXPECT_EQ(seeded.error().kind, ErrorKind::infra);
  EXPECT_EQ(seeded.error().message,
            "seed pre_backup[0] could not run: GET https://app.ccci.test/cgi-bin/marker/backup timed out after 120s");
}

TEST_F(SpecStepsTest, SeedsThatHoldSucceedAfterRunningEveryStep) {
  spec.seeds[SeedOp::pre_upgrade].push_back(SeedStep{get_marker(""), harness::Mark{"recipe.yml", 3, 7}});
  ExecStep touch;
  touch.service = "app";
  touch.argv = {"touch", "/data/marker"};
  spec.seeds[SeedOp::pre_upgrade].push_back(SeedStep{touch, harness::Mark{"recipe.yml", 5, 7}});
  http.respond("GET", marker_url, 200, "");
  SpecSteps steps(spec, facts(), http, docker, processes, clock, log);
  EXPECT_TRUE(steps.seed(SeedOp::pre_upgrade).ok());
  EXPECT_EQ(http.count("GET", marker_url), 1);
  EXPECT_EQ(docker.calls.back(), "exec c0ffee touch /data/marker");
}

}  // namespace
}  // namespace ccci::runner
