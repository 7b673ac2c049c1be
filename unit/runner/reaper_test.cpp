// The reaper: the live/dead/expired decision, and what it does to dead and live runs' directories
// and stacks — with run directories made by RunGuard in a temp state dir and a fake docker.
#include "runner/reaper.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>

#include "harness/file_lock.hpp"
#include "harness/text.hpp"
#include "runner/run_guard.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const WallTime noon{std::chrono::seconds(1'780'000'000)};

TEST(RunStateDecision, AHeldLockIsALiveRun) {
  EXPECT_EQ(decide_run_state(LockState::held, noon + minutes(1), noon - minutes(30), noon), RunState::live);
  EXPECT_EQ(decide_run_state(LockState::held, std::nullopt, noon - minutes(30), noon), RunState::live);
}

TEST(RunStateDecision, AHeldLockPastItsExpiryIsLiveAndOverdueNeverDead) {
  EXPECT_EQ(decide_run_state(LockState::held, noon - seconds(1), noon - minutes(300), noon), RunState::live_expired);
  EXPECT_EQ(decide_run_state(LockState::held, noon, noon - minutes(300), noon), RunState::live) << "at, not past";
}

TEST(RunStateDecision, AFreeLockIsADeadRunWhateverItsExpiry) {
  EXPECT_EQ(decide_run_state(LockState::free, noon + minutes(100), noon, noon), RunState::dead);
  EXPECT_EQ(decide_run_state(LockState::free, noon - minutes(100), noon, noon), RunState::dead);
  EXPECT_EQ(decide_run_state(LockState::free, std::nullopt, noon, noon), RunState::dead);
}

TEST(RunStateDecision, ADirectoryWithoutALockIsStartingWithinTheGraceAndDeadAfter) {
  EXPECT_EQ(decide_run_state(LockState::missing, std::nullopt, noon - seconds(5), noon), RunState::starting);
  EXPECT_EQ(decide_run_state(LockState::missing, std::nullopt, noon + seconds(5), noon), RunState::starting)
      << "a directory from the future (clock skew) is young";
  EXPECT_EQ(decide_run_state(LockState::missing, std::nullopt, noon - lockless_grace, noon), RunState::dead);
  EXPECT_EQ(decide_run_state(LockState::missing, std::nullopt, noon - minutes(10), noon), RunState::dead);
}

TEST(RunStateDecision, ADeadRunKeptForDebuggingIsKeptUntilItsExpiryThenDead) {
  EXPECT_EQ(decide_run_state(LockState::free, noon + minutes(1), noon, noon, Kept::yes), RunState::kept);
  EXPECT_EQ(decide_run_state(LockState::free, noon, noon, noon, Kept::yes), RunState::kept) << "at, not past";
  EXPECT_EQ(decide_run_state(LockState::free, noon - seconds(1), noon, noon, Kept::yes), RunState::dead);
  EXPECT_EQ(decide_run_state(LockState::free, std::nullopt, noon, noon, Kept::yes), RunState::dead)
      << "no expiry: nothing says how long to keep it";
  EXPECT_EQ(decide_run_state(LockState::free, noon + minutes(1), noon, noon, Kept::no), RunState::dead);
  EXPECT_EQ(decide_run_state(LockState::held, noon + minutes(1), noon, noon, Kept::yes), RunState::live);
}

const std::string dead_run = "fixture-web-pr1-aaaaaa";
const std::string dead_stack = "fixt-aaaaaa_ccci_test";

harness::Residue full_residue() {
  harness::Residue residue;
  residue.services = {dead_stack + "_app"};
  residue.containers = {dead_stack + "_app.1.x"};
  residue.volumes = {dead_stack + "_data"};
  residue.secrets = {dead_stack + "_db_password_v1"};
  residue.networks = {dead_stack + "_default"};
  return residue;
}

