#include "runner/app.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>

#include "harness/abra.hpp"
#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/git.hpp"
#include "harness/http.hpp"
#include "harness/interrupt.hpp"
#include "harness/log.hpp"
#include "harness/process.hpp"
#include "runner/config.hpp"
#include "runner/deployment.hpp"
#include "runner/naming.hpp"
#include "runner/plan.hpp"
#include "runner/plan_json.hpp"
#include "runner/progress.hpp"
#include "runner/reports.hpp"
#include "runner/spec.hpp"
#include "runner/spec_steps.hpp"
#include "runner/summary.hpp"
#include "runner/tier_machine.hpp"
#include "runner/verdict.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

/// What children (git, abra, docker) may see of our environment; nothing else leaks to them.
const std::vector<std::string> passed_to_children = {"PATH",
                                                     "HOME",
                                                     "TMPDIR",
                                                     "LANG",
                                                     "LC_ALL",
                                                     "DOCKER_HOST",
                                                     "DOCKER_CONFIG",
                                                     "DOCKER_CERT_PATH",
                                                     "DOCKER_TLS_VERIFY",
                                                     "RESTIC_REPOSITORY",
                                                     "RESTIC_PASSWORD_FILE",
                                                     "CCCI_TESTBED",
                                                     "CCCI_TESTBED_DIR",
                                                     "SSH_AUTH_SOCK"};

int exit_code_for_setup_error(const harness::Error& error) {
  return error.kind == ErrorKind::usage || error.kind == ErrorKind::spec ? 2 : 3;
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

PlanInputs plan_inputs(const Config& config, const RecipeSpec& spec, const std::string& nonce) {
  PlanInputs in;
  in.recipe = config.recipe;
  in.pr = config.pr;
  in.ref = config.ref;
  in.src = config.src;
  in.repo_url = repo_url(config);
  in.stages = config.stages;
  in.not_applicable = spec.not_applicable;
  for (const auto& [tier, checks] : spec.checks) {
    for (const auto& check : checks)
      in.overlay_checks[tier].push_back({check.name, CheckSource::overlay, describe(check)});
  }
  in.deps = spec.deps;
  in.pinned_base = spec.pinned_base;
  in.domain_suffix = config.domain_suffix;
  in.nonce = nonce;
  return in;
}

}  // namespace

int run_ccci(const std::map<std::string, std::string>& env, const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  auto config = parse_config(env, args);
  if (!config.ok()) {
    err << "ccci-run: " << config.error().message << "\nTry 'ccci-run --help'.\n";
    return 2;
  }
  if (config->mode == Mode::help) {
    out << help_text();
    return 0;
  }
  if (auto out_dir = make_out_dir(*config); !out_dir.ok()) {
    err << "ccci-run: " << out_dir.error().message << "\nTry 'ccci-run --help'.\n";
    return 2;
  }
  auto spec = load_spec(config->recipes_dir, config->recipe);
  if (!spec.ok()) {
    err << "ccci-run: " << spec.error().message << "\n";
    return 2;
  }

  harness::Logger log(out);
  auto processes = harness::make_process_runner(log);
  auto child_env = harness::inherited_environment(passed_to_children);
  auto git = harness::make_git(*processes, child_env);
  LastGreenStore last_green(config->state_dir / "last-green");
  std::string nonce = make_run_nonce();
  auto plan = make_plan(plan_inputs(*config, *spec, nonce), *git, last_green);
  if (!plan.ok()) {
    err << "ccci-run: " << plan.error().message << "\n";
    return exit_code_for_setup_error(plan.error());
  }
  log.write(render_plan(*plan));
  if (auto written = write_plan_json(*plan, config->out, log.redactor()); !written.ok()) {
    err << "ccci-run: " << log.redactor().redact(written.error().message) << "\n";
    return 3;
  }
  if (config->mode == Mode::plan_only) return 0;

  harness::install_interrupt_handlers();
  harness::HttpGlobal curl;
  if (!curl.status().ok()) {
    err << "ccci-run: " << curl.status().error().message << "\n";
    return 3;
  }
  harness::HttpRouting routing{config->gateway_host, config->gateway_port, config->ca_bundle.value_or("")};
  auto http = harness::make_http_client(routing, log);
  auto clock = harness::make_system_clock();

  std::filesystem::path abra_dir = config->abra_dir.value_or(config->state_dir / "abra") / "runs" / plan->run_id;
  harness::AbraSettings abra_settings;
  abra_settings.executable = config->abra;
  abra_settings.abra_dir = abra_dir;
  abra_settings.server = config->server;
  abra_settings.env = child_env;
  abra_settings.timeouts.deploy = spec->timeouts.deploy;
  abra_settings.timeouts.backup = spec->timeouts.backup;
  abra_settings.redactor = &log.redactor();
  auto abra = harness::make_abra_driver(*processes, abra_settings);
  harness::DockerSettings docker_settings;
  docker_settings.env = child_env;
  auto docker = harness::make_docker_driver(*processes, docker_settings);

  DeploymentSettings settings;
  settings.recipe = plan->recipe;
  settings.domain = plan->domain;
  settings.repo_url = plan->repo_url;
  settings.head_ref = plan->head_ref;
  settings.head_commit = plan->head_commit;
  settings.base = plan->base;
  settings.env_overlay = spec->env;
  settings.health_path = spec->health.path;
  settings.health_ok = spec->health.ok;
  settings.http_timeout = spec->timeouts.http;
  settings.image_pull = config->pull_images ? ImagePull::missing : ImagePull::never;
  settings.evidence.out = config->out;
  StepFacts facts{plan->domain, harness::stack_name_for(plan->domain), child_env};
  if (!config->gateway_host.empty()) {
    facts.script_env["CCCI_GATEWAY"] =
        config->gateway_host + (config->gateway_port ? ":" + std::to_string(config->gateway_port) : "");
  }
  if (config->ca_bundle) facts.script_env["CCCI_CA_BUNDLE"] = config->ca_bundle->string();
  SpecSteps steps(*spec, facts, *http, *docker, *processes, *clock, log.redactor());
  Deployment deployment(settings, {*abra, *docker, *git, *http, *clock, log, steps});

  RunReport report;
  report.run_id = plan->run_id;
  report.recipe = plan->recipe;
  report.pr = plan->pr;
  report.src = plan->src;
  report.head_ref = plan->head_ref;
  report.head_commit = plan->head_commit;
  report.base = plan->base;
  report.expected_deploy_count = plan->expected_deploy_count;
  report.started_at = utc_now();
  auto start = clock->now();

  TierMachine machine(
      deployment, *clock, [] { return harness::pending_interrupt(); }, terminal_progress(log));
  MachineResult result = machine.run(machine_inputs(*plan));
  report.tiers = std::move(result.tiers);
  report.teardown = std::move(result.teardown);
  report.evidence = std::move(result.evidence);
  report.deploy_count = result.deploy_count;
  report.infra_errors = std::move(result.infra_errors);
  report.interrupt_signal = result.interrupt_signal;
  report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(clock->now() - start);
  std::error_code ignored;
  std::filesystem::remove_all(abra_dir, ignored);

  if (auto written = write_reports(report, config->out, log.redactor()); !written.ok()) {
    err << "ccci-run: " << log.redactor().redact(written.error().message) << "\n";
    report.infra_errors.push_back(written.error().message);  // the exit code says error below
  }
  log.write(render_terminal_summary(report));
  return exit_code_for(report);
}

}  // namespace ccci::runner
