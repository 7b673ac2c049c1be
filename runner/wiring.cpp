#include "runner/wiring.hpp"

#include <algorithm>
#include <utility>

#include "runner/naming.hpp"
#include "runner/run_journal.hpp"

namespace ccci::runner {

std::vector<std::string> run_stacks(const Config& config, const Plan& plan) {
  std::vector<std::string> stacks{harness::stack_name_for(plan.domain)};
  for (const auto& dep : plan.deps) {
    stacks.push_back(
        harness::stack_name_for(dependency_domain(dep, plan.recipe, nonce_of(plan.run_id), config.domain_suffix)));
  }
  return stacks;
}

namespace {

/// `word` as one shell word: as it is when every character is plainly safe, else in single quotes.
std::string shell_word(const std::string& word) {
  bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
           c == '_' || c == '-';
  });
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

KeptDeployment kept_deployment(const Config& config, const Plan& plan, const std::filesystem::path& state_dir,
                               WallTime expires) {
  return {"https://" + plan.domain, run_stacks(config, plan), utc_text(expires),
          "ccci-run reap --state-dir " + shell_word(state_dir.string()) + " --run " + plan.run_id};
}

PlanInputs plan_inputs(const Config& config, const RecipeSpec& spec, const std::string& nonce) {
  PlanInputs in;
  in.recipe = config.recipe;
  in.pr = config.pr;
  in.ref = config.ref;
  in.src = config.src;
  in.repo_url = repo_url(config);
  in.stages = config.stages;
  in.enrolled = spec.enrolled;
  in.spec_file = spec.dir / "recipe.yml";
  in.not_applicable = spec.not_applicable;
  for (const auto& [tier, checks] : spec.checks) {
    for (const auto& check : checks)
      in.overlay_checks[tier].push_back({check.name, CheckSource::overlay, describe(check)});
  }
  in.deps = spec.deps;
  for (const auto& dep : spec.dependencies) {
    // runner/dependency_wiring.cpp makes these warm: provisioned in the operator's Keycloak, not deployed.
    if (dep.provider == "keycloak" && config.warm_keycloak_url) ++in.warm_deps;
  }
  in.pinned_base = spec.pinned_base;
  in.previous = spec.previous;
  in.domain_suffix = config.domain_suffix;
  in.nonce = nonce;
  return in;
}

std::filesystem::path run_abra_dir(const Config& config, const Plan& plan) {
  return config.state_dir / "abra" / "runs" / plan.run_id;
}

AbraHomes abra_homes(const Config& config, const Plan& plan) {
  return AbraHomes{config.abra_dir.value_or(""), run_abra_dir(config, plan), config.server};
}

harness::AbraSettings abra_settings(const Config& config, const RecipeSpec& spec, const Plan& plan,
                                    const harness::Environment& child_env, harness::Redactor& redactor) {
  harness::AbraSettings settings;
  settings.executable = config.abra;
  settings.abra_dir = run_abra_dir(config, plan);
  settings.server = config.server;
  settings.env = child_env;
  settings.timeouts.deploy = spec.timeouts.deploy;
  settings.timeouts.backup = spec.timeouts.backup;
  settings.redactor = &redactor;
  return settings;
}

harness::HttpRouting http_routing(const Config& config) {
  return harness::HttpRouting{config.gateway_host, config.gateway_port, config.ca_bundle.value_or("")};
}

harness::DockerSettings docker_settings(const harness::Environment& child_env) {
  harness::DockerSettings settings;
  settings.env = child_env;
  return settings;
}

DeploymentSettings deployment_settings(const Config& config, const RecipeSpec& spec, const Plan& plan) {
  DeploymentSettings settings;
  settings.recipe = plan.recipe;
  settings.domain = plan.domain;
  settings.repo_url = plan.repo_url;
  settings.head_ref = plan.head_ref;
  settings.head_commit = plan.head_commit;
  settings.base = plan.base;
  settings.previous_overlays = spec.previous;
  settings.env_overlay = spec.env;
  settings.upgrade_apply_env = spec.upgrade_apply_env;
  settings.upgrade_env = spec.upgrade_env;
  settings.upgrade_prune = spec.upgrade_prune;
  settings.health_path = spec.health.path;
  settings.health_ok = spec.health.ok;
  settings.http_timeout = spec.timeouts.http;
  settings.deploy_timeout = spec.timeouts.deploy;
  settings.teardown_budget = config.teardown_timeout;
  if (spec.converge == ConvergenceJudge::ccci) settings.converge_checks = harness::ConvergeChecks::skip;
  settings.image_pull = config.pull_images ? ImagePull::missing : ImagePull::never;
  settings.evidence.out = config.out;
  return settings;
}

StepFacts step_facts(const Config& config, const Plan& plan, const harness::Environment& child_env) {
  StepFacts facts{plan.domain, harness::stack_name_for(plan.domain), child_env};
  facts.app = plan.domain;  // abra names an app by its domain
  facts.out = config.out;
  if (!config.gateway_host.empty()) {
    facts.script_env["CCCI_GATEWAY"] =
        config.gateway_host + (config.gateway_port ? ":" + std::to_string(config.gateway_port) : "");
  }
  if (config.ca_bundle) facts.script_env["CCCI_CA_BUNDLE"] = config.ca_bundle->string();
  return facts;
}

RunReport report_head(const Plan& plan, std::string started_at) {
  RunReport report;
  report.run_id = plan.run_id;
  report.recipe = plan.recipe;
  report.pr = plan.pr;
  report.src = plan.src;
  report.head_ref = plan.head_ref;
  report.head_commit = plan.head_commit;
  report.base = plan.base;
  report.backup_coverage = plan.backup_coverage;
  report.repo_local_state = to_string(plan.repo_local.state);
  report.repo_local_note = plan.repo_local.note;
  report.previous_overlays = plan.previous_overlays;
  report.enrolled = plan.enrolled;
  report.expected_deploy_count = plan.expected_deploy_count;
  report.started_at = std::move(started_at);
  return report;
}

void record_machine_result(RunReport& report, MachineResult result, std::chrono::milliseconds duration) {
  report.tiers = std::move(result.tiers);
  report.teardown = std::move(result.teardown);
  report.evidence = std::move(result.evidence);
  report.operations = std::move(result.operations);
  report.deploy_count = result.deploy_count;
  if (result.base) {
    report.base = std::move(result.base->base);
    report.base_not_deployable = std::move(result.base->not_deployable);
    // A base deployed and removed again was one deployment more than the plan's.
    report.expected_deploy_count += result.base->abandoned_deploys;
  }
  report.infra_errors = std::move(result.infra_errors);
  report.interrupt_signal = result.interrupt_signal;
  report.duration = duration;
}

}  // namespace ccci::runner
