// --keep-on-failure on the testbed: a red run (fixture-web PR 3 loses its data in the upgrade)
// exits 1 as always but leaves its stack running, its run directory and its abra home; a plain
// `ccci-run reap` leaves it (kept until its expiry), and the removal command the run printed
// removes all of it. The test has a state dir of its own, so no other run's directory is in reach.

#include "unit/e2e/lifecycle.hpp"

namespace ccci::e2e {
namespace {

class KeepOnFailure : public OwnStateDir {
 protected:
  void TearDown() override {
    // A test that stopped half-way must not leave its kept deployment on the shared host.
    if (!kept_run_.empty() && std::filesystem::exists(state_dir_ / "runs" / kept_run_)) reap({"--run", kept_run_});
    OwnStateDir::TearDown();
  }

  /// The stack's running containers, by id.
  static std::string running_containers(const std::string& stack) {
    auto listed = e2e::run({"docker", "ps", "-q", "--filter", "label=com.docker.stack.namespace=" + stack},
                           std::chrono::seconds(30), testbed().env);
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    return listed.output;
  }

  std::string kept_run_;
};

TEST_F(KeepOnFailure, ARedRunKeptForDebuggingStaysUpThroughAPlainReapAndThePrintedCommandRemovesIt) {
  RunResult red = run_ccci("fixture-web", 3, {"--state-dir=" + state_dir_.string(), "--keep-on-failure"});
  ASSERT_TRUE(red.plan.is_object() && red.results.is_object()) << red.output;
  kept_run_ = std::string(red.plan.at("run_id").as_string());
  std::string domain(red.plan.at("domain").as_string());
  std::string stack = domain;
  std::replace(stack.begin(), stack.end(), '.', '_');
  const auto run_dir = state_dir_ / "runs" / kept_run_;
  const auto abra_home = state_dir_ / "abra" / "runs" / kept_run_;

  EXPECT_EQ(red.exit_code, 1) << "red stays red\n" << red.output;
  const auto& teardown = red.results.at("teardown").as_object();
  EXPECT_TRUE(teardown.at("kept").as_bool()) << red.output;
  EXPECT_FALSE(teardown.at("ran").as_bool());
  EXPECT_EQ(red.results.at("infra_errors").as_array().size(), 0u) << red.output;
  EXPECT_TRUE(red.results.at("evidence").at("collected").as_bool()) << "the evidence is still gathered";
  expect_reports_valid(red.out_dir);

  // After ccci-run exited: the stack runs, and what the reaper needs to remove it later is there.
  EXPECT_NE(running_containers(stack), "") << "the kept stack runs after ccci-run exited";
  EXPECT_TRUE(std::filesystem::is_directory(abra_home));
  EXPECT_NE(read_text(run_dir / "journal").find("\nkept for-debugging\n"), std::string::npos);

  // How to reach it and how to remove it now, on the terminal and in summary.md.
  const std::string remove = "ccci-run reap --state-dir " + state_dir_.string() + " --run " + kept_run_;
  const std::string summary = read_text(red.out_dir / "summary.md");
  for (const std::string& line :
       {"reach it at https://" + domain,
        "stack " + stack + ": docker service ls --filter label=com.docker.stack.namespace=" + stack,
        std::string("reaped by the first `ccci-run reap` after "), "remove it now: " + remove}) {
    EXPECT_NE(red.output.find(line), std::string::npos) << line << "\n" << red.output;
    EXPECT_NE(summary.find(line), std::string::npos) << line << "\n" << summary;
  }
  EXPECT_NE(red.output.find("  teardown kept for debugging, deployments 1/1\n"), std::string::npos) << red.output;

  CommandResult plain = reap();
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_NE(plain.output.find("run " + kept_run_ + ": kept for debugging until "), std::string::npos) << plain.output;
  EXPECT_NE(plain.output.find("reaped 0 dead runs"), std::string::npos) << plain.output;
  EXPECT_NE(running_containers(stack), "") << "a plain reap leaves a kept run before its expiry";
  EXPECT_TRUE(std::filesystem::is_directory(run_dir));

  CommandResult removed = reap({"--run", kept_run_});  // the printed command, as argv
  EXPECT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_NE(removed.output.find("run " + kept_run_ + ": removed volume "), std::string::npos) << removed.output;
  EXPECT_EQ(leftovers_of_run(red), std::vector<std::string>{}) << removed.output;
  EXPECT_FALSE(std::filesystem::exists(run_dir));
  EXPECT_FALSE(std::filesystem::exists(abra_home));
}

}  // namespace
}  // namespace ccci::e2e