struct ReaperTest : ::testing::Test {
  fakes::TempDir state;
  fakes::FakeDocker docker;
  fakes::FakeClock clock;

  static RunIdentity identity(const std::string& run_id, WallTime expires) {
    return {run_id, "fixture-web", 1, 4242, noon, expires};
  }
  std::filesystem::path abra_home(const std::string& run_id) const { return state.path() / "abra" / "runs" / run_id; }
  std::filesystem::path run_dir(const std::string& run_id) const { return state.path() / "runs" / run_id; }

  /// A run that took its guard, journaled a stack and its abra home and made the home. The guard
  /// returned holds the lock; dropping it is what a killed run does.
  std::optional<RunGuard> start_run(const std::string& run_id, const std::string& stack,
                                    WallTime expires = WallTime::max()) {
    auto guard = RunGuard::take(state.path(), identity(run_id, expires));
    EXPECT_TRUE(guard.ok()) << guard.error().message;
    if (!guard.ok()) return std::nullopt;
    EXPECT_TRUE(guard->journal().record_stack(stack).ok());
    EXPECT_TRUE(guard->journal().record_directory(abra_home(run_id)).ok());
    std::filesystem::create_directories(abra_home(run_id) / "servers" / "default");
    return std::move(*guard);
  }
  ReapReport reap(std::optional<std::string> own = std::nullopt) {
    Reaper reaper({state.path(), std::move(own)}, docker, clock);
    return reaper.reap();
  }
  /// `ccci-run reap --run <run_id>`.
  ReapReport reap_only(const std::string& run_id) {
    ReaperSettings settings{state.path(), std::nullopt};
    settings.only_run = run_id;
    Reaper reaper(std::move(settings), docker, clock);
    return reaper.reap();
  }
  /// A red run with --keep-on-failure that has exited: lock free, journal says kept.
  void keep_dead_run(const std::string& run_id, const std::string& stack, WallTime expires) {
    auto guard = start_run(run_id, stack, expires);
    ASSERT_TRUE(guard);
    ASSERT_TRUE(guard->journal().record_kept().ok());
  }
  static bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  }
  std::vector<std::string> calls_of(const std::string& prefix) const {
    std::vector<std::string> found;
    for (const auto& call : docker.calls)
      if (call.rfind(prefix, 0) == 0) found.push_back(call);
    return found;
  }
  std::ptrdiff_t first_call(const std::string& prefix) const {
    return std::find_if(docker.calls.begin(), docker.calls.end(),
                        [&](const auto& call) { return call.rfind(prefix, 0) == 0; }) -
           docker.calls.begin();
  }
};

TEST_F(ReaperTest, ADeadRunsStackDirectoriesAndRunDirectoryGoEachReportedByName) {
  start_run(dead_run, dead_stack).reset();  // killed: its lock is free
  docker.residues = {full_residue(), harness::Residue{}};
  ReapReport report = reap();
  EXPECT_TRUE(report.complete()) << harness::join(report.problems, "\n");
  EXPECT_EQ(report.dead_runs, 1);
  const std::string who = "run " + dead_run + ": removed ";
  for (const std::string& thing :
       {"service " + dead_stack + "_app", "container " + dead_stack + "_app.1.x", "volume " + dead_stack + "_data",
        "secret " + dead_stack + "_db_password_v1", "network " + dead_stack + "_default",
        "directory " + abra_home(dead_run).string(), "run directory " + run_dir(dead_run).string()})
    EXPECT_TRUE(has(report.removed, who + thing)) << thing << "\n" << harness::join(report.lines(), "\n");
  EXPECT_FALSE(std::filesystem::exists(abra_home(dead_run)));
  EXPECT_FALSE(std::filesystem::exists(run_dir(dead_run)));
  // Services first; volumes only once the stack's containers were seen gone.
  EXPECT_LT(first_call("service_rm"), first_call("volume_rm"));
  EXPECT_EQ(calls_of("volume_rm"), std::vector<std::string>{"volume_rm " + dead_stack + "_data"});
  EXPECT_EQ(calls_of("secret_rm"), std::vector<std::string>{"secret_rm " + dead_stack + "_db_password_v1"});
}

