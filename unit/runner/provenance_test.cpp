#include "runner/provenance.hpp"

#include <gtest/gtest.h>

#include "runner/summary.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/sample_report.hpp"

namespace ccci::runner {
namespace {

using fakes::exited;

TEST(Provenance, AbraAndDockerAreAskedForTheirVersions) {
  fakes::FakeProcessRunner runner;
  runner.on({"/opt/abra", "--version"}, exited(0, "abra version 0.13.0-beta-06a57de\n"));
  runner.on({"docker", "version", "--format", "{{.Server.Version}}"}, exited(0, "24.0.7\n"));
  auto provenance = gather_provenance(runner, {"/opt/abra", "docker", {{"PATH", "/usr/bin"}}});
  EXPECT_EQ(provenance.abra_version, "abra version 0.13.0-beta-06a57de");
  EXPECT_EQ(provenance.docker_version, "24.0.7");
  EXPECT_FALSE(provenance.kernel.empty());
  EXPECT_FALSE(provenance.host.empty());
  EXPECT_EQ(provenance.ccci_version, ccci_version());
  EXPECT_FALSE(ccci_version().empty());
  EXPECT_EQ(runner.first({"docker"}).env.at("PATH"), "/usr/bin");
}

TEST(Provenance, WhatCannotBeReadIsUnknownWithTheReason) {
  fakes::FakeProcessRunner runner;
  runner.on({"abra"}, harness::make_error(harness::ErrorKind::not_found, "abra: not found on PATH"));
  runner.on({"docker"}, exited(1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n"));
  auto provenance = gather_provenance(runner, {});
  EXPECT_EQ(provenance.abra_version, "unknown (abra: not found on PATH)");
  EXPECT_EQ(provenance.docker_version,
            "unknown (exit 1: Cannot connect to the Docker daemon at unix:///var/run/docker.sock)");
  fakes::FakeProcessRunner silent;
  silent.on({"abra"}, exited(0, "\n"));
  EXPECT_EQ(gather_provenance(silent, {}).abra_version, "unknown (no output)");
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
