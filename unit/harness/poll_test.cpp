#include "harness/poll.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "harness/interrupt.hpp"

#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_http.hpp"

namespace ccci::harness {
namespace {

using std::chrono::milliseconds;
using Sleeps = std::vector<milliseconds>;

/// A probe that is pending `pending_count` times, then done; counts its calls.
struct CountingProbe {
  int pending_count;
  int calls = 0;
  ProbeReport operator()() {
    ++calls;
    if (calls > pending_count) return ProbeReport::done("ready");
    return ProbeReport::pending("attempt " + std::to_string(calls) + " not ready");
  }
};

TEST(Poll, DoneOnFirstProbeDoesNotSleep) {
  fakes::FakeClock clock;
  CountingProbe probe{0};
  PollResult result = poll_until(clock, PollOptions{}, std::ref(probe));
  EXPECT_TRUE(result.done());
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(result.elapsed, milliseconds(0));
  EXPECT_EQ(result.last_message, "ready");
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_TRUE(to_status(result, "the app").ok());
}

TEST(Poll, WaitStartsSubSecondAndDoublesUpToTheCap) {
  fakes::FakeClock clock;
  CountingProbe probe{7};
  PollOptions options{
      .timeout = milliseconds(60'000), .first_wait = milliseconds(100), .max_wait = milliseconds(2'000)};
  PollResult result = poll_until(clock, options, std::ref(probe));
  ASSERT_TRUE(result.done());
  EXPECT_EQ(result.attempts, 8);
  EXPECT_EQ(clock.sleeps(), (Sleeps{milliseconds(100), milliseconds(200), milliseconds(400), milliseconds(800),
                                    milliseconds(1'600), milliseconds(2'000), milliseconds(2'000)}));
  EXPECT_EQ(result.elapsed, milliseconds(7'100));
}

TEST(Poll, DeadlineReachedTimesOutWithTheLastProbeMessage) {
  fakes::FakeClock clock;
  CountingProbe probe{1'000};
  PollOptions options{.timeout = milliseconds(1'000), .first_wait = milliseconds(100), .max_wait = milliseconds(2'000)};
  PollResult result = poll_until(clock, options, std::ref(probe));
  EXPECT_EQ(result.end, PollResult::End::timed_out);
  // The last wait is shortened so a final probe runs exactly at the deadline.
  EXPECT_EQ(clock.sleeps(), (Sleeps{milliseconds(100), milliseconds(200), milliseconds(400), milliseconds(300)}));
  EXPECT_EQ(result.attempts, 5);
  EXPECT_EQ(result.elapsed, milliseconds(1'000));
  EXPECT_EQ(result.last_message, "attempt 5 not ready");

  Status status = to_status(result, "https://app.ccci.test/ to answer 200");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::timeout);
  EXPECT_EQ(status.error().message,
            "timed out waiting for https://app.ccci.test/ to answer 200 after 1000ms and 5 attempts: "
            "attempt 5 not ready");
}

TEST(Poll, TimeSpentInsideTheProbeCountsAgainstTheDeadline) {
  fakes::FakeClock clock;
  int calls = 0;
  auto slow_probe = [&] {
    ++calls;
    clock.advance(milliseconds(400));
    return ProbeReport::pending("slow");
  };
  PollOptions options{.timeout = milliseconds(1'000), .first_wait = milliseconds(100), .max_wait = milliseconds(2'000)};
  PollResult result = poll_until(clock, options, slow_probe);
  EXPECT_EQ(result.end, PollResult::End::timed_out);
  // 0–400 probe, wait 100, 500–900 probe, wait what is left (100), 1000–1400 last probe.
  EXPECT_EQ(clock.sleeps(), (Sleeps{milliseconds(100), milliseconds(100)}));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(result.elapsed, milliseconds(1'400));
}

TEST(Poll, FailedProbeStopsAtOnceWithoutWaitingForTheDeadline) {
  fakes::FakeClock clock;
  int calls = 0;
  auto probe = [&] {
    ++calls;
    return calls < 3 ? ProbeReport::pending("starting") : ProbeReport::failed("task rejected: no such image");
  };
  PollResult result = poll_until(clock, PollOptions{}, probe);
  EXPECT_EQ(result.end, PollResult::End::failed);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(clock.sleeps(), (Sleeps{milliseconds(100), milliseconds(200)}));
  Status status = to_status(result, "service app_web", ErrorKind::infra);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra);
  EXPECT_NE(status.error().message.find("task rejected: no such image"), std::string::npos);
}

HttpRequest request(std::string method, std::string url) {
  HttpRequest built;
  built.method = std::move(method);
  built.url = std::move(url);
  return built;
}

TEST(Poll, PollsAnEndpointThroughTheHttpSeamUntilItAnswers200) {
  fakes::FakeClock clock;
  fakes::FakeHttpClient http;
  const std::string url = "https://app.ccci.test/health";
  http.fail("GET", url, ErrorKind::infra, "connection refused");
  http.respond("GET", url, 503, "starting");
  http.respond("GET", url, 200, "ok", {{"Content-Type", "text/plain"}});

  PollResult result = poll_until(clock, PollOptions{}, [&] {
    auto response = http.send(request("GET", url));
    if (!response.ok()) return ProbeReport::pending(response.error().message);
    if (response->status != 200) return ProbeReport::pending("status " + std::to_string(response->status));
    return ProbeReport::done(response->body);
  });
  EXPECT_TRUE(result.done());
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(result.last_message, "ok");
  EXPECT_EQ(http.count("GET", url), 3);
  // The last scripted answer keeps answering; an unscripted route is an infrastructure error.
  EXPECT_EQ(http.send(request("GET", url))->status, 200);
  auto unknown = http.send(request("POST", url));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::infra);
  EXPECT_EQ(http.requests().size(), 5u);
}

/// Each test starts and ends without an interrupt (the flag is process-wide).
class PollInterrupted : public ::testing::Test {
 protected:
  void SetUp() override { reset_interrupt_for_tests(); }
  void TearDown() override { reset_interrupt_for_tests(); }
};

// Found by the fault matrix: a SIGINT during the settle wait before a backup left the run polling
// `docker service ls` — refused at once, as an interrupted run spawns nothing — for the whole
// five-minute bound before it would tear down.
TEST_F(PollInterrupted, AnInterruptEndsThePollAfterTheProbeItCameDuring) {
  fakes::FakeClock clock;
  int calls = 0;
  PollResult result = poll_until(clock, PollOptions{std::chrono::minutes(5)}, [&] {
    if (++calls == 2) request_interrupt_for_tests(SIGINT);
    return ProbeReport::pending("not settled");
  });
  EXPECT_EQ(result.end, PollResult::End::interrupted);
  EXPECT_EQ(result.attempts, 2);
  EXPECT_EQ(clock.sleeps(), Sleeps{milliseconds(100)}) << "no wait after the interrupt";
  Status status = to_status(result, "the stack to settle");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::interrupted);
  EXPECT_EQ(status.error().message.find("interrupted by SIGINT while waiting for the stack to settle after "), 0u)
      << status.error().message;
}

TEST_F(PollInterrupted, AProbeThatIsDoneWhenTheInterruptArrivesIsStillDone) {
  fakes::FakeClock clock;
  PollResult result = poll_until(clock, PollOptions{}, [&] {
    request_interrupt_for_tests(SIGTERM);
    return ProbeReport::done("stopped");
  });
  EXPECT_TRUE(result.done());
}

TEST_F(PollInterrupted, UnderAShieldThePollGoesOnToItsEnd) {
  // Teardown waits for the stack to stop after an interrupt: its polls must not end early.
  request_interrupt_for_tests(SIGTERM);
  InterruptShield teardown;
  fakes::FakeClock clock;
  CountingProbe probe{3};
  PollResult result = poll_until(clock, PollOptions{}, std::ref(probe));
  EXPECT_TRUE(result.done());
  EXPECT_EQ(result.attempts, 4);
}

}  // namespace
}  // namespace ccci::harness
