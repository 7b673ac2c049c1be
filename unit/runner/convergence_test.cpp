#include "runner/convergence.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using namespace std::chrono_literals;

const harness::Error conflict{ErrorKind::check_failed,
                              "abra app backup create exited 1:\nFATA docker.errors.APIError: 409 Client Error for "
                              "http+docker://localhost/v1.47/containers/s_app/exec: Conflict"};

TEST(BackupbotConflict, Only409WithConflictOrClientErrorIsOne) {
  EXPECT_TRUE(is_backupbot_conflict(conflict));
  EXPECT_TRUE(is_backupbot_conflict({ErrorKind::infra, "FATA 409 Conflict: container is restarting"}));
  // Negative controls: a hex word holding 409, a conflict without 409, another HTTP error.
  EXPECT_FALSE(is_backupbot_conflict({ErrorKind::check_failed, "FATA conflict in snapshot a409bcde"}));
  EXPECT_FALSE(is_backupbot_conflict({ErrorKind::check_failed, "FATA 4091 conflicts"}));
  EXPECT_FALSE(is_backupbot_conflict({ErrorKind::check_failed, "FATA merge conflict in compose.yml"}));
  EXPECT_FALSE(is_backupbot_conflict({ErrorKind::check_failed, "FATA 500 Server Error: Internal Server Error"}));
  EXPECT_FALSE(is_backupbot_conflict({ErrorKind::check_failed, "FATA took 409ms"}));
}

struct Requests {
  std::deque<harness::Status> answers;
  int made = 0;
  harness::Status operator()() {
    ++made;
    if (answers.empty()) return harness::ok_status();
    auto answer = answers.front();
    answers.pop_front();
    return answer;
  }
};

TEST(RetryOnConflict, SucceedsAtOnceWithoutANote) {
  fakes::FakeClock clock;
  Requests requests;
  auto note = retry_on_conflict(clock, backup_conflict_bound, std::ref(requests));
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note, "");
  EXPECT_EQ(requests.made, 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(RetryOnConflict, A409IsAskedAgainWithBackoffAndReported) {
  fakes::FakeClock clock;
  Requests requests{{conflict}};
  auto once = retry_on_conflict(clock, backup_conflict_bound, std::ref(requests));
  ASSERT_TRUE(once.ok()) << once.error().message;
  EXPECT_EQ(*once, "backupbot answered 409 once; the second attempt succeeded");
  EXPECT_EQ(clock.sleeps(), (std::vector<std::chrono::milliseconds>{backup_conflict_bound.first_wait}));

  fakes::FakeClock later;
  Requests twice{{conflict, conflict}};
  auto note = retry_on_conflict(later, backup_conflict_bound, std::ref(twice));
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note, "backupbot answered 409 twice; the third attempt succeeded");
  EXPECT_EQ(later.sleeps(), (std::vector<std::chrono::milliseconds>{5s, 10s}));
}

TEST(RetryOnConflict, A409PastTheAttemptBoundIsInfrastructure) {
  fakes::FakeClock clock;
  Requests requests{std::deque<harness::Status>(10, conflict)};
  auto failed = retry_on_conflict(clock, backup_conflict_bound, std::ref(requests));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::infra);
  EXPECT_NE(failed.error().message.find("409 (Conflict) 4 times"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("/exec: Conflict"), std::string::npos) << "quotes the last answer";
  EXPECT_EQ(requests.made, backup_conflict_bound.attempts);
  EXPECT_LE(clock.elapsed(), backup_conflict_bound.total);
}

TEST(RetryOnConflict, A409PastTheTimeBoundIsInfrastructureEvenWithAttemptsLeft) {
  fakes::FakeClock clock;
  ConflictRetryBound tight{10, 12s, 5s, 40s};
  Requests requests{std::deque<harness::Status>(10, conflict)};
  auto failed = retry_on_conflict(clock, tight, std::ref(requests));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::infra);
  EXPECT_LT(requests.made, tight.attempts);
  EXPECT_LE(clock.elapsed(), tight.total);
}

