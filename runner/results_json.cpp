#include "runner/results_json.hpp"

#include <boost/json.hpp>

#include "harness/text.hpp"

#include "runner/json_text.hpp"
#include "runner/verdict.hpp"

namespace ccci::runner {
namespace {

double seconds(std::chrono::milliseconds duration) { return static_cast<double>(duration.count()) / 1000.0; }

}  // namespace

boost::json::value results_to_json(const RunReport& report, const harness::Redactor& redactor) {
  auto text = [&](const std::string& value) {
    return boost::json::value(harness::repair_utf8(redactor.redact(value)));
  };
  boost::json::object root;
  root["schema_version"] = results_schema_version;
  root["run_id"] = text(report.run_id);
  root["recipe"] = text(report.recipe);
  root["pr"] = report.pr ? boost::json::value(*report.pr) : boost::json::value(nullptr);
  root["src"] = text(report.src);
  root["head"] = {{"ref", text(report.head_ref)}, {"commit", text(report.head_commit)}};
  root["base"] = {{"source", to_string(report.base.source)},
                  {"version", text(report.base.version)},
                  {"commit", text(report.base.commit)},
                  {"branch", text(report.base.branch)},
                  {"reason", text(report.base.reason)}};
  boost::json::array tiers;
  for (const auto& tier : report.tiers) {
    boost::json::array checks;
    for (const auto& check : tier.checks) {
      checks.push_back({{"name", text(check.name)},
                        {"source", to_string(check.source)},
                        {"status", to_string(check.status)},
                        {"message", text(check.message)},
                        {"detail", text(check.detail)},
                        {"duration_s", seconds(check.duration)}});
    }
    tiers.push_back({{"tier", to_string(tier.tier)},
                     {"status", to_string(tier.status)},
                     {"reason", text(tier.reason)},
                     {"duration_s", seconds(tier.duration)},
                     {"checks", std::move(checks)}});
  }
  root["tiers"] = std::move(tiers);
  boost::json::array residue;
  for (const auto& item : report.teardown.residue) residue.push_back(text(item));
  root["teardown"] = {{"ran", report.teardown.ran},
                      {"clean", report.teardown.clean},
                      {"residue", std::move(residue)},
                      {"message", text(report.teardown.message)},
                      {"duration_s", seconds(report.teardown.duration)}};
  boost::json::array evidence_files, evidence_notes;
  for (const auto& file : report.evidence.files) evidence_files.push_back(text(file));
  for (const auto& note : report.evidence.notes) evidence_notes.push_back(text(note));
  root["evidence"] = {{"collected", report.evidence.collected},
                      {"files", std::move(evidence_files)},
                      {"notes", std::move(evidence_notes)},
                      {"duration_s", seconds(report.evidence.duration)}};
  root["deploy_count"] = report.deploy_count;
  root["expected_deploy_count"] = report.expected_deploy_count;
  root["lint_clean"] = report.lint_clean ? boost::json::value(*report.lint_clean) : boost::json::value(nullptr);
  root["level"] = compute_level(report);
  root["verdict"] = to_string(compute_verdict(report));
  root["exit_code"] = exit_code_for(report);
  boost::json::array errors;
  for (const auto& error : report.infra_errors) errors.push_back(text(error));
  root["infra_errors"] = std::move(errors);
  root["interrupt_signal"] = report.interrupt_signal;
  root["started_at"] = report.started_at;
  root["duration_s"] = seconds(report.duration);
  return root;
}

harness::Status write_results_json(const RunReport& report, const std::filesystem::path& file,
                                   const harness::Redactor& redactor) {
  return write_json_file(results_to_json(report, redactor), file);
}

}  // namespace ccci::runner
