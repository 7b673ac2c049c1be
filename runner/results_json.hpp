#pragma once
/// results.json (Boost.JSON): the machine-readable outcome of a run, with level, verdict and exit
/// code derived from the report. Validates against docs/results.schema.json.
#include <boost/json/value.hpp>
#include <filesystem>

#include "harness/redactor.hpp"
#include "harness/result.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

inline constexpr int results_schema_version = 1;

/// Every string passes `redactor` first.
boost::json::value results_to_json(const RunReport& report, const harness::Redactor& redactor);
harness::Status write_results_json(const RunReport& report, const std::filesystem::path& file,
                                   const harness::Redactor& redactor);

}  // namespace ccci::runner