TEST(RetryOnConflict, AnotherFailureIsReturnedAsItIsAtOnce) {
  fakes::FakeClock clock;
  Requests requests{{harness::Error{ErrorKind::check_failed, "FATA hook failed"}}};
  auto failed = retry_on_conflict(clock, backup_conflict_bound, std::ref(requests));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(failed.error().message, "FATA hook failed");
  EXPECT_EQ(requests.made, 1);
}

TEST(StackSettled, PendingNamesServicesShortOfTheirReplicasAndDoneWhenAllRun) {
  fakes::FakeDocker docker;
  docker.services = {{"1", "s_app", "replicated", "1/1", "i"},
                     {"2", "s_db", "replicated", "0/1", "i"},
                     {"3", "s_job", "replicated", "0/0", "i"}};
  auto pending = stack_settled(docker, "s");
  EXPECT_EQ(pending.state, harness::ProbeReport::State::pending);
  EXPECT_EQ(pending.message, "not all tasks running: s_db 0/1");
  docker.services[1].replicas = "1/1 (max 1 per node)";
  EXPECT_EQ(stack_settled(docker, "s").state, harness::ProbeReport::State::done);
  docker.services.clear();
  EXPECT_EQ(stack_settled(docker, "s").state, harness::ProbeReport::State::pending) << "an empty stack is not settled";
}

// --- ccci's own convergence (deploy.converge: ccci) --------------------------------------------

harness::TaskState task(const std::string& service, const std::string& desired, const std::string& current,
                        const std::string& error = "") {
  return {service + ".1", desired, current, error};
}

harness::ServiceRollout rollout(const std::string& service, const std::string& state,
                                std::vector<harness::TaskState> tasks) {
  return {service, state, "", std::move(tasks)};
}

struct ConvergenceTest : ::testing::Test {
  ConvergenceTest() { docker.services = {{"i1", "s_app", "replicated", "1/1", "app:2"}}; }
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
};

TEST_F(ConvergenceTest, AnOldTaskStillRunningDuringARollingUpdateDoesNotCount) {
  // `service ls` says 1/1 while the old spec's task still runs; the new one is only Ready.
  docker.rollouts = {{rollout("s_app", "", {})},
                     {rollout("s_app", "updating", {task("s_app", "Ready", "Ready 1 second ago")})},
                     {rollout("s_app", "updating", {task("s_app", "Running", "Running 1 second ago")})},
                     {rollout("s_app", "completed", {task("s_app", "Running", "Running 6 seconds ago")})}};
  auto first = stack_rolled_out(docker, "s");
  EXPECT_EQ(first.state, harness::ProbeReport::State::pending);
  EXPECT_EQ(first.message, "s_app 0/1 of its current spec running (no task of the current spec yet)");
  EXPECT_EQ(stack_rolled_out(docker, "s").message, "s_app 0/1 of its current spec running (Ready 1 second ago)");
  EXPECT_EQ(stack_rolled_out(docker, "s").message, "s_app still updating")
      << "swarm is still watching the new task (the update's monitor period)";
  EXPECT_EQ(stack_rolled_out(docker, "s").state, harness::ProbeReport::State::done);
}

TEST_F(ConvergenceTest, ATaskInItsStartPeriodIsWaitedForAndThenConverges) {
  docker.rollouts = {{rollout("s_app", "", {task("s_app", "Running", "Starting 3 seconds ago")})},
                     {rollout("s_app", "", {task("s_app", "Running", "Running 1 second ago")})}};
  auto waited = wait_until_converged(docker, clock, "s", std::chrono::minutes(1));
  ASSERT_TRUE(waited.ok()) << waited.error().message;
  EXPECT_EQ(clock.sleeps().size(), 1u) << "one look while Starting, one when Running";
  EXPECT_LT(clock.elapsed(), std::chrono::seconds(1)) << "polled with sub-second latency";
}

