#include "runner/run_admission.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>

#include "harness/interrupt.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// A FakeClock that runs a scripted action at its n-th sleep: how a test makes another run
/// release its claim (or a signal arrive) while this one waits.
class ScriptedClock final : public harness::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return clock_.now(); }
  std::chrono::system_clock::time_point wall_now() const override { return clock_.wall_now(); }
  void sleep_for(milliseconds duration) override {
    clock_.sleep_for(duration);
    if (auto action = at_sleep_.find(++sleeps_); action != at_sleep_.end()) action->second();
  }
  void at_sleep(int n, std::function<void()> action) { at_sleep_[n] = std::move(action); }
  int sleeps() const { return sleeps_; }
  std::vector<milliseconds> durations() const { return clock_.sleeps(); }
  milliseconds elapsed() const { return clock_.elapsed(); }

 private:
  fakes::FakeClock clock_;
  std::map<int, std::function<void()>> at_sleep_;
  int sleeps_ = 0;
};

class RunAdmissionTest : public ::testing::Test {
 protected:
  AdmissionRequest request(const std::string& run_id, std::optional<int> pr = 1, int capacity = 0) const {
    return {dir_.path(), "fixture-db", pr, run_id, 4242, capacity, seconds(30)};
  }
  /// Another run's admission, taken at once (its own clock, nothing to wait for).
  Admission other_run(const AdmissionRequest& request) {
    fakes::FakeClock clock;
    auto admitted = admit_run(request, clock, [](const std::string&) {});
    EXPECT_TRUE(admitted.ok()) << admitted.error().message;
    return std::move(*admitted);
  }
  harness::Result<Admission> admit(const AdmissionRequest& request) {
    return admit_run(request, clock_, [this](const std::string& line) { said_.push_back(line); });
  }
  std::vector<std::string> files_in(const std::string& sub) const {
    std::vector<std::string> names;
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path() / sub, ignored))
      names.push_back(entry.path().filename().string());
    return names;
  }

  fakes::TempDir dir_;
  ScriptedClock clock_;
  std::vector<std::string> said_;
};

TEST_F(RunAdmissionTest, AFreeSubjectLockIsTakenAtOnceAndNamesItsHolder) {
  auto admitted = admit(request("fixture-db-pr1-aaaa"));
  ASSERT_TRUE(admitted.ok()) << admitted.error().message;
  EXPECT_EQ(clock_.sleeps(), 0);
  EXPECT_TRUE(said_.empty());
  EXPECT_FALSE(admitted->slot_number) << "unlimited capacity takes no slot";
  auto lock = subject_lock_path(dir_.path(), "fixture-db", 1);
  EXPECT_EQ(lock, dir_.path() / "locks" / "fixture-db-pr1.lock");
  EXPECT_EQ(describe_holder(lock), "run fixture-db-pr1-aaaa (pid 4242)");
}

TEST_F(RunAdmissionTest, AReleasedClaimLeavesNoFile) {
  { auto admitted = admit(request("fixture-db-pr1-aaaa", 1, 2)); }
  EXPECT_TRUE(files_in("locks").empty());
  EXPECT_TRUE(files_in("slots").empty());
  EXPECT_EQ(files_in("queue"), std::vector<std::string>{"counter.lock"}) << "no ticket, no draft";
}

