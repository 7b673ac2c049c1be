#include "runner/plan_json.hpp"

#include <boost/json.hpp>

#include "runner/json_text.hpp"

namespace ccci::runner {
namespace {

std::string_view disposition_name(Disposition disposition) {
  switch (disposition) {
    case Disposition::run: return "run";
    case Disposition::not_applicable: return "n/a";
    case Disposition::skip: return "skip";
  }
  return "unknown";
}

}  // namespace

boost::json::value backup_coverage_json(const BackupCoverage& coverage) {
  boost::json::array warnings;
  for (const auto& warning : coverage.warnings) warnings.emplace_back(warning);
  return {{"analysed", coverage.analysed}, {"warnings", std::move(warnings)}, {"note", coverage.note}};
}

boost::json::value previous_overlays_json(const std::vector<OverlayDecision>& overlays) {
  boost::json::array array;
  for (const auto& overlay : overlays) {
    boost::json::array files;
    for (const auto& file : overlay.files) files.emplace_back(file);
    array.push_back({{"version", overlay.version},
                     {"files", std::move(files)},
                     {"status", to_string(overlay.status)},
                     {"reason", overlay.reason}});
  }
  return array;
}

boost::json::value plan_to_json(const Plan& plan) {
  boost::json::object root;
  root["run_id"] = plan.run_id;
  root["recipe"] = plan.recipe;
  root["pr"] = plan.pr ? boost::json::value(*plan.pr) : boost::json::value(nullptr);
  root["src"] = plan.src;
  root["repo_url"] = plan.repo_url;
  root["head"] = {{"ref", plan.head_ref}, {"commit", plan.head_commit}};
  root["base"] = {{"source", to_string(plan.base.source)},
                  {"version", plan.base.version},
                  {"commit", plan.base.commit},
                  {"branch", plan.base.branch},
                  {"reason", plan.base.reason}};
  root["previous_overlays"] = previous_overlays_json(plan.previous_overlays);
  root["enrolled"] = plan.enrolled;
  root["spec_file"] = plan.spec_file.string();
  root["domain"] = plan.domain;
  boost::json::array deps;
  for (const auto& dep : plan.deps) deps.emplace_back(dep);
  root["deps"] = std::move(deps);
  root["expected_deploy_count"] = plan.expected_deploy_count;
  root["backup_coverage"] = backup_coverage_json(plan.backup_coverage);
  root["repo_local"] = {{"state", to_string(plan.repo_local.state)}, {"note", plan.repo_local.note}};
  boost::json::array tiers;
  for (const auto& tier : plan.tiers) {
    boost::json::array checks;
    for (const auto& check : tier.checks) {
      checks.push_back({{"name", check.name}, {"source", to_string(check.source)}, {"description", check.description}});
    }
    tiers.push_back({{"tier", to_string(tier.intent.tier)},
                     {"disposition", disposition_name(tier.intent.disposition)},
                     {"reason", tier.intent.reason},
                     {"checks", std::move(checks)}});
  }
  root["tiers"] = std::move(tiers);
  return root;
}

harness::Status write_plan_json(const Plan& plan, const std::filesystem::path& out, const harness::Redactor& redactor) {
  return write_json_file(redacted(plan_to_json(plan), redactor), out / "plan.json");
}

}  // namespace ccci::runner