TEST_F(ReaperTest, ALiveRunIsNeverTouched) {
  auto live = start_run(dead_run, dead_stack);
  docker.residues = {full_residue()};
  ReapReport report = reap();
  EXPECT_TRUE(report.complete());
  EXPECT_EQ(report.dead_runs, 0);
  EXPECT_TRUE(report.removed.empty());
  EXPECT_TRUE(has(report.left, "run " + dead_run + ": live, pid 4242; left alone")) << harness::join(report.left, "\n");
  EXPECT_TRUE(docker.calls.empty()) << harness::join(docker.calls, "\n");
  EXPECT_TRUE(std::filesystem::exists(abra_home(dead_run)));
  EXPECT_TRUE(std::filesystem::exists(run_dir(dead_run) / "journal"));
}

TEST_F(ReaperTest, ADeadRunAnotherReaperIsReapingIsLeftToIt) {
  start_run(dead_run, dead_stack).reset();
  auto other_reaper = harness::try_lock(run_dir(dead_run) / "lock", harness::CreateFile::no);
  ASSERT_TRUE(other_reaper.ok() && other_reaper->acquired());
  docker.residues = {full_residue(), harness::Residue{}};
  ReapReport report = reap();
  EXPECT_TRUE(report.complete());
  EXPECT_EQ(report.dead_runs, 0);
  EXPECT_TRUE(docker.calls.empty()) << harness::join(docker.calls, "\n");
  EXPECT_TRUE(std::filesystem::exists(abra_home(dead_run)));
  other_reaper = harness::try_lock(run_dir(dead_run) / "nothing", harness::CreateFile::yes);  // the other is done
  EXPECT_EQ(reap().dead_runs, 1) << "the negative control: once free, it is reaped";
}

