#pragma once
/// Reports: everything a run leaves in OUT — junit/*.xml, results.json, summary.md — all through
/// the run's redactor.
#include <filesystem>

#include "harness/redactor.hpp"
#include "harness/result.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

harness::Status write_reports(const RunReport& report, const std::filesystem::path& out,
                              const harness::Redactor& redactor);

}  // namespace ccci::runner
