#include "runner/provenance.hpp"

#include <gtest/gtest.h>

#include "runner/summary.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/sample_report.hpp"

namespace ccci::runner {
namespace {

using fakes::exited;

TEST(Provenance, AbraAndDockerAreAskedForTheirVersions) {
  fakes::FakeProcessRunner runner;
  fakes::FakeDocker docker;
  docker.engine.version = "24.0.7";
  runner.on({"/opt/abra", "--version"}, exited(0, "abra version 0.13.0-beta-06a57de\n"));
  auto provenance = gather_provenance(runner, docker, {"/opt/abra", {{"PATH", "/usr/bin"}}});
  EXPECT_EQ(provenance.abra_version, "abra version 0.13.0-beta-06a57de");
  EXPECT_EQ(provenance.docker_version, "24.0.7");
  EXPECT_FALSE(provenance.kernel.empty());
  EXPECT_FALSE(provenance.host.empty());
  EXPECT_EQ(provenance.ccci_version, ccci_version());
  EXPECT_FALSE(ccci_version().empty());
  EXPECT_EQ(runner.first({"/opt/abra"}).env.at("PATH"), "/usr/bin");
  EXPECT_EQ(docker.calls, std::vector<std::string>{"engine_facts"});
}

TEST(Provenance, WhatCannotBeReadIsUnknownWithTheReason) {
  fakes::FakeProcessRunner runner;
  fakes::FakeDocker docker;
  runner.on({"abra"}, harness::make_error(harness::ErrorKind::not_found, "abra: not found on PATH"));
  docker.failures.emplace("engine_facts",
                          harness::Error{harness::ErrorKind::infra,
                                         "`docker info --format …` exited 1:\nCannot connect to the Docker daemon at "
                                         "unix:///var/run/docker.sock"});
  auto provenance = gather_provenance(runner, docker, {});
  EXPECT_EQ(provenance.abra_version, "unknown (abra: not found on PATH)");
  EXPECT_EQ(provenance.docker_version, "unknown (Cannot connect to the Docker daemon at unix:///var/run/docker.sock)");
  fakes::FakeProcessRunner silent;
  silent.on({"abra"}, exited(0, "\n"));
  EXPECT_EQ(gather_provenance(silent, docker, {}).abra_version, "unknown (no output)");
}

TEST(Provenance, TheSummaryNamesTheEnvironmentAndTheRun) {
  RunReport report = fakes::green_report();
  report.environment = {"1196932", "abra version 0.0.0-ccci-standin", "20.10.24", "6.18.44", "vm"};
  EXPECT_EQ(
      render_provenance(report.environment),
      "ccci: 1196932 · abra: abra version 0.0.0-ccci-standin · docker engine: 20.10.24 · kernel: 6.18.44 · host: vm");
  std::string md = render_summary_markdown(report);
  EXPECT_NE(md.find("- environment: ccci: 1196932 · abra: abra version 0.0.0-ccci-standin · docker engine: 20.10.24 · "
                    "kernel: 6.18.44 · host: vm · run " +
                    report.run_id + "\n"),
            std::string::npos)
      << md;
}

}  // namespace
}  // namespace ccci::runner
