#pragma once
/// The testbed for e2e suites: brings it up once per test binary (`testbed/ccci-testbed up`),
/// loads its env, runs ccci-run against it and inspects what docker holds afterwards. When no
/// Docker daemon can be started on this machine every e2e test skips, never fails.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace ccci::e2e {

struct Testbed {
  bool available = false;
  std::string why_unavailable;
  std::map<std::string, std::string> env;  ///< the testbed's env file
};

/// Brings the testbed up on first use; later calls return the same answer.
const Testbed& testbed();

struct RunResult {
  int exit_code = -1;
  std::string output;             ///< stdout and stderr of ccci-run, interleaved
  std::filesystem::path out_dir;
  boost::json::value results;     ///< results.json, or null when absent
  boost::json::value plan;        ///< plan.json, or null when absent
};

/// Runs build/runner/ccci-run with RECIPE, PR and the testbed env; OUT is a fresh directory.
RunResult run_ccci(const std::string& recipe, int pr, const std::vector<std::string>& extra_args = {});

/// Every docker object whose name mentions `stack` (services, containers, volumes, secrets,
/// configs, networks), as "kind name" lines. Empty means clean.
std::vector<std::string> leftovers_of(const std::string& stack);

/// Runs a command line through /bin/sh (test code only), returns exit status and output.
int shell(const std::string& command, std::string* output = nullptr);

}  // namespace ccci::e2e
