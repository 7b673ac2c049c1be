#pragma once
/// What `docker stats --no-stream --format '{{json .}}'` reports of running containers, parsed
/// into numbers: the CLI prints human sizes ("12.5MiB / 23.4GiB") and percentages ("0.53%"),
/// and "--" where it has no figure yet (a container still starting). A figure docker did not
/// report is nullopt, never 0; a figure that does not parse is ErrorKind::infra with the text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/result.hpp"

namespace ccci::harness {

/// One row of `docker stats --no-stream`.
struct ContainerStats {
  std::string name;                           ///< "<stack>_<service>.<slot>.<task id>" for a swarm task
  std::optional<std::uint64_t> memory_bytes;  ///< MemUsage's used part; nullopt: docker printed "--"
  std::optional<double> cpu_percent;          ///< CPUPerc, percent of one core (may pass 100)
};

/// "12.5MiB", "0B", "1.2kB", "3GB": binary (KiB, MiB, GiB, TiB) and decimal (kB, MB, GB, TB)
/// units as docker's go-units prints them, in bytes (rounded to the nearest). "--": nullopt.
Result<std::optional<std::uint64_t>> parse_docker_size(std::string_view text);
/// "0.53%", "150.02%": the number; "--": nullopt.
Result<std::optional<double>> parse_docker_percent(std::string_view text);
/// One JSON object a line; MemUsage's used part ("12.5MiB / 23.4GiB" → 12.5 MiB) and CPUPerc.
Result<std::vector<ContainerStats>> parse_container_stats(std::string_view json_lines);
/// Whether a container (by its name) is a task of `stack`: swarm names it "<stack>_<service>.…".
bool container_of_stack(std::string_view container_name, std::string_view stack);

}  // namespace ccci::harness