TEST_F(RunAdmissionTest, AHeldSubjectLockTimesOutAsInfraNamingTheHolder) {
  Admission first = other_run(request("fixture-db-pr1-first"));
  auto second = admit(request("fixture-db-pr1-second"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, harness::ErrorKind::infra);
  EXPECT_NE(second.error().message.find("run fixture-db-pr1-first (pid 4242)"), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("CCCI_LOCK_WAIT"), std::string::npos);
  EXPECT_EQ(clock_.elapsed(), seconds(30)) << "the bound is kept, not exceeded";
  for (auto slept : clock_.durations()) EXPECT_LE(slept, milliseconds(500)) << "sub-second latency";
  ASSERT_EQ(said_.size(), 1u) << "the wait is said once";
  EXPECT_EQ(said_[0], "waiting for run fixture-db-pr1-first (pid 4242) of fixture-db PR 1, up to 30s");
}

TEST_F(RunAdmissionTest, AZeroWaitFailsAtTheFirstLook) {
  Admission first = other_run(request("fixture-db-pr1-first"));
  auto second_request = request("fixture-db-pr1-second");
  second_request.wait = seconds(0);
  auto second = admit(second_request);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(clock_.sleeps(), 0);
}

TEST_F(RunAdmissionTest, TheWaiterGoesAheadWhenTheHolderEnds) {
  std::optional<Admission> first = other_run(request("fixture-db-pr1-first"));
  clock_.at_sleep(3, [&] { first.reset(); });
  auto second = admit(request("fixture-db-pr1-second"));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(clock_.sleeps(), 3) << "noticed at the next probe";
  EXPECT_EQ(describe_holder(subject_lock_path(dir_.path(), "fixture-db", 1)), "run fixture-db-pr1-second (pid 4242)");
}

TEST_F(RunAdmissionTest, ADeadHoldersFileNeverBlocks) {
  dir_.write("locks/fixture-db-pr1.lock", "fixture-db-pr1-dead 99999\n");  // no lock on it: its run is gone
  dir_.write("slots/0.lock", "fixture-db-pr7-dead 99998\n");
  auto admitted = admit(request("fixture-db-pr1-live", 1, 1));
  ASSERT_TRUE(admitted.ok()) << admitted.error().message;
  EXPECT_EQ(clock_.sleeps(), 0);
  EXPECT_EQ(admitted->slot_number, 0);
  EXPECT_EQ(describe_holder(dir_.path() / "slots" / "0.lock"), "run fixture-db-pr1-live (pid 4242)");
}

TEST_F(RunAdmissionTest, OtherPrsAndRecipesNeverWait) {
  Admission first = other_run(request("fixture-db-pr1-first"));
  auto other_pr = request("fixture-db-pr2-x", 2);
  other_pr.wait = seconds(0);
  EXPECT_TRUE(admit(other_pr).ok());
  auto no_pr = request("fixture-db-y", std::nullopt);
  no_pr.wait = seconds(0);
  EXPECT_TRUE(admit(no_pr).ok());
  auto other_recipe = request("other-pr1-z");
  other_recipe.recipe = "other";
  other_recipe.wait = seconds(0);
  EXPECT_TRUE(admit(other_recipe).ok());
}

TEST_F(RunAdmissionTest, AFullHostTimesOutNamingTheSlotHolders) {
  Admission first = other_run(request("fixture-db-pr1-first", 1, 1));
  auto second = admit(request("fixture-db-pr2-second", 2, 1));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, harness::ErrorKind::infra);
  EXPECT_NE(second.error().message.find("at capacity (1 runs, CCCI_CAPACITY)"), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("run fixture-db-pr1-first (pid 4242)"), std::string::npos);
  ASSERT_EQ(said_.size(), 1u);
  EXPECT_EQ(said_[0].rfind("waiting for a slot: the host is at capacity", 0), 0u) << said_[0];
  EXPECT_EQ(files_in("locks"), std::vector<std::string>{"fixture-db-pr1.lock"})
      << "the second run's subject lock went with the failed admission";
  EXPECT_EQ(files_in("queue"), std::vector<std::string>{"counter.lock"}) << "its ticket went too";
}

