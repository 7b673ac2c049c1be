// The write-ready window of SpecSteps (runner/spec_steps.hpp): after a restore, a check that
// writes is retried on a 5xx or a refused connection within timeouts.write_ready, on the fake
// clock; nothing else is retried within a window (a failed check is only run once more, as any
// failed check is, and reported flaky when that passes).
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "harness/log.hpp"
#include "runner/spec_steps.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_process.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* marker_url = "https://app.ccci.test/cgi-bin/marker/after-restore";
constexpr const char* put_503 =
    "PUT /cgi-bin/marker/after-restore answered 503, expected 201; body \"database restoring\\x0a\"";

SpecCheck put_marker() {
  HttpStep put;
  put.method = "PUT";
  put.path = "/cgi-bin/marker/after-restore";
  put.body = "written-after-restore";
  put.status = 201;
  SpecCheck check;
  check.name = "write_after_restore";
  check.kind = put;
  check.writes = true;
  return check;
}

class WriteReady : public ::testing::Test {
 protected:
  std::vector<CheckOutcome> run(Tier tier) { return steps.checks(tier); }
  CheckOutcome only(Tier tier) {
    auto outcomes = run(tier);
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.empty() ? CheckOutcome{} : outcomes.front();
  }
  int puts() const { return http.count("PUT", marker_url); }

  RecipeSpec spec;
  fakes::FakeHttpClient http;
  fakes::FakeDocker docker;
  fakes::FakeProcessRunner processes;
  fakes::FakeClock clock;
  std::ostringstream logged;
  harness::Logger log{logged};
  SpecSteps steps{spec, StepFacts{"app.ccci.test", "app_ccci_test", {}, {}}, http, docker, processes, clock, log};
};

TEST_F(WriteReady, AWriteThatBecomesReadyOnItsThirdAttemptPassesSayingHowLongItWaited) {
  spec.checks[Tier::restore].push_back(put_marker());
  http.respond("PUT", marker_url, 503, "database restoring\n");
  http.fail("PUT", marker_url, ErrorKind::infra, "PUT " + std::string(marker_url) + ": Connection refused");
  http.respond("PUT", marker_url, 201, "stored after-restore\n");
  auto outcome = only(Tier::restore);
  EXPECT_EQ(outcome.status, CheckStatus::pass) << outcome.message;
  EXPECT_EQ(puts(), 3);
  // Sub-second first retry, then doubling: 250 ms + 500 ms.
  EXPECT_EQ(clock.sleeps(), (std::vector<milliseconds>{milliseconds(250), milliseconds(500)}));
  EXPECT_EQ(outcome.message, "write-ready after 0.7 s (3 attempts; first: " + std::string(put_503) + ")");
  EXPECT_EQ(outcome.duration, milliseconds(750));
  EXPECT_NE(outcome.detail.find("attempt at +0.2 s: PUT " + std::string(marker_url) + ": Connection refused"),
            std::string::npos)
      << outcome.detail;
  // Every retry is logged.
  EXPECT_NE(logged.str().find("write_after_restore: not write-ready yet (+0.0 s): " + std::string(put_503)),
            std::string::npos)
      << logged.str();
  EXPECT_NE(logged.str().find("not write-ready yet (+0.2 s): PUT"), std::string::npos) << logged.str();
}

TEST_F(WriteReady, AWriteThatNeverBecomesReadyFailsWithItsLastResultWithinTheBound) {
  spec.timeouts.write_ready = seconds(10);
  spec.checks[Tier::restore].push_back(put_marker());
  http.respond("PUT", marker_url, 503, "database restoring\n");  // answers forever
  auto outcome = only(Tier::restore);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  // 250 + 500 + 1000 + 2000 × 3 = 7750 ms, then 2000, then the last 250 ms up to the bound: 9 attempts.
  EXPECT_EQ(clock.elapsed(), seconds(10)) << "the wait never passes timeouts.write_ready";
  EXPECT_EQ(puts(), 9);
  EXPECT_EQ(outcome.message, std::string(put_503) +
                                 "; not write-ready within timeouts.write_ready 10.0 s: still failing after 10.0 s (9 "
                                 "attempts; first: " +
                                 put_503 + ")");
  EXPECT_EQ(outcome.detail.rfind("write-ready window:\nattempt at +0.0 s: PUT", 0), 0u) << outcome.detail;
}

TEST_F(WriteReady, AWriteThatGetsA4xxFailsAtOnceAfterOneAttempt) {
  spec.checks[Tier::restore].push_back(put_marker());
  http.respond("PUT", marker_url, 409, "conflict\n");
  http.respond("PUT", marker_url, 201, "stored\n");
  auto outcome = only(Tier::restore);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(puts(), 1);
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_EQ(outcome.message, "PUT /cgi-bin/marker/after-restore answered 409, expected 201; body \"conflict\\x0a\"");
}

