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

}  // namespace
}  // namespace ccci::runner