TEST_F(RunAdmissionTest, RunsBeyondCapacityGoInOrderOfArrival) {
  std::optional<Admission> holder = other_run(request("fixture-db-pr1-holder", 1, 1));
  // A run that queued before us: its ticket is live (locked), numbered before any we can get.
  auto earlier = dir_.write("queue/00000000000000000000-fixture-db-pr3-earlier.ticket", "fixture-db-pr3-earlier 7\n");
  auto earlier_lock = harness::try_lock(earlier, harness::CreateFile::no);
  ASSERT_TRUE(earlier_lock.ok() && earlier_lock->acquired());
  std::optional<HeldClaim> earlier_ticket(std::move(*earlier_lock).take());
  clock_.at_sleep(2, [&] { holder.reset(); });          // a slot frees: the earlier run's turn, not ours
  clock_.at_sleep(6, [&] { earlier_ticket.reset(); });  // the earlier run gives up its place
  auto admitted = admit(request("fixture-db-pr2-later", 2, 1));
  ASSERT_TRUE(admitted.ok()) << admitted.error().message;
  EXPECT_EQ(clock_.sleeps(), 6) << "it waited behind the earlier ticket though the slot was free";
  EXPECT_EQ(admitted->slot_number, 0);
}

TEST_F(RunAdmissionTest, ADeadWaitersTicketIsIgnoredAndRemoved) {
  dir_.write("queue/00000000000000000000-fixture-db-pr3-dead.ticket", "fixture-db-pr3-dead 7\n");
  auto admitted = admit(request("fixture-db-pr2-live", 2, 1));
  ASSERT_TRUE(admitted.ok()) << admitted.error().message;
  EXPECT_EQ(clock_.sleeps(), 0);
  EXPECT_EQ(files_in("queue"), std::vector<std::string>{"counter.lock"});
}

TEST_F(RunAdmissionTest, AnInterruptEndsTheWaitAndLeavesNothing) {
  Admission first = other_run(request("fixture-db-pr1-first", 1, 1));
  clock_.at_sleep(2, [] { harness::request_interrupt_for_tests(SIGTERM); });
  auto second = admit(request("fixture-db-pr2-second", 2, 1));
  harness::reset_interrupt_for_tests();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, harness::ErrorKind::interrupted) << second.error().message;
  EXPECT_EQ(clock_.sleeps(), 2);
  EXPECT_EQ(files_in("queue"), std::vector<std::string>{"counter.lock"});
  EXPECT_EQ(files_in("locks"), std::vector<std::string>{"fixture-db-pr1.lock"})
      << "the second run's subject lock is gone";
}

TEST_F(RunAdmissionTest, AHolderNoteThatIsNotOursIsNotRepeated) {
  auto file = dir_.write("locks/x.lock", "evil\x1b[2J 12\n");
  EXPECT_EQ(describe_holder(file), "a run that has not named itself yet");
  EXPECT_EQ(describe_holder(dir_.write("locks/y.lock", "fixture-db-pr1-a 12ab\n")),
            "a run that has not named itself yet");
  EXPECT_EQ(describe_holder(dir_.path() / "locks" / "absent.lock"), "a run that has not named itself yet");
}

TEST_F(RunAdmissionTest, TheSweepRemovesDeadClaimsAndLeavesLiveOnes) {
  Admission live = other_run(request("fixture-db-pr1-live", 1, 1));
  auto dead_lock = dir_.write("locks/fixture-db-pr9.lock", "fixture-db-pr9-dead 99\n");
  auto dead_ticket = dir_.write("queue/00000000000000000007-fixture-db-pr9-dead.ticket", "fixture-db-pr9-dead 99\n");
  auto lines = sweep_dead_claims(dir_.path());
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "removed " + dead_lock.string() + ", left by run fixture-db-pr9-dead (pid 99)",
                       "removed " + dead_ticket.string() + ", left by run fixture-db-pr9-dead (pid 99)"}));
  EXPECT_EQ(files_in("locks"), std::vector<std::string>{"fixture-db-pr1.lock"});
  EXPECT_EQ(files_in("slots"), std::vector<std::string>{"0.lock"});
  EXPECT_EQ(files_in("queue"), std::vector<std::string>{"counter.lock"});
}

}  // namespace
}  // namespace ccci::runner
