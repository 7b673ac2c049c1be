// The reaper on the testbed: a run killed with SIGKILL leaves its stack, its volume and its abra
// home behind (its lock dies with it); `ccci-run reap` — or the next run's start — removes them,
// each by name. The negative control: a live run is never touched by a concurrent reap. Each test
// has a state dir of its own, so no other run's directory is ever in reach.

#include <csignal>

#include "unit/e2e/lifecycle.hpp"

namespace ccci::e2e {
namespace {

class Reaper : public OwnStateDir {
 protected:
  std::map<std::string, std::string> state_env() const { return {{"CCCI_E2E_STATE", state_dir_.string()}}; }

  /// Shell: true once the run journaled its stack and the stack has a running container and a
  /// volume (so the kill lands mid-run, with data on the host).
  static std::string stack_has_data() {
    return R"sh(j=$(ls "$CCCI_E2E_STATE"/runs/*/journal 2>/dev/null | head -n1); [ -n "$j" ] || exit 1
s=$(sed -n 's/^stack //p' "$j" | head -n1); [ -n "$s" ] || exit 1
[ -n "$(docker ps -q --filter "label=com.docker.stack.namespace=$s")" ] &&
[ -n "$(docker volume ls -q --filter "label=com.docker.stack.namespace=$s")" ])sh";
  }

  /// The run directories under the state dir (each named by its run id).
  std::vector<std::string> run_dirs() const {
    std::vector<std::string> names;
    std::error_code error;
    for (std::filesystem::directory_iterator it(state_dir_ / "runs", error), end; !error && it != end;
         it.increment(error))
      names.push_back(it->path().filename().string());
    return names;
  }

  /// Kills a fixture-web PR 1 run once its stack holds data; returns the dead run's id and stack,
  /// having checked the mess it leaves: its stack's service and volume, its abra home, its journal.
  void kill_a_run(std::string& run_id, std::string& stack) {
    Interference kill{stack_has_data(), "", "", -1};
    RunResult killed = run_ccci_interfered("fixture-web", 1, {state_flag()}, state_env(), kill);
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << "ccci-run was killed mid-run\n" << killed.output;
    ASSERT_TRUE(killed.plan.is_object()) << killed.output;
    stack = std::string(killed.plan.at("domain").as_string());
    std::replace(stack.begin(), stack.end(), '.', '_');
    run_id = std::string(killed.plan.at("run_id").as_string());
    ASSERT_EQ(run_dirs(), std::vector<std::string>{run_id});
    wait_for_orphans(run_id);
    auto left = leftovers_of(stack);
    auto has_kind = [&](const std::string& kind) {
      return std::any_of(left.begin(), left.end(), [&](const auto& line) { return line.rfind(kind + " ", 0) == 0; });
    };
    EXPECT_TRUE(has_kind("service")) << "the killed run's stack is still there";
    EXPECT_TRUE(has_kind("volume")) << "the killed run's data volume is still there";
    EXPECT_TRUE(std::filesystem::is_directory(state_dir_ / "abra" / "runs" / run_id));
    EXPECT_TRUE(std::filesystem::is_regular_file(state_dir_ / "runs" / run_id / "journal"));
  }
};

TEST_F(Reaper, ReapRemovesWhatAKilledRunLeftNamingEachThing) {
  std::string run_id, stack;
  kill_a_run(run_id, stack);
  if (HasFatalFailure()) return;
  auto left = leftovers_of(stack);

  auto reaped = reap();
  EXPECT_EQ(reaped.exit_code, 0) << reaped.output;
  EXPECT_EQ(leftovers_of(stack), std::vector<std::string>{}) << reaped.output;
  for (const auto& line : left) {
    std::string kind = line.substr(0, line.find(' '));
    std::string name = line.substr(line.find(' ') + 1);
    if (kind == "stack") continue;  // a stack is its services: each is named
    EXPECT_NE(reaped.output.find("run " + run_id + ": removed " + kind + " " + name), std::string::npos)
        << line << "\n"
        << reaped.output;
  }
  EXPECT_NE(reaped.output.find("removed directory " + (state_dir_ / "abra" / "runs" / run_id).string()),
            std::string::npos)
      << reaped.output;
  EXPECT_FALSE(std::filesystem::exists(state_dir_ / "abra" / "runs" / run_id));
  EXPECT_EQ(run_dirs(), std::vector<std::string>{});
  EXPECT_NE(reaped.output.find("reaped 1 dead run"), std::string::npos) << reaped.output;

  auto again = reap();  // nothing left to do, and saying so is success
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("reaped 0 dead runs"), std::string::npos) << again.output;
}

TEST_F(Reaper, TheNextRunReapsAKilledRunAtItsStartAndIsGreen) {
  std::string run_id, stack;
  kill_a_run(run_id, stack);
  if (HasFatalFailure()) return;

  RunResult next = checked(run_ccci("fixture-web", 1, {state_flag()}));
  expect_green_through_every_tier(next);
  EXPECT_NE(next.output.find("[reap] run " + run_id + ": removed volume "), std::string::npos) << next.output;
  EXPECT_EQ(leftovers_of(stack), std::vector<std::string>{}) << next.output;
  EXPECT_FALSE(std::filesystem::exists(state_dir_ / "abra" / "runs" / run_id));
  EXPECT_EQ(run_dirs(), std::vector<std::string>{}) << "the green run removed its own directory too";
}

TEST_F(Reaper, ALiveRunIsLeftAloneByAConcurrentReap) {
  Interference concurrent{stack_has_data(), "\"$CCCI_E2E_CCCI_RUN\" reap --state-dir=\"$CCCI_E2E_STATE\"", "", -1};
  auto env = state_env();
  env["CCCI_E2E_CCCI_RUN"] = (std::filesystem::path(CCCI_BINARY_DIR) / "runner/ccci-run").string();
  RunResult live = checked(run_ccci_interfered("fixture-web", 1, {state_flag()}, env, concurrent));
  expect_green_through_every_tier(live);
  std::string run_id(live.plan.at("run_id").as_string());
  EXPECT_EQ(concurrent.then_exit_code, 0) << concurrent.then_output;
  EXPECT_NE(concurrent.then_output.find("run " + run_id + ": live, pid "), std::string::npos) << concurrent.then_output;
  EXPECT_EQ(concurrent.then_output.find("removed"), std::string::npos) << concurrent.then_output;
  EXPECT_NE(concurrent.then_output.find("reaped 0 dead runs"), std::string::npos) << concurrent.then_output;
}

}  // namespace
}  // namespace ccci::e2e
