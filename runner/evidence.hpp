#pragma once
/// collect_evidence: what a maintainer needs to see why a run went red, gathered while the stack
/// still runs (before teardown): every service's tasks with their states and errors
/// (`docker service ps --no-trunc`), the end of every service's log, and abra's own log files.
///
/// Files go to OUT/evidence/ — tasks.txt, logs/<service>.log, abra/<file> — each redacted before
/// it is cut to its size bound (a cut keeps the end, where the failure is), and written
/// atomically. The collection has its own time budget: each docker call gets what is left of it,
/// services are queried concurrently, and what could not be gathered in time or at all is listed
/// in Evidence::notes. It never fails and never throws, so teardown always follows.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/redactor.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

struct EvidenceSettings {
  std::filesystem::path out;  ///< the run's OUT; files go to OUT/evidence/
  std::chrono::milliseconds budget{std::chrono::seconds(60)};
  std::chrono::milliseconds call_timeout{std::chrono::seconds(20)};  ///< per docker call, within the budget
  int log_lines = 300;                                               ///< per service
  std::size_t max_file_bytes = std::size_t{256} * 1024;              ///< a longer file keeps its end
  std::size_t max_total_bytes = std::size_t{4} * 1024 * 1024;        ///< files beyond this are not written
};

struct EvidenceSources {
  std::vector<std::string> services;  ///< "<stack>_<name>", as docker names them
  std::filesystem::path abra_logs;    ///< a directory of abra's log files; may not exist
};

Evidence collect_evidence(harness::DockerDriver& docker, harness::Clock& clock, const harness::Redactor& redactor,
                          const EvidenceSettings& settings, const EvidenceSources& sources);

}  // namespace ccci::runner
