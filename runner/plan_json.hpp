#pragma once
/// plan.json: the resolved plan as JSON, for tools and for the !testme bridge.
#include <boost/json/value.hpp>
#include <filesystem>

#include "harness/redactor.hpp"
#include "harness/result.hpp"
#include "runner/plan.hpp"

namespace ccci::runner {

boost::json::value plan_to_json(const Plan& plan);
/// {"analysed": bool, "warnings": [...], "note": "..."}: plan.json's and results.json's backup_coverage.
boost::json::value backup_coverage_json(const BackupCoverage& coverage);
/// [{"version", "files", "status": "applied"|"stale", "reason"}]: plan.json's and results.json's
/// `previous_overlays`.
boost::json::value previous_overlays_json(const std::vector<OverlayDecision>& overlays);
/// Writes `<out>/plan.json`, creating `out`.
/// Writes OUT/plan.json, every string redacted.
harness::Status write_plan_json(const Plan& plan, const std::filesystem::path& out, const harness::Redactor& redactor);

}  // namespace ccci::runner
