#include "runner/results_json.hpp"

#include <boost/json.hpp>

#include "harness/text.hpp"

#include "runner/json_text.hpp"
#include "runner/plan_json.hpp"
#include "runner/verdict.hpp"

namespace ccci::runner {
namespace {

double seconds(std::chrono::milliseconds duration) { return static_cast<double>(duration.count()) / 1000.0; }

/// Every string of a report goes into results.json redacted and valid UTF-8.
struct RedactedText {
  const harness::Redactor& redactor;
  boost::json::value operator()(const std::string& value) const {
    return boost::json::value(harness::repair_utf8(redactor.redact(value)));
  }
  boost::json::array operator()(const std::vector<std::string>& values) const {
    boost::json::array array;
    for (const auto& value : values) array.push_back((*this)(value));
    return array;
  }
};

boost::json::array tiers_json(const std::vector<TierOutcome>& tiers, const RedactedText& text) {
  boost::json::array array;
  for (const auto& tier : tiers) {
    boost::json::array checks;
    for (const auto& check : tier.checks) {
      checks.push_back({{"name", text(check.name)},
                        {"source", to_string(check.source)},
                        {"status", to_string(check.status)},
                        {"message", text(check.message)},
                        {"detail", text(check.detail)},
                        {"artifacts", text(check.artifacts)},
                        {"duration_s", seconds(check.duration)},
                        {"flaky", check.flaky},
                        {"attempts", check.attempts}});
    }
    array.push_back({{"tier", to_string(tier.tier)},
                     {"status", to_string(tier.status)},
                     {"reason", text(tier.reason)},
                     {"duration_s", seconds(tier.duration)},
                     {"checks", std::move(checks)}});
  }
  return array;
}

boost::json::object teardown_json(const TeardownOutcome& teardown, const RedactedText& text) {
  return {{"ran", teardown.ran},
          {"clean", teardown.clean},
          {"residue", text(teardown.residue)},
          {"message", text(teardown.message)},
          {"duration_s", seconds(teardown.duration)},
          {"kept", teardown.kept}};
}

boost::json::object evidence_json(const Evidence& evidence, const RedactedText& text) {
  return {{"collected", evidence.collected},
          {"files", text(evidence.files)},
          {"notes", text(evidence.notes)},
          {"duration_s", seconds(evidence.duration)}};
}

boost::json::array operations_json(const std::vector<OperationTiming>& operations, const RedactedText& text) {
  boost::json::array array;
  for (const auto& operation : operations) {
    array.push_back({{"name", text(operation.name)},
                     {"tier", operation.tier ? boost::json::value(to_string(*operation.tier)) : nullptr},
                     {"duration_s", seconds(operation.duration)}});
  }
  return array;
}

boost::json::object resources_json(const ResourceFigures& resources, const RedactedText& text) {
  const auto& memory = resources.peak_memory_bytes;
  const auto& cpu = resources.peak_cpu_percent;
  return {{"samples", resources.samples},
          {"peak_memory_bytes", memory ? boost::json::value(*memory) : nullptr},
          {"peak_cpu_percent", cpu ? boost::json::value(*cpu) : nullptr},
          {"interval_s", seconds(resources.interval)},
          {"note", text(resources.note)}};
}

boost::json::value upgrade_env_json(const std::optional<EnvUpgrade>& env, const RedactedText& text) {
  if (!env) return nullptr;
  return {{"applied", env->applied},       {"added", text(env->added)},     {"kept", text(env->kept)},
          {"removed", text(env->removed)}, {"secrets", text(env->secrets)}, {"spec_keys", text(env->spec_keys)}};
}

}  // namespace

boost::json::value results_to_json(const RunReport& report, const harness::Redactor& redactor) {
  RedactedText text{redactor};
  boost::json::object root;
  root["schema_version"] = results_schema_version;
  root["run_id"] = text(report.run_id);
  root["recipe"] = text(report.recipe);
  root["pr"] = report.pr ? boost::json::value(*report.pr) : boost::json::value(nullptr);
  root["src"] = text(report.src);
  root["head"] = {{"ref", text(report.head_ref)}, {"commit", text(report.head_commit)}};
  root["base"] = {{"source", to_string(report.base.source)}, {"version", text(report.base.version)},
                  {"commit", text(report.base.commit)},      {"branch", text(report.base.branch)},
                  {"reason", text(report.base.reason)},      {"not_deployable", text(report.base_not_deployable)}};
  root["previous_overlays"] = redacted(previous_overlays_json(report.previous_overlays), redactor);
  root["last_green"] = {{"promoted", report.promotion.promoted},
                        {"version", text(report.promotion.version)},
                        {"reason", text(report.promotion.reason)}};
  root["enrolled"] = report.enrolled;
  root["tiers"] = tiers_json(report.tiers, text);
  root["teardown"] = teardown_json(report.teardown, text);
  root["evidence"] = evidence_json(report.evidence, text);
  root["operations"] = operations_json(report.operations, text);
  root["resources"] = resources_json(report.resources, text);
  root["deploy_count"] = report.deploy_count;
  root["expected_deploy_count"] = report.expected_deploy_count;
  root["lint_clean"] = report.lint_clean ? boost::json::value(*report.lint_clean) : boost::json::value(nullptr);
  Level level = assess_level(report);
  root["level"] = level.value;
  root["level_stopped_by"] = text(level.stopped_by);
  root["verdict"] = to_string(compute_verdict(report));
  root["exit_code"] = exit_code_for(report);
  root["infra_errors"] = text(report.infra_errors);
  root["interrupt_signal"] = report.interrupt_signal;
  root["started_at"] = report.started_at;
  root["duration_s"] = seconds(report.duration);
  root["upgrade_env"] = upgrade_env_json(report.env_upgrade, text);
  boost::json::array deps;
  for (const auto& dep : report.dependencies) {
    deps.push_back({{"recipe", dep.recipe},
                    {"domain", text(dep.domain)},
                    {"warm", dep.warm},
                    {"deployed", dep.deployed},
                    {"ready", dep.ready},
                    {"provisioned", dep.provisioned},
                    {"torn_down", dep.torn_down},
                    {"note", text(dep.note)}});
  }
  root["dependencies"] = std::move(deps);
  root["backup_coverage"] = redacted(backup_coverage_json(report.backup_coverage), redactor);
  root["repo_local"] = {{"state", report.repo_local_state}, {"note", text(report.repo_local_note)}};
  const Provenance& environment = report.environment;
  root["environment"] = {{"ccci_version", text(environment.ccci_version)},
                         {"abra_version", text(environment.abra_version)},
                         {"docker_version", text(environment.docker_version)},
                         {"kernel", text(environment.kernel)},
                         {"host", text(environment.host)}};
  return root;
}

harness::Status write_results_json(const RunReport& report, const std::filesystem::path& file,
                                   const harness::Redactor& redactor) {
  return write_json_file(results_to_json(report, redactor), file);
}

}  // namespace ccci::runner