TEST_F(ConvergenceTest, PausedAloneIsNoFailure) {
  docker.rollouts = {{rollout("s_app", "paused",
                              {task("s_app", "Running", "Running 9 seconds ago"),
                               task("s_app", "Shutdown", "Failed 20 seconds ago", "flicker")})}};
  EXPECT_EQ(stack_rolled_out(docker, "s").state, harness::ProbeReport::State::done);
}

TEST_F(ConvergenceTest, ARollbackFailsAtOnceNamingTheServiceAndSwarmsReason) {
  docker.rollouts = {{{"s_app",
                       "rollback_started",
                       "update rolled back due to failure or early termination of task x",
                       {task("s_app", "Running", "Running 1 minute ago")}}}};
  auto failed = wait_until_converged(docker, clock, "s", std::chrono::minutes(5));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(failed.error().message,
            "swarm rolled the update of s_app back (rollback_started: update rolled back due to failure or early "
            "termination of task x)");
  EXPECT_TRUE(clock.sleeps().empty()) << "waiting cannot help";
}

TEST_F(ConvergenceTest, NotConvergingInTimeIsTheRecipesFailureNamingOnlyTheServicesBehind) {
  docker.services.push_back({"i2", "s_db", "replicated", "1/1", "db:1"});
  docker.rollouts = {{rollout("s_db", "", {task("s_db", "Running", "Running 2 minutes ago")}),
                      rollout("s_app", "",
                              {task("s_app", "Ready", "Ready 1 second ago"),
                               task("s_app", "Shutdown", "Failed 4 seconds ago", "task: non-zero exit (1)"),
                               task("s_app", "Shutdown", "Failed 9 seconds ago", "task: non-zero exit (1)"),
                               task("s_app", "Shutdown", "Rejected 15 seconds ago", "no such image"),
                               task("s_app", "Shutdown", "Failed 20 seconds ago", "quoted no more")})}};
  auto failed = wait_until_converged(docker, clock, "s", std::chrono::minutes(2));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(failed.error().message,
            "the services of s did not converge within 120s: s_app 0/1 of its current spec running (Ready 1 second "
            "ago; Failed 4 seconds ago: task: non-zero exit (1); Failed 9 seconds ago: task: non-zero exit (1))");
  EXPECT_GE(clock.elapsed(), std::chrono::minutes(2));
  EXPECT_LE(clock.elapsed(), std::chrono::minutes(2) + std::chrono::seconds(1)) << "bounded by the timeout";
}

TEST_F(ConvergenceTest, DockerFailingOnTheLastLookIsInfrastructureNeverTheRecipe) {
  docker.failures.emplace("service_rollouts",
                          harness::Error{ErrorKind::infra, "Cannot connect to the Docker daemon at unix:///x.sock"});
  auto failed = wait_until_converged(docker, clock, "s", std::chrono::seconds(30));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::infra);
  EXPECT_NE(failed.error().message.find("docker could not tell whether s converged"), std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().message.find("Cannot connect to the Docker daemon"), std::string::npos);
}

TEST_F(ConvergenceTest, AnEmptyStackNeverConverges) {
  docker.services.clear();
  auto failed = wait_until_converged(docker, clock, "s", std::chrono::seconds(10));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::check_failed);
  EXPECT_NE(failed.error().message.find("no service of s is listed"), std::string::npos);
}

TEST_F(ConvergenceTest, AGlobalOrScaledServiceNeedsEveryReplicaOfItsCurrentSpec) {
  docker.services = {{"i1", "s_app", "replicated", "2/3 (max 1 per node)", "app:2"}};
  docker.rollouts = {
      {rollout("s_app", "",
               {task("s_app", "Running", "Running 1 second ago"), task("s_app", "Running", "Running 1 second ago"),
                task("s_app", "Running", "Pending 1 second ago", "no suitable node")})}};
  auto look = stack_rolled_out(docker, "s");
  EXPECT_EQ(look.message, "s_app 2/3 of its current spec running (Pending 1 second ago: no suitable node)");
}

}  // namespace
}  // namespace ccci::runner