TEST_F(ReaperTest, ARunWhoseLockAChildProcessHoldsIsLiveUntilTheChildIsKilled) {
  start_run(dead_run, dead_stack).reset();
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the run's process, alive: it holds the run's lock
    auto attempt = harness::try_lock(run_dir(dead_run) / "lock", harness::CreateFile::no);
    bool held = attempt.ok() && attempt->acquired();
    char answer = held ? 'y' : 'n';
    (void)!::write(ready[1], &answer, 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char answer = 0;
  ASSERT_EQ(::read(ready[0], &answer, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(answer, 'y');
  docker.residues = {full_residue(), harness::Residue{}};
  ReapReport live = reap();
  EXPECT_EQ(live.dead_runs, 0);
  EXPECT_TRUE(has(live.left, "run " + dead_run + ": live, pid 4242; left alone")) << harness::join(live.lines(), "\n");
  EXPECT_TRUE(docker.calls.empty());
  ::kill(child, SIGKILL);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  ReapReport dead = reap();
  EXPECT_EQ(dead.dead_runs, 1) << harness::join(dead.lines(), "\n");
  EXPECT_TRUE(dead.complete()) << harness::join(dead.lines(), "\n");
  EXPECT_FALSE(std::filesystem::exists(run_dir(dead_run)));
}

TEST_F(ReaperTest, ALiveRunPastItsExpiryIsReportedNotRemoved) {
  auto live = start_run(dead_run, dead_stack, clock.wall_now() - minutes(1));
  ReapReport report = reap();
  ASSERT_EQ(report.left.size(), 1u);
  EXPECT_NE(report.left[0].find("live past its expiry"), std::string::npos) << report.left[0];
  EXPECT_NE(report.left[0].find("pid 4242"), std::string::npos) << report.left[0];
  EXPECT_TRUE(docker.calls.empty());
  EXPECT_TRUE(std::filesystem::exists(abra_home(dead_run)));
}

TEST_F(ReaperTest, TheReapingRunSkipsItself) {
  auto own = start_run(dead_run, dead_stack);
  ReapReport report = reap(dead_run);
  EXPECT_TRUE(report.left.empty());
  EXPECT_TRUE(report.removed.empty());
}

TEST_F(ReaperTest, WhatWillNotGoIsAProblemAndTheJournalIsKept) {
  start_run(dead_run, dead_stack).reset();
  harness::Residue stuck;
  stuck.volumes = {dead_stack + "_data"};
  docker.residues = {full_residue(), stuck};
  ReapReport report = reap();
  EXPECT_FALSE(report.complete());
  EXPECT_TRUE(has(report.problems, "run " + dead_run + ": could not remove volume " + dead_stack + "_data"))
      << harness::join(report.problems, "\n");
  EXPECT_TRUE(has(report.removed, "run " + dead_run + ": removed secret " + dead_stack + "_db_password_v1"));
  EXPECT_TRUE(std::filesystem::exists(run_dir(dead_run) / "journal")) << "kept for the next reap";
}

TEST_F(ReaperTest, AnUnreachableDockerIsAProblemNotASilentSuccess) {
  start_run(dead_run, dead_stack).reset();
  docker.failures.emplace("stack_residue", harness::make_error(harness::ErrorKind::infra, "daemon down"));
  ReapReport report = reap();
  EXPECT_FALSE(report.complete());
  EXPECT_TRUE(std::filesystem::exists(run_dir(dead_run) / "journal"));
}

TEST_F(ReaperTest, AHostileJournalEntryIsRefusedAndWhatItNamesIsKept) {
  auto precious = state.path() / "last-green";
  std::filesystem::create_directories(precious);
  {
    auto guard = start_run(dead_run, dead_stack);
    ASSERT_TRUE(guard);
    ASSERT_TRUE(guard->journal().record_directory(precious).ok());
    ASSERT_TRUE(guard->journal().record_stack("other-bbbbbb_ccci_test").ok());
  }
  ReapReport report = reap();
  EXPECT_FALSE(report.complete());
  EXPECT_TRUE(std::filesystem::exists(precious));
  EXPECT_FALSE(std::filesystem::exists(abra_home(dead_run))) << "the run's own entries are still reaped";
  EXPECT_TRUE(calls_of("stack_residue other").empty());
  EXPECT_EQ(std::count_if(report.problems.begin(), report.problems.end(),
                          [](const auto& p) { return p.find("refused journal entry") != std::string::npos; }),
            2);
  EXPECT_TRUE(std::filesystem::exists(run_dir(dead_run) / "journal"));
}

TEST_F(ReaperTest, ALocklessDirectoryIsLeftAloneWhileYoungAndReapedAfter) {
  auto dir = run_dir(dead_run);
  std::filesystem::create_directories(dir);
  auto age = [&](seconds by) {
    auto when = std::chrono::duration_cast<seconds>((clock.wall_now() - by).time_since_epoch()).count();
    struct timespec times[2] = {{when, 0}, {when, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, dir.c_str(), times, 0), 0);
  };
  age(seconds(5));
  ReapReport young = reap();
  EXPECT_EQ(young.dead_runs, 0);
  EXPECT_TRUE(has(young.left, "run " + dead_run + ": starting (no lock yet); left alone"))
      << harness::join(young.lines(), "\n");
  EXPECT_TRUE(std::filesystem::exists(dir));
  age(minutes(2));
  ReapReport late = reap();
  EXPECT_EQ(late.dead_runs, 1) << harness::join(late.lines(), "\n");
  EXPECT_TRUE(late.complete()) << harness::join(late.lines(), "\n");
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_F(ReaperTest, StrangeEntriesUnderRunsAreReportedAndLeftAlone) {
  std::filesystem::create_directories(state.path() / "runs" / "Not A Run");
  ReapReport report = reap();
  EXPECT_FALSE(report.complete());
  EXPECT_TRUE(std::filesystem::exists(state.path() / "runs" / "Not A Run"));
}

TEST_F(ReaperTest, NoRunsDirectoryIsNothingToDo) {
  ReapReport report = reap();
  EXPECT_TRUE(report.complete());
  EXPECT_EQ(report.lines(), std::vector<std::string>{"reaped 0 dead runs"});
}

TEST_F(ReaperTest, AKeptDeadRunIsLeftUntilItsExpiryThenReapedAsAnyDeadRun) {
  auto expires = clock.wall_now() + minutes(30);
  keep_dead_run(dead_run, dead_stack, expires);
  docker.residues = {full_residue(), harness::Residue{}};
  ReapReport before = reap();
  EXPECT_TRUE(before.complete()) << harness::join(before.lines(), "\n");
  EXPECT_EQ(before.dead_runs, 0);
  EXPECT_TRUE(has(before.left, "run " + dead_run + ": kept for debugging until " + utc_text(expires)))
      << harness::join(before.lines(), "\n");
  EXPECT_TRUE(docker.calls.empty()) << harness::join(docker.calls, "\n");
  EXPECT_TRUE(std::filesystem::exists(abra_home(dead_run)));
  clock.advance(minutes(31));
  ReapReport after = reap();
  EXPECT_EQ(after.dead_runs, 1) << harness::join(after.lines(), "\n");
  EXPECT_TRUE(after.complete()) << harness::join(after.lines(), "\n");
  EXPECT_TRUE(has(after.removed, "run " + dead_run + ": removed volume " + dead_stack + "_data"));
  EXPECT_FALSE(std::filesystem::exists(abra_home(dead_run)));
  EXPECT_FALSE(std::filesystem::exists(run_dir(dead_run)));
}

TEST_F(ReaperTest, ReapRunRemovesAKeptRunBeforeItsExpiryAndNoOtherRun) {
  const std::string other = "fixture-web-pr2-bbbbbb";
  keep_dead_run(dead_run, dead_stack, clock.wall_now() + minutes(30));
  start_run(other, "fixt-bbbbbb_ccci_test").reset();  // dead, not kept: not this call's business
  docker.residues = {full_residue(), harness::Residue{}};
  ReapReport report = reap_only(dead_run);
  EXPECT_TRUE(report.complete()) << harness::join(report.lines(), "\n");
  EXPECT_EQ(report.dead_runs, 1);
  EXPECT_TRUE(has(report.removed, "run " + dead_run + ": removed service " + dead_stack + "_app"));
  EXPECT_FALSE(std::filesystem::exists(run_dir(dead_run)));
  EXPECT_FALSE(std::filesystem::exists(abra_home(dead_run)));
  EXPECT_TRUE(std::filesystem::exists(run_dir(other)));
}

TEST_F(ReaperTest, ReapRunRefusesALiveRunAndAnAbsentOne) {
  auto live = start_run(dead_run, dead_stack);
  ReapReport report = reap_only(dead_run);
  EXPECT_FALSE(report.complete());
  ASSERT_EQ(report.problems.size(), 1u) << harness::join(report.lines(), "\n");
  EXPECT_EQ(report.problems[0],
            "run " + dead_run + ": live, pid 4242; left alone (not removed: --run removes only a dead or kept run)");
  EXPECT_TRUE(report.left.empty());
  EXPECT_TRUE(docker.calls.empty());
  EXPECT_TRUE(std::filesystem::exists(abra_home(dead_run)));
  ReapReport absent = reap_only("fixture-web-pr9-cccccc");
  ASSERT_EQ(absent.problems.size(), 1u);
  EXPECT_EQ(absent.problems[0], "run fixture-web-pr9-cccccc: no such run under " + (state.path() / "runs").string());
}

}  // namespace
}  // namespace ccci::runner
