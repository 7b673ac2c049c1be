// `ccci-run reap` through run_ccci, hermetically (PATH=/nonexistent: docker cannot start): its
// exit code says whether every dead run was reaped.
#include "runner/reap_command.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "runner/app.hpp"
#include "runner/run_guard.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

struct ReapCommand : ::testing::Test {
  fakes::TempDir state;
  std::ostringstream stdout_text, stderr_text;

  int run() {
    std::map<std::string, std::string> env{{"CCCI_STATE_DIR", state.path().string()}, {"PATH", "/nonexistent"}};
    return run_ccci(env, {"reap"}, stdout_text, stderr_text);
  }
};

TEST_F(ReapCommand, NothingToReapIsExitZeroAndSaysSo) {
  EXPECT_EQ(run(), 0) << stdout_text.str() << stderr_text.str();
  EXPECT_EQ(stdout_text.str(), "[reap] reaped 0 dead runs\n");
}

TEST_F(ReapCommand, ADeadRunItCannotCleanIsExitThreeAndItsJournalStays) {
  const std::string run_id = "fixture-web-pr1-aaaaaa";
  {
    auto now = std::chrono::system_clock::now();
    auto guard = RunGuard::take(state.path(), {run_id, "fixture-web", 1, 1, now, now});
    ASSERT_TRUE(guard.ok()) << guard.error().message;
    ASSERT_TRUE(guard->journal().record_stack("fixt-aaaaaa_ccci_test").ok());
  }  // the lock dies with the guard, as with a killed run
  EXPECT_EQ(run(), 3) << stdout_text.str();
  EXPECT_NE(stdout_text.str().find("[reap] run " + run_id + ": cannot list what stack fixt-aaaaaa_ccci_test holds"),
            std::string::npos)
      << stdout_text.str();
  EXPECT_TRUE(std::filesystem::exists(state.path() / "runs" / run_id / "journal"));
}

TEST_F(ReapCommand, ADeadRunWithNothingOnTheHostIsReaped) {
  const std::string run_id = "fixture-web-pr1-bbbbbb";
  auto home = state.path() / "abra" / "runs" / run_id;
  {
    auto now = std::chrono::system_clock::now();
    auto guard = RunGuard::take(state.path(), {run_id, "fixture-web", 1, 1, now, now});
    ASSERT_TRUE(guard.ok()) << guard.error().message;
    ASSERT_TRUE(guard->journal().record_directory(home).ok());
    std::filesystem::create_directories(home / "servers");
  }
  EXPECT_EQ(run(), 0) << stdout_text.str();
  EXPECT_NE(stdout_text.str().find("[reap] run " + run_id + ": removed directory " + home.string()), std::string::npos)
      << stdout_text.str();
  EXPECT_FALSE(std::filesystem::exists(home));
  EXPECT_FALSE(std::filesystem::exists(state.path() / "runs" / run_id));
}

}  // namespace
}  // namespace ccci::runner
