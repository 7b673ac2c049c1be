// `ccci-run doctor` on the testbed: it passes there, and fails naming the cause and the fix with
// docker unreachable, with the proxy network missing and with an abra that lacks a flag ccci
// passes. Nothing of the shared testbed is changed: docker is made unreachable by pointing
// DOCKER_HOST at a socket nobody listens on, the network by naming one that does not exist, the
// abra by a wrapper that hides one line of the stand-in's help.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/abra.hpp"
#include "unit/e2e/testbed.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::e2e {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path binary_dir = CCCI_BINARY_DIR;

class Doctor : public OnTestbed {
 protected:
  /// ccci-run doctor with the testbed's settings, the stand-in on PATH, OUT in a temp dir.
  CommandResult doctor(std::map<std::string, std::string> overrides = {}) {
    std::map<std::string, std::string> env = testbed().env;
    env["PATH"] = (binary_dir / "testbed/bin").string() + ":" + std::string(std::getenv("PATH"));
    env["OUT"] = (scratch.path() / "out").string();
    for (auto& [key, value] : overrides) env[key] = value;
    return run({(binary_dir / "runner/ccci-run").string(), "doctor"}, 3min, env);
  }

  /// The names of the checks that FAILed, from the "  FAIL  <name>  <seen>" lines.
  static std::vector<std::string> failed(const std::string& output) {
    std::vector<std::string> names;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("  FAIL  ", 0) != 0) continue;
      std::string rest = line.substr(8);
      names.push_back(rest.substr(0, rest.find("  ")));
    }
    return names;
  }

  fakes::TempDir scratch;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(Doctor, PassesOnTheTestbed) {
  auto result = doctor();
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(failed(result.output).empty()) << result.output;
  EXPECT_TRUE(contains(result.output, "  pass  docker ")) << result.output;
  EXPECT_TRUE(contains(result.output, "  pass  abra flags ")) << result.output;
  EXPECT_TRUE(contains(result.output, "abra version 0.0.0-ccci-standin")) << result.output;
  EXPECT_TRUE(contains(result.output, "  pass  gateway ")) << result.output;
  EXPECT_TRUE(contains(result.output, "doctor: this host meets ccci's requirements")) << result.output;
  EXPECT_FALSE(std::filesystem::exists(scratch.path() / "out"));  // doctor creates nothing
}

TEST_F(Doctor, FailsNamingDockerWhenTheDaemonCannotBeReached) {
  // From the client's side a stopped dockerd is a socket nobody listens on.
  auto socket = scratch.path() / "nobody.sock";
  auto result = doctor({{"DOCKER_HOST", "unix://" + socket.string()}});
  EXPECT_EQ(result.exit_code, 3) << result.output;
  auto failures = failed(result.output);
  ASSERT_FALSE(failures.empty()) << result.output;
  EXPECT_EQ(failures.front(), "docker") << result.output;
  EXPECT_TRUE(contains(result.output, "docker is not reachable at DOCKER_HOST=unix://" + socket.string()))
      << result.output;
  EXPECT_TRUE(contains(result.output, "fix: start the Docker engine")) << result.output;
  EXPECT_TRUE(contains(result.output, "  pass  abra flags ")) << result.output;  // unrelated checks still run
}

TEST_F(Doctor, FailsWhenTheProxyNetworkIsMissing) {
  auto result = doctor({{"CCCI_PROXY_NETWORK", "ccci-doctor-no-such-network"}});
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_EQ(failed(result.output), std::vector<std::string>{"proxy network"}) << result.output;
  EXPECT_TRUE(contains(result.output, "no network named ccci-doctor-no-such-network")) << result.output;
  EXPECT_TRUE(contains(result.output, "docker network create --driver overlay --attachable")) << result.output;
}

TEST_F(Doctor, FailsNamingAFlagAbraLacks) {
  // The flag ccci passes to skip abra's convergence monitor, hidden from the stand-in's help.
  std::string flag;
  for (const auto& command : harness::abra_flags_in_use())
    if (command.command == "app deploy") flag = command.flags.back();
  ASSERT_FALSE(flag.empty());
  auto wrapper =
      scratch.write("abra",
                    "#!/bin/sh\n"
                    "for arg; do case $arg in --help|-h) help=1 ;; esac; done\n"
                    "if [ -n \"$help\" ]; then\n"
                    "  '" +
                        (binary_dir / "testbed/bin/abra").string() + "' \"$@\" | grep -v -E -- '(^| )" + flag +
                        "(,| |$)'\n"
                        "  exit 0\n"
                        "fi\n"
                        "exec '" +
                        (binary_dir / "testbed/bin/abra").string() + "' \"$@\"\n");
  ::chmod(wrapper.c_str(), 0755);
  auto result = doctor({{"CCCI_ABRA", wrapper.string()}});
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_EQ(failed(result.output), std::vector<std::string>{"abra flags"}) << result.output;
  EXPECT_TRUE(contains(result.output, "missing: " + flag + " (abra app deploy)")) << result.output;
}

}  // namespace
}  // namespace ccci::e2e
