#pragma once
/// The testbed for e2e suites: brings it up once per test binary (`testbed/ccci-testbed up`),
/// loads its env, runs ccci-run against it and inspects what docker holds afterwards. When no
/// Docker daemon can be started on this machine every e2e test skips, never fails.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/value.hpp>

namespace ccci::e2e {

struct Testbed {
  enum class State { ready, no_docker, broken };
  State state = State::broken;
  std::string problem;                     ///< why not ready: the command, its exit and output
  std::map<std::string, std::string> env;  ///< the testbed's env file
};

/// Brings the testbed up on first use (once per test process). `no_docker` only when
/// `ccci-testbed up` reports that no Docker daemon can start here; every other
/// failure is `broken`. Later calls return the same answer.
const Testbed& testbed();

/// The fixture of every e2e suite: skips where no Docker daemon can start, fails where the
/// testbed is broken.
class OnTestbed : public ::testing::Test {
 protected:
  void SetUp() override {
    switch (testbed().state) {
      case Testbed::State::ready: break;
      case Testbed::State::no_docker: GTEST_SKIP() << "no Docker daemon can start here: " << testbed().problem;
      case Testbed::State::broken: FAIL() << "the testbed did not come up: " << testbed().problem;
    }
  }
};

struct RunResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr of ccci-run, interleaved
  std::filesystem::path out_dir;
  boost::json::value results;  ///< results.json, or null when absent
  boost::json::value plan;     ///< plan.json, or null when absent
};

/// The state dir (CCCI_STATE_DIR) of this process's runs, unless a test names its own: made on
/// first use, removed when the process ends. ctest runs every test in a process of its own, so
/// tests that run side by side never share a run lock, a claim, a last-green record or a reap.
const std::filesystem::path& process_state_dir();

/// Runs build/runner/ccci-run with RECIPE, PR and the testbed env; OUT is a fresh directory, the
/// state dir process_state_dir() unless `extra_args` or the test's env name another.
/// `pr` 0: no PR, a run of the recipe's default branch.
RunResult run_ccci(const std::string& recipe, int pr, const std::vector<std::string>& extra_args = {});

/// Like run_ccci, with `env` added to ccci-run's environment (e.g. the stand-in's knobs).
RunResult run_ccci_with_env(const std::string& recipe, int pr, const std::map<std::string, std::string>& env);
/// Like run_ccci, but sends ccci-run SIGTERM as soon as its output contains `after_line`.
RunResult run_ccci_terminated(const std::string& recipe, int pr, const std::string& after_line);

/// What a watched run does besides running ccci-run.
struct Watch {
  std::filesystem::path recipes_dir;  ///< the specs to use instead of the repo's recipes/
  std::string after_line;             ///< when ccci-run's output first contains this line...
  /// ...run this shell command and capture its stdout. OUT, CCCI_E2E_PID (ccci-run's pid) and
  /// CCCI_E2E_LOG (its live output) are set. Empty: nothing is run (no line: nothing is watched).
  std::string capture;
  std::vector<std::string> extra_args;     ///< ccci-run's arguments
  std::map<std::string, std::string> env;  ///< added to ccci-run's environment
  std::filesystem::path out_dir;           ///< OUT; empty: a fresh temporary directory
  std::filesystem::path log_file;          ///< ccci-run's live output; empty: OUT/ccci-run.log
};

/// Runs ccci-run as run_ccci does, its output also kept in the watch's log file, and runs the
/// watch's command once its line appears; the command's stdout, trimmed, goes to `captured`.
RunResult run_ccci_watched(const std::string& recipe, int pr, const Watch& watch, std::string& captured);

/// While ccci-run runs: once `when` (a shell command, tried every 0.2 s) succeeds, either SIGKILL
/// ccci-run alone (`then` empty: its children, in process groups of their own, live on, as they
/// do when a CI agent kills a step) or run `then` (a shell command) with its stdout and stderr
/// kept in `then_output`, and let ccci-run finish.
struct Interference {
  std::string when;
  std::string then;
  std::string then_output;  ///< filled in
  int then_exit_code = -1;  ///< filled in
};

/// Runs ccci-run as run_ccci does, with `extra_args` and `extra_env`, and `interference`.
RunResult run_ccci_interfered(const std::string& recipe, int pr, const std::vector<std::string>& extra_args,
                              const std::map<std::string, std::string>& extra_env, Interference& interference);

/// Every docker object whose name mentions `stack` or that carries its namespace label
/// (stacks, services, containers, volumes, secrets, configs, networks), as "kind name" lines.
/// Empty means clean.
std::vector<std::string> leftovers_of(const std::string& stack);

struct CommandResult {
  int exit_code = -1;    ///< -1 when it could not start, timed out or was killed
  std::string describe;  ///< "exit 0", "timed out after 60s", or why it could not start
  std::string output;    ///< stdout, then stderr
};

/// Runs argv through the harness's process runner with PATH/HOME inherited plus `extra_env`.
CommandResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                  const std::map<std::string, std::string>& extra_env = {});

}  // namespace ccci::e2e