TEST_F(WriteReady, A4xxAfterA5xxEndsTheWindowAndSaysWhatCameFirst) {
  spec.checks[Tier::restore].push_back(put_marker());
  http.respond("PUT", marker_url, 503, "database restoring\n");
  http.respond("PUT", marker_url, 400, "bad marker name\n");
  auto outcome = only(Tier::restore);
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(puts(), 2);
  EXPECT_EQ(outcome.message,
            "PUT /cgi-bin/marker/after-restore answered 400, expected 201; body \"bad marker name\\x0a\"; after 0.2 s "
            "(2 attempts in the write-ready window; first: " +
                std::string(put_503) + ")");
}

TEST_F(WriteReady, ABodyMismatchOnA2xxOrARequestThatTimedOutIsNotRetried) {
  SpecCheck check = put_marker();
  std::get<HttpCheck>(check.kind).steps.at(0).body_contains = "stored";
  spec.checks[Tier::restore].push_back(check);
  http.respond("PUT", marker_url, 201, "nothing kept\n");
  EXPECT_EQ(only(Tier::restore).status, CheckStatus::fail);
  EXPECT_EQ(puts(), 1);

  fakes::FakeHttpClient timing_out;
  timing_out.fail("PUT", marker_url, ErrorKind::timeout, "PUT timed out after 120s");
  SpecSteps steps_timing_out{
      spec, StepFacts{"app.ccci.test", "app_ccci_test", {}, {}}, timing_out, docker, processes, clock, log};
  auto outcomes = steps_timing_out.checks(Tier::restore);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, CheckStatus::error);
  EXPECT_EQ(timing_out.count("PUT", marker_url), 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST_F(WriteReady, GetChecksGetNoWindowOnlyTheReRunThatMakesThemFlaky) {
  HttpStep get;
  get.path = "/cgi-bin/marker/after-restore";
  spec.checks[Tier::restore].push_back(SpecCheck{"read_after_restore", get, {}, false});
  http.respond("GET", marker_url, 503, "database restoring\n");
  http.respond("GET", marker_url, 200, "ok\n");
  auto outcome = only(Tier::restore);
  EXPECT_EQ(outcome.status, CheckStatus::pass);
  EXPECT_TRUE(outcome.flaky);
  EXPECT_EQ(outcome.message.rfind("flaky: failed, then passed when run again; the failure: GET", 0), 0u)
      << outcome.message;
  EXPECT_EQ(http.count("GET", marker_url), 2);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST_F(WriteReady, WritesBeforeARestoreAreNeverRetried) {
  spec.checks[Tier::install].push_back(put_marker());
  spec.checks[Tier::custom].push_back(put_marker());
  for (int put = 0; put < 4; ++put) http.respond("PUT", marker_url, 503, "database restoring\n");
  http.respond("PUT", marker_url, 201, "stored\n");
  EXPECT_EQ(only(Tier::install).status, CheckStatus::fail);
  EXPECT_EQ(puts(), 2) << "run once more, as any failed check, but not polled";
  // No restore ran in this run: the custom tier gets no window either.
  EXPECT_EQ(only(Tier::custom).message, std::string(put_503) + " (failed twice)");
  EXPECT_EQ(puts(), 4);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST_F(WriteReady, TheCustomTierAfterARestoreGetsTheWindow) {
  spec.checks[Tier::custom].push_back(put_marker());
  EXPECT_TRUE(run(Tier::restore).empty());
  http.respond("PUT", marker_url, 503, "database restoring\n");
  http.respond("PUT", marker_url, 201, "stored\n");
  auto outcome = only(Tier::custom);
  EXPECT_EQ(outcome.status, CheckStatus::pass);
  EXPECT_EQ(outcome.message, "write-ready after 0.2 s (2 attempts; first: " + std::string(put_503) + ")");
}

TEST_F(WriteReady, AnExecCheckIsRetriedOnlyWhenTheSpecSaysItWrites) {
  ExecStep insert;
  insert.service = "db";
  insert.argv = {"sqlite3", "app.db", "INSERT INTO t VALUES (1);"};
  spec.checks[Tier::restore].push_back(SpecCheck{"insert_unmarked", insert, {}, false});
  spec.checks[Tier::restore].push_back(SpecCheck{"insert_marked", insert, {}, true});
  spec.check_concurrency = 1;  // the fake's exec answers are one queue: keep the order
  // insert_unmarked fails twice (run once more, no window); insert_marked fails, then its window passes.
  for (int answer = 0; answer < 3; ++answer)
    docker.exec_answers.push_back(fakes::exited(1, "", "database is locked\n"));
  docker.exec_answers.push_back(fakes::exited(0));
  auto outcomes = run(Tier::restore);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].status, CheckStatus::fail);
  EXPECT_EQ(outcomes[1].status, CheckStatus::pass);
  EXPECT_EQ(outcomes[1].message.rfind("write-ready after 0.2 s (2 attempts; first: `sqlite3 app.db", 0), 0u)
      << outcomes[1].message;
}

}  // namespace
}  // namespace ccci::runner
