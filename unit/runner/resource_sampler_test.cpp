#include "runner/resource_sampler.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "harness/interrupt.hpp"
#include "unit/fakes/fake_drivers.hpp"

namespace ccci::runner {
namespace {

using harness::ContainerStats;
using harness::ErrorKind;
using harness::make_error;
using namespace std::chrono_literals;

constexpr std::uint64_t mib = std::uint64_t{1024} * 1024;

TEST(ResourcePeaks, EachSampleSumsTheStacksContainersAndThePeakIsTheLargestSum) {
  ResourcePeaks peaks;
  peaks.add_sample({{"s_app.1.a", 100 * mib, 10.0}, {"s_db.1.b", 50 * mib, 5.0}});  // 150 MiB, 15%
  peaks.add_sample({{"s_app.1.a", 120 * mib, 1.0}, {"s_db.1.b", 20 * mib, 1.0}});   // 140 MiB, 2%
  peaks.add_sample({{"s_app.2.c", 10 * mib, 40.5}});                                // 10 MiB, 40.5%
  auto figures = peaks.figures(5s);
  EXPECT_EQ(figures.samples, 3);
  EXPECT_EQ(figures.peak_memory_bytes, std::optional<std::uint64_t>(150 * mib));
  EXPECT_EQ(figures.peak_cpu_percent, std::optional<double>(40.5));
  EXPECT_EQ(figures.interval, 5s);
  EXPECT_EQ(figures.note, "");
}

TEST(ResourcePeaks, AContainerWithoutAFigureAddsNothingAndASampleWithoutContainersIsNotCounted) {
  ResourcePeaks peaks;
  peaks.add_sample({});
  peaks.add_sample({{"s_app.1.a", 64 * mib, std::nullopt}, {"s_db.1.b", std::nullopt, std::nullopt}});
  auto figures = peaks.figures(5s);
  EXPECT_EQ(figures.samples, 1);
  EXPECT_EQ(figures.peak_memory_bytes, std::optional<std::uint64_t>(64 * mib));
  EXPECT_FALSE(figures.peak_cpu_percent.has_value());
  EXPECT_EQ(figures.note, "docker reported no CPU figure");
}

TEST(ResourcePeaks, NothingReportedIsNullFiguresWithTheReason) {
  ResourcePeaks empty_stacks;
  empty_stacks.add_sample({});
  auto figures = empty_stacks.figures(5s);
  EXPECT_EQ(figures.samples, 0);
  EXPECT_FALSE(figures.peak_memory_bytes.has_value());
  EXPECT_FALSE(figures.peak_cpu_percent.has_value());
  EXPECT_EQ(figures.note, "docker reported no running container of the run's stacks");

  ResourcePeaks failing;
  failing.add_failure("docker stats: cannot connect");
  failing.add_failure("docker stats: timed out");
  figures = failing.figures(5s);
  EXPECT_EQ(figures.samples, 0);
  EXPECT_FALSE(figures.peak_memory_bytes.has_value());
  EXPECT_EQ(figures.note, "2 of 2 docker stats calls failed; the last: docker stats: timed out");

  EXPECT_EQ(ResourcePeaks{}.figures(5s).note, "no sample was taken before the run stopped");
}

TEST(ResourcePeaks, SomeFailedCallsKeepTheFiguresAndSaySo) {
  ResourcePeaks peaks;
  peaks.add_sample({{"s_app.1.a", 8 * mib, 2.0}});
  peaks.add_failure("docker stats: timed out");
  auto figures = peaks.figures(5s);
  EXPECT_EQ(figures.samples, 1);
  EXPECT_EQ(figures.peak_memory_bytes, std::optional<std::uint64_t>(8 * mib));
  EXPECT_EQ(figures.note, "1 of 2 docker stats calls failed; the last: docker stats: timed out");
}

struct Sampling : ::testing::Test {
  void SetUp() override { harness::reset_interrupt_for_tests(); }
  void TearDown() override { harness::reset_interrupt_for_tests(); }
  fakes::FakeDocker docker;
};

TEST_F(Sampling, SamplesTheRunsStacksUntilStoppedThenReportsThePeaks) {
  docker.stats = {std::vector<ContainerStats>{{"s_app.1.a", 30 * mib, 3.0}},
                  std::vector<ContainerStats>{{"s_app.1.a", 90 * mib, 1.0}},
                  std::vector<ContainerStats>{{"s_app.1.a", 40 * mib, 2.0}}};
  ResourceSampler sampler(docker, {"s", "dep_s"}, 1ms);
  sampler.start();
  ASSERT_TRUE(docker.wait_for_stats_calls(3, 1min));
  auto figures = sampler.finish();
  EXPECT_GE(figures.samples, 3);
  EXPECT_EQ(figures.peak_memory_bytes, std::optional<std::uint64_t>(90 * mib));
  EXPECT_EQ(figures.peak_cpu_percent, std::optional<double>(3.0));
  EXPECT_EQ(figures.interval, 1ms);
  EXPECT_EQ(docker.calls.front(), "stack_container_stats s dep_s");
}

TEST_F(Sampling, StopEndsTheWaitBetweenSamplesAtOnce) {
  ResourceSampler sampler(docker, {"s"}, std::chrono::hours(1));
  sampler.start();
  ASSERT_TRUE(docker.wait_for_stats_calls(1, 1min));
  auto before = std::chrono::steady_clock::now();
  auto figures = sampler.finish();
  // Within the hour's pause: only a condition variable, not a sleep, lets finish return now.
  EXPECT_LT(std::chrono::steady_clock::now() - before, 30s);
  EXPECT_EQ(docker.calls.size(), 1u);
  EXPECT_EQ(figures.samples, 0);
  EXPECT_EQ(figures.note, "docker reported no running container of the run's stacks");
}

TEST_F(Sampling, ADriverThatFailsGivesNullFiguresAndANoteNeverAnError) {
  docker.stats = {make_error(ErrorKind::infra, "docker stats: cannot connect to the Docker daemon")};
  ResourceSampler sampler(docker, {"s"}, 1ms);
  sampler.start();
  ASSERT_TRUE(docker.wait_for_stats_calls(2, 1min));
  auto figures = sampler.finish();
  EXPECT_EQ(figures.samples, 0);
  EXPECT_FALSE(figures.peak_memory_bytes.has_value());
  EXPECT_FALSE(figures.peak_cpu_percent.has_value());
  EXPECT_NE(figures.note.find("docker stats calls failed; the last: docker stats: cannot connect"), std::string::npos)
      << figures.note;
}

TEST_F(Sampling, AfterAnInterruptNoSampleStarts) {
  harness::request_interrupt_for_tests(SIGTERM);
  ResourceSampler sampler(docker, {"s"}, 1ms);
  sampler.start();
  auto figures = sampler.finish();
  EXPECT_TRUE(docker.calls.empty());
  EXPECT_EQ(figures.samples, 0);
  EXPECT_EQ(figures.note, "no sample was taken before the run stopped");
}

TEST_F(Sampling, NeverStartedSaysNotSampledAndStartAfterStopDoesNothing) {
  ResourceSampler sampler(docker, {"s"}, 1ms);
  sampler.stop();
  sampler.start();
  auto figures = sampler.finish();
  EXPECT_TRUE(docker.calls.empty());
  EXPECT_EQ(figures.samples, 0);
  EXPECT_EQ(figures.note, "not sampled");
}

TEST_F(Sampling, TheObserverStartsAtInstallStopsAtTeardownAndStillTellsTheInnerOne) {
  std::vector<std::string> told;
  MachineObserver inner;
  inner.tier_started = [&](Tier tier) { told.emplace_back("started " + std::string(to_string(tier))); };
  inner.teardown_started = [&] { told.emplace_back("teardown"); };
  ResourceSampler sampler(docker, {"s"}, std::chrono::hours(1));
  MachineObserver observer = sampling_while_deployed(inner, sampler);
  observer.tier_started(Tier::install);
  ASSERT_TRUE(docker.wait_for_stats_calls(1, 1min));
  observer.tier_started(Tier::upgrade);
  observer.teardown_started();
  sampler.finish();
  EXPECT_EQ(docker.calls.size(), 1u);  // one start, the hour's pause ended by teardown
  EXPECT_EQ(told, (std::vector<std::string>{"started install", "started upgrade", "teardown"}));
}

}  // namespace
}  // namespace ccci::runner
