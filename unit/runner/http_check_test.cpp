#include "runner/http_check.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "harness/log.hpp"
#include "runner/spec_steps.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_process.hpp"

namespace ccci::runner {
namespace {

using namespace std::chrono_literals;

constexpr const char* base = "https://app.ccci.test";

HttpStep step(std::string method, std::string path, int status) {
  HttpStep s;
  s.method = std::move(method);
  s.path = std::move(path);
  s.status = status;
  return s;
}

/// login → create (captures the id) → read back expecting /text = "hello".
HttpCheck note_roundtrip() {
  HttpCheck check;
  check.steps.push_back(step("POST", "/cgi-bin/login", 200));
  HttpStep create = step("POST", "/cgi-bin/notes", 201);
  create.body = "hello";
  create.captures.push_back({"note_id", CaptureFrom::json, "/id"});
  create.captures.push_back({"where", CaptureFrom::header, "location"});
  check.steps.push_back(create);
  HttpStep read = step("GET", "/cgi-bin/notes/${note_id}", 200);
  read.json.push_back({"/text", "\"hello\""});
  read.headers["X-Came-From"] = "${where}";
  check.steps.push_back(read);
  return check;
}

class HttpCheckTest : public ::testing::Test {
 protected:
  HttpRun run(const HttpCheck& check) { return runner().run(check); }
  HttpCheckRunner runner() { return HttpCheckRunner(http, clock, log, "app.ccci.test", 30s); }
  void login_sets(const std::string& session) {
    http.respond("POST", std::string(base) + "/cgi-bin/login", 200, "{}",
                 {{"Set-Cookie", "session=" + session + "; Path=/; HttpOnly"}});
  }
  std::string header_of(size_t request, const std::string& name) {
    const auto requests = http.requests();
    for (const auto& [key, value] : requests.at(request).headers) {
      if (key == name) return value;
    }
    return "(none)";
  }

