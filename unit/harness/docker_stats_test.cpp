#include "harness/docker_stats.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "harness/docker.hpp"
#include "unit/fakes/fake_process.hpp"

namespace ccci::harness {
namespace {

using fakes::exited;
using fakes::FakeProcessRunner;
using Argv = std::vector<std::string>;

std::uint64_t size_of(std::string_view text) {
  auto parsed = parse_docker_size(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
  EXPECT_TRUE(parsed.ok() && parsed->has_value()) << text;
  return parsed.ok() ? parsed->value_or(0) : 0;
}

TEST(DockerStatsParsing, SizesInBinaryAndDecimalUnitsAreBytes) {
  EXPECT_EQ(size_of("0B"), 0u);
  EXPECT_EQ(size_of("512B"), 512u);
  EXPECT_EQ(size_of("12.5MiB"), 13107200u);
  EXPECT_EQ(size_of("23.4GiB"), 25125558682u);  // 23.4 × 2^30, rounded
  EXPECT_EQ(size_of("1.5KiB"), 1536u);
  EXPECT_EQ(size_of("1TiB"), 1099511627776u);
  EXPECT_EQ(size_of("1.2kB"), 1200u);
  EXPECT_EQ(size_of("3MB"), 3000000u);
  EXPECT_EQ(size_of("2GB"), 2000000000u);
  EXPECT_EQ(size_of(" 7.75MiB "), 8126464u);  // the part before " / " keeps its space
}

TEST(DockerStatsParsing, ASizeDockerHasNotReportedIsNoFigure) {
  auto parsed = parse_docker_size("--");
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->has_value());
}

TEST(DockerStatsParsing, AnUnreadableSizeIsInfrastructure) {
  for (std::string_view text : {"", "MiB", "12.5", "12.5XB", "-1MiB", "1e400GiB", "abcB", "1,5MiB"}) {
    auto parsed = parse_docker_size(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::infra) << text;
  }
}

TEST(DockerStatsParsing, PercentagesAreNumbersOfOneCore) {
  auto small = parse_docker_percent("0.53%");
  ASSERT_TRUE(small.ok() && small->has_value());
  EXPECT_DOUBLE_EQ(**small, 0.53);
  auto busy = parse_docker_percent("150.02%");
  ASSERT_TRUE(busy.ok() && busy->has_value());
  EXPECT_DOUBLE_EQ(**busy, 150.02);
  auto missing = parse_docker_percent("--");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  for (std::string_view text : {"", "%", "0.53", "abc%", "-3%"}) {
    auto parsed = parse_docker_percent(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::infra) << text;
  }
}

const char* const stats_json =
    R"({"BlockIO":"0B / 0B","CPUPerc":"0.53%","Container":"1a2b","ID":"1a2b3c","MemPerc":"0.05%","MemUsage":"12.5MiB / 23.4GiB","Name":"web-1a2b_test_app.1.x9y8z7","NetIO":"1kB / 2kB","PIDs":"3"})"
    "\n"
    R"({"BlockIO":"--","CPUPerc":"--","Container":"4d5e","ID":"4d5e6f","MemPerc":"--","MemUsage":"-- / --","Name":"web-1a2b_test_db.1.q1w2e3","NetIO":"--","PIDs":"0"})"
    "\n"
    R"({"BlockIO":"0B / 0B","CPUPerc":"99.10%","Container":"7a8b","ID":"7a8b9c","MemPerc":"1%","MemUsage":"1GiB / 23.4GiB","Name":"other-run_test_app.1.r4t5y6","NetIO":"0B / 0B","PIDs":"9"})"
    "\n";

TEST(DockerStatsParsing, RowsGiveTheUsedMemoryAndCpuOrNoFigure) {
  auto rows = parse_container_stats(stats_json);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].name, "web-1a2b_test_app.1.x9y8z7");
  EXPECT_EQ((*rows)[0].memory_bytes, std::optional<std::uint64_t>(13107200));
  EXPECT_EQ((*rows)[0].cpu_percent, std::optional<double>(0.53));
  EXPECT_FALSE((*rows)[1].memory_bytes.has_value());
  EXPECT_FALSE((*rows)[1].cpu_percent.has_value());
  EXPECT_EQ((*rows)[2].memory_bytes, std::optional<std::uint64_t>(1073741824));
}

TEST(DockerStatsParsing, MalformedRowsAreInfrastructure) {
  for (std::string_view text : {"{\"Name\": ", "[1]", R"({"Name":"a","CPUPerc":"1%"})",
                                R"({"Name":"a","CPUPerc":"1%","MemUsage":"lots / 2GiB"})"}) {
    auto rows = parse_container_stats(text);
    ASSERT_FALSE(rows.ok()) << text;
    EXPECT_EQ(rows.error().kind, ErrorKind::infra) << text;
  }
  auto none = parse_container_stats("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(DockerStatsParsing, AContainerBelongsToAStackByItsSwarmName) {
  EXPECT_TRUE(container_of_stack("web-1a2b_test_app.1.x9y8z7", "web-1a2b_test"));
  EXPECT_FALSE(container_of_stack("web-1a2b_testing_app.1.x9", "web-1a2b_test"));
  EXPECT_FALSE(container_of_stack("web-1a2b_test", "web-1a2b_test"));
  EXPECT_FALSE(container_of_stack("web-1a2b_test_", "web-1a2b_test"));
  EXPECT_FALSE(container_of_stack("anything_app.1", ""));
}

struct DockerStatsDriver : ::testing::Test {
  FakeProcessRunner runner;
  std::unique_ptr<DockerDriver> docker = make_docker_driver(runner, [] {
    DockerSettings settings;
    settings.executable = "/usr/bin/docker";
    return settings;
  }());
};

TEST_F(DockerStatsDriver, OneStatsCallOfEveryContainerKeepsTheStacksOwn) {
  runner.on({"/usr/bin/docker", "stats"}, exited(0, stats_json));
  auto rows = docker->stack_container_stats({"web-1a2b_test", "db-1a2b-web_test"}, std::chrono::seconds(9));
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(runner.argvs(),
            (std::vector<Argv>{{"/usr/bin/docker", "stats", "--no-stream", "--no-trunc", "--format", "{{json .}}"}}));
  EXPECT_EQ(runner.commands().front().timeout, std::chrono::seconds(9));
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].name, "web-1a2b_test_app.1.x9y8z7");
  EXPECT_EQ((*rows)[1].name, "web-1a2b_test_db.1.q1w2e3");
}

TEST_F(DockerStatsDriver, AHostileStackNameSpawnsNothingAndNoStackAsksNothing) {
  auto hostile = docker->stack_container_stats({"--all"}, std::chrono::seconds(9));
  ASSERT_FALSE(hostile.ok());
  EXPECT_EQ(hostile.error().kind, ErrorKind::usage);
  auto none = docker->stack_container_stats({}, std::chrono::seconds(9));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(runner.argvs().empty());
}

TEST_F(DockerStatsDriver, DockerFailingIsInfrastructure) {
  runner.on({"/usr/bin/docker", "stats"}, exited(1, "", "Cannot connect to the Docker daemon at unix:///x.sock"));
  auto rows = docker->stack_container_stats({"web-1a2b_test"}, std::chrono::seconds(9));
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().kind, ErrorKind::infra);
}

}  // namespace
}  // namespace ccci::harness
