#include "runner/spec_steps.hpp"

#include <gtest/gtest.h>

#include "harness/redactor.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_process.hpp"

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

SpecCheck check_of(std::string name, std::variant<HttpStep, ExecStep, ScriptCheck, BrowserCheck> kind) {
  SpecCheck check;
  check.name = std::move(name);
  check.kind = std::move(kind);
  return check;
}

class SpecStepsTest : public ::testing::Test {
 protected:
  CheckOutcome only_check(Tier tier) {
    SpecSteps steps(spec, StepFacts{"app.ccci.test", "app_ccci_test", {}}, http, docker, processes, clock, redactor);
    auto outcomes = steps.checks(tier);
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.empty() ? CheckOutcome{} : outcomes.front();
  }

  RecipeSpec spec;
  fakes::FakeHttpClient http;
  fakes::FakeDocker docker;
  fakes::FakeProcessRunner processes;
  fakes::FakeClock clock;
  harness::Redactor redactor;
};

TEST_F(SpecStepsTest, AFailedHttpCheckSaysWhichStatusAndBodyItGot) {
  spec.checks[Tier::restore].push_back(check_of("backup_marker_restored", get_marker("written-before-backup")));
  http.respond("GET", marker_url, 200, "");
  http.respond("GET", marker_url, 404, "no marker backup\n");
  auto empty = only_check(Tier::restore);
  EXPECT_EQ(empty.status, CheckStatus::fail);
  EXPECT_EQ(empty.message, "GET /cgi-bin/marker/backup answered 200 without \"written-before-backup\"; an empty body");

  auto missing = only_check(Tier::restore);
  EXPECT_EQ(missing.message, "GET /cgi-bin/marker/backup answered 404, expected 200; body \"no marker backup\\x0a\"");
  EXPECT_EQ(missing.detail, "no marker backup\n");
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
  docker.exec_answers.push_back(fakes::exited(1, "", "ls: /data: No such file or directory\n"));
  auto outcome = only_check(Tier::custom);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(outcome.message,
            "`ls /data` in app: exit 1, expected exit 0; output ends \"ls: /data: No such file or directory\"");
}

TEST_F(SpecStepsTest, ALongOrMultiLineExecScriptIsShownByItsFirstLine) {
  ExecStep script;
  script.service = "app";
  script.argv = {"sh", "-c", "set -e\nlong script"};
  spec.checks[Tier::custom].push_back(check_of("script", script));
  docker.exec_answers.push_back(fakes::exited(2));
  EXPECT_EQ(only_check(Tier::custom).message, "`sh -c set -e …` in app: exit 2, expected exit 0; no output");
}

TEST_F(SpecStepsTest, AnExecThatPrintsTheWrongThingQuotesWhatItPrinted) {
  ExecStep count;
  count.service = "db";
  count.argv = {"sqlite3", "app.db", "SELECT 1;"};
  count.stdout_contains = "42";
  spec.checks[Tier::custom].push_back(check_of("answer", count));
  docker.exec_answers.push_back(fakes::exited(0, "1\n"));
  auto outcome = only_check(Tier::custom);
  EXPECT_EQ(outcome.message, "`sqlite3 app.db SELECT 1;` in db printed no \"42\"; output ends \"1\"");
}

TEST_F(SpecStepsTest, AFailedSeedCarriesTheSameEvidenceAndBlamesTheRecipe) {
  HttpStep put;
  put.method = "PUT";
  put.path = "/cgi-bin/marker/backup";
  put.body = "written-before-backup";
  put.status = 201;
  spec.seeds[SeedOp::pre_backup].push_back(SeedStep{put, harness::Mark{"recipe.yml", 7, 7}});
  http.respond("PUT", marker_url, 500, "stored 0 of 21 bytes of backup; nothing kept\n");
  SpecSteps steps(spec, StepFacts{"app.ccci.test", "app_ccci_test", {}}, http, docker, processes, clock, redactor);
  auto seeded = steps.seed(SeedOp::pre_backup);
  ASSERT_FALSE(seeded.ok());
  EXPECT_EQ(seeded.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(seeded.error().message,
            "seed pre_backup[0] (recipe.yml:7:7): PUT /cgi-bin/marker/backup answered 500, expected 201; "
            "body \"stored 0 of 21 bytes of backup; nothing kept\\x0a\"");
}

}  // namespace
}  // namespace ccci::runner