  fakes::FakeHttpClient http;
  fakes::FakeClock clock;
  std::ostringstream logged;
  harness::Logger log{logged};
};

TEST_F(HttpCheckTest, StepsShareCookiesAndCapturedValues) {
  login_sets("s3cr3t-token");
  http.respond("POST", std::string(base) + "/cgi-bin/notes", 201, R"({"id":"a b/1","text":"hello"})",
               {{"Location", "/cgi-bin/notes/a%20b"}});
  http.respond("GET", std::string(base) + "/cgi-bin/notes/a%20b/1", 200, R"({"id":"a b/1","text":"hello"})");
  HttpRun done = run(note_roundtrip());
  EXPECT_EQ(done.status, CheckStatus::pass) << done.message;
  EXPECT_EQ(done.message, "");
  ASSERT_EQ(http.requests().size(), 3u);
  EXPECT_EQ(header_of(0, "Cookie"), "(none)");
  EXPECT_EQ(header_of(1, "Cookie"), "session=s3cr3t-token");
  EXPECT_EQ(http.requests()[1].body, "hello");
  EXPECT_EQ(header_of(2, "Cookie"), "session=s3cr3t-token");
  EXPECT_EQ(header_of(2, "X-Came-From"), "/cgi-bin/notes/a%20b") << "a header takes the captured text as it is";
}

TEST_F(HttpCheckTest, AWrongValueReadBackIsRedNamingTheStepThePointerTheExpectedAndTheGot) {
  login_sets("t");
  http.respond("POST", std::string(base) + "/cgi-bin/notes", 201, R"({"id":"7","text":"hello"})",
               {{"Location", "/cgi-bin/notes/7"}});
  http.respond("GET", std::string(base) + "/cgi-bin/notes/7", 200, R"({"id":"7","text":"HELLO"})");
  HttpRun done = run(note_roundtrip());
  EXPECT_EQ(done.status, CheckStatus::fail);
  EXPECT_EQ(done.message,
            "step 3 of 3: GET /cgi-bin/notes/7 answered 200: JSON /text is \"HELLO\", expected \"hello\"; body "
            "\"{\"id\":\"7\",\"text\":\"HELLO\"}\"");
  EXPECT_NE(done.detail.find("step 1: POST /cgi-bin/login answered 200\nstep 2: POST /cgi-bin/notes answered 201\n"),
            std::string::npos)
      << done.detail;
  EXPECT_FALSE(done.transient);
}

TEST_F(HttpCheckTest, AFailedStepEndsTheCheckAndNamesItself) {
  http.respond("POST", std::string(base) + "/cgi-bin/login", 200, "{}");
  http.respond("POST", std::string(base) + "/cgi-bin/notes", 401, "log in first\n");
  HttpRun done = run(note_roundtrip());
  EXPECT_EQ(done.status, CheckStatus::fail);
  EXPECT_EQ(done.message, "step 2 of 3: POST /cgi-bin/notes answered 401, expected 201; body \"log in first\\x0a\"");
  EXPECT_EQ(http.requests().size(), 2u) << "no step runs after a failed one";
}

TEST_F(HttpCheckTest, ANonJsonBodyFailsSayingSoAndAMissingPointerIsNamed) {
  HttpStep read = step("GET", "/api", 200);
  read.json.push_back({"/id", "1"});
  http.respond("GET", std::string(base) + "/api", 200, "<html>booting</html>");
  http.respond("GET", std::string(base) + "/api", 200, R"({"ID":1})");
  HttpRun html = run(HttpCheck(read));
  EXPECT_EQ(html.status, CheckStatus::fail);
  EXPECT_EQ(html.message.rfind("GET /api answered 200, but the body is not JSON (", 0), 0u) << html.message;
  HttpRun missing = run(HttpCheck(read));
  EXPECT_EQ(missing.message.rfind("GET /api answered 200, but JSON /id is missing (", 0), 0u) << missing.message;
  EXPECT_NE(missing.message.find("), expected 1; body"), std::string::npos) << missing.message;
}

TEST_F(HttpCheckTest, NumbersCompareAsJsonAndStringsAreNotNumbers) {
  HttpStep read = step("GET", "/api", 200);
  read.json.push_back({"/count", "2"});
  http.respond("GET", std::string(base) + "/api", 200, R"({"count":2.0})");
  http.respond("GET", std::string(base) + "/api", 200, R"({"count":"2"})");
  EXPECT_EQ(run(HttpCheck(read)).status, CheckStatus::pass);
  HttpRun text = run(HttpCheck(read));
  EXPECT_EQ(text.status, CheckStatus::fail);
  EXPECT_NE(text.message.find("JSON /count is \"2\", expected 2"), std::string::npos) << text.message;
}

TEST_F(HttpCheckTest, BodyMatchesAndHeadersContainAreJudged) {
  HttpStep page = step("GET", "/", 200);
  page.body_matches = "version [0-9]+\\.[0-9]+";
  page.headers_contain["content-type"] = "text/html";
  http.respond("GET", std::string(base) + "/", 200, "fixture-web version 1.1", {{"Content-Type", "text/html"}});
  http.respond("GET", std::string(base) + "/", 200, "fixture-web version one", {{"Content-Type", "text/html"}});
  http.respond("GET", std::string(base) + "/", 200, "fixture-web version 1.1", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(run(HttpCheck(page)).status, CheckStatus::pass);
  EXPECT_EQ(run(HttpCheck(page)).message,
            "GET / answered 200 with no match for /version [0-9]+\\.[0-9]+/; body \"fixture-web version one\"");
  std::string plain = run(HttpCheck(page)).message;
  EXPECT_EQ(plain.rfind("GET / answered 200 with content-type: \"text/plain\", not containing \"text/html\"", 0), 0u)
      << plain;
}

TEST_F(HttpCheckTest, AMatchCaptureTakesTheFirstGroupAndACaptureThatFindsNothingFails) {
  HttpCheck check;
  HttpStep list = step("GET", "/list", 200);
  list.captures.push_back({"id", CaptureFrom::match, "id=([0-9]+)"});
  check.steps.push_back(list);
  check.steps.push_back(step("DELETE", "/items/${id}", 200));
  http.respond("GET", std::string(base) + "/list", 200, "<a href=\"/x?id=31\">");
  http.respond("GET", std::string(base) + "/list", 200, "empty");
  http.respond("DELETE", std::string(base) + "/items/31", 200);
  HttpRun found = run(check);
  EXPECT_EQ(found.status, CheckStatus::pass) << found.message;
  HttpRun none = run(check);
  EXPECT_EQ(none.status, CheckStatus::fail);
  EXPECT_EQ(none.message,
            "step 1 of 2: GET /list answered 200: capture id: no match for /id=([0-9]+)/; body \"empty\"");
}

TEST_F(HttpCheckTest, ACapturedLineBreakNeverReachesAHeader) {
  HttpCheck check;
  HttpStep first = step("GET", "/a", 200);
  first.captures.push_back({"token", CaptureFrom::json, "/t"});
  check.steps.push_back(first);
  HttpStep second = step("GET", "/b", 200);
  second.headers["Authorization"] = "Bearer ${token}";
  check.steps.push_back(second);
  http.respond("GET", std::string(base) + "/a", 200, R"({"t":"x\r\nX-Evil: 1"})");
  HttpRun done = run(check);
  EXPECT_EQ(done.status, CheckStatus::fail);
  EXPECT_EQ(done.message, "step 2 of 2: header Authorization would carry a line break or NUL from a captured value");
  EXPECT_EQ(http.requests().size(), 1u);
}

TEST_F(HttpCheckTest, ConvergePollsAFreshRunUntilItPassesAndSaysSo) {
  HttpStep ready = step("GET", "/", 200);
  ready.body_contains = "fixture-web";
  HttpCheck check(ready);
  check.converge = 30s;
  const std::string url = std::string(base) + "/";
  http.respond("GET", url, 200, "placeholder");
  http.respond("GET", url, 502, "bad gateway");
  http.respond("GET", url, 200, "placeholder");
  http.respond("GET", url, 200, "fixture-web");
  HttpRun done = runner().converge("landing", check);
  EXPECT_EQ(done.status, CheckStatus::pass) << done.message;
  EXPECT_EQ(done.message,
            "converged after 1.7 s (4 attempts; first: GET / answered 200 without \"fixture-web\"; body "
            "\"placeholder\")");
  EXPECT_EQ(clock.sleeps(), (std::vector<std::chrono::milliseconds>{250ms, 500ms, 1000ms}))
      << "a sub-second first retry, then backing off";
  EXPECT_NE(logged.str().find("landing: not converged yet (+0.0 s): GET / answered 200 without"), std::string::npos);
}

TEST_F(HttpCheckTest, ACheckThatNeverConvergesIsRedWithItsLastResultAndTheWait) {
  HttpCheck check(step("GET", "/", 200));
  check.converge = 10s;
  http.respond("GET", std::string(base) + "/", 503, "starting");
  HttpRun done = runner().converge("landing", check);
  EXPECT_EQ(done.status, CheckStatus::fail);
  EXPECT_EQ(done.message.rfind("GET / answered 503, expected 200; body \"starting\"; not converged within converge "
                               "10.0 s: still failing after 10.0 s (",
                               0),
            0u)
      << done.message;
  EXPECT_NE(done.message.find(" attempts; first: GET / answered 503, expected 200; body \"starting\")"),
            std::string::npos);
  EXPECT_EQ(clock.elapsed(), 10s) << "the wait is bounded by converge";
  EXPECT_GE(http.requests().size(), 5u);
}

TEST_F(HttpCheckTest, EveryConvergeAttemptStartsWithAnEmptyJar) {
  HttpCheck check;
  check.steps.push_back(step("POST", "/cgi-bin/login", 200));
  check.steps.push_back(step("GET", "/cgi-bin/notes", 200));
  check.converge = 10s;
  login_sets("first");
  login_sets("second");
  http.respond("GET", std::string(base) + "/cgi-bin/notes", 503, "");
  http.respond("GET", std::string(base) + "/cgi-bin/notes", 200, "[]");
  EXPECT_EQ(runner().converge("notes", check).status, CheckStatus::pass);
  ASSERT_EQ(http.requests().size(), 4u);
  EXPECT_EQ(header_of(0, "Cookie"), "(none)");
  EXPECT_EQ(header_of(2, "Cookie"), "(none)") << "the second attempt's login starts clean";
  EXPECT_EQ(header_of(3, "Cookie"), "session=second");
}

TEST_F(HttpCheckTest, OneChecksCookiesNeverReachAnother) {
  RecipeSpec spec;
  SpecCheck logs_in;
  logs_in.name = "logs_in";
  logs_in.kind = HttpCheck(step("POST", "/cgi-bin/login", 200));
  SpecCheck reads;
  reads.name = "reads_without_login";
  reads.kind = HttpCheck(step("GET", "/cgi-bin/notes", 401));
  spec.checks[Tier::custom] = {logs_in, reads};
  login_sets("mine");
  http.respond("GET", std::string(base) + "/cgi-bin/notes", 401, "log in first");
  fakes::FakeDocker docker;
  fakes::FakeProcessRunner processes;
  SpecSteps steps(spec, StepFacts{"app.ccci.test", "app_ccci_test", {}}, http, docker, processes, clock, log);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[1].status, CheckStatus::pass) << outcomes[1].message;
  EXPECT_EQ(header_of(1, "Cookie"), "(none)");
}

TEST_F(HttpCheckTest, ASecretInACapturedValueIsRedactedFromMessages) {
  log.redactor().add_secret("hunter2-secret");
  HttpCheck check;
  HttpStep first = step("GET", "/a", 200);
  first.captures.push_back({"token", CaptureFrom::json, "/t"});
  check.steps.push_back(first);
  check.steps.push_back(step("GET", "/b/${token}", 200));
  http.respond("GET", std::string(base) + "/a", 200, R"({"t":"hunter2-secret"})");
  http.respond("GET", std::string(base) + "/b/hunter2-secret", 500, "hunter2-secret");
  HttpRun done = run(check);
  EXPECT_EQ(done.message.find("hunter2"), std::string::npos) << done.message;
  EXPECT_EQ(done.detail.find("hunter2"), std::string::npos) << done.detail;
  EXPECT_TRUE(done.transient) << "a 5xx is what a restore leaves behind";
}

}  // namespace
}  // namespace ccci::runner
