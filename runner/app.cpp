#include "runner/app.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <future>
#include <memory>

#include "harness/abra.hpp"
#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/filesystem.hpp"
#include "harness/git.hpp"
#include "harness/http.hpp"
#include "harness/interrupt.hpp"
#include "harness/keycloak.hpp"
#include "harness/log.hpp"
#include "harness/process.hpp"
#include "harness/volume_files.hpp"
#include "runner/abra_home.hpp"
#include "runner/config.hpp"
#include "runner/dependency_wiring.hpp"
#include "runner/deployment.hpp"
#include "runner/doctor.hpp"
#include "runner/head_compose.hpp"
#include "runner/helper_commands.hpp"
#include "runner/last_green_command.hpp"
#include "runner/naming.hpp"
#include "runner/plan.hpp"
#include "runner/plan_json.hpp"
#include "runner/previous_overlay.hpp"
#include "runner/progress.hpp"
#include "runner/promotion.hpp"
#include "runner/provenance.hpp"
#include "runner/reap_command.hpp"
#include "runner/reaper.hpp"
#include "runner/repo_local.hpp"
#include "runner/reports.hpp"
#include "runner/resource_sampler.hpp"
#include "runner/run_admission.hpp"
#include "runner/run_guard.hpp"
#include "runner/spec.hpp"
#include "runner/spec_steps.hpp"
#include "runner/summary.hpp"
#include "runner/tier_machine.hpp"
#include "runner/verdict.hpp"
#include "runner/wiring.hpp"

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
                                                     "CCCI_CHROMIUM",
                                                     "CCCI_BROWSER_RUNNER",
                                                     "CCCI_TESTBED_DIR",
                                                     "CCCI_STANDIN_BACKUP_OUTPUT",  // the stand-in's knobs
                                                     "CCCI_STANDIN_BACKUP_409",
                                                     "CCCI_STANDIN_BACKUP_RACE",
                                                     "SSH_AUTH_SOCK"};

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

int exit_code_for_setup_error(const harness::Error& error) {
  return error.kind == ErrorKind::usage || error.kind == ErrorKind::spec ? 2 : 3;
}

/// The run ends before its tiers: one line (or two) on stderr, and the exit code.
int stop(std::ostream& err, const std::string& message, int exit_code) {
  err << "ccci-run: " << message << "\n";
  return exit_code;
}

constexpr std::string_view try_help = "\nTry 'ccci-run --help'.";

/// The recipe's spec. A recipe that is not enrolled runs with the default spec (generic checks
/// only), unless CCCI_REQUIRE_SPEC=1 makes that a spec error naming the setting and the file.
harness::Result<RecipeSpec> load_recipe_spec(const Config& config) {
  CCCI_TRY(RecipeSpec spec, load_spec(config.recipes_dir, config.recipe));
  if (!spec.enrolled && config.require_spec) {
    auto source = config.sources.find("CCCI_REQUIRE_SPEC");
    std::string from = source == config.sources.end() ? "" : " (" + source->second + ")";
    return harness::make_error(ErrorKind::spec, "recipe " + config.recipe +
                                                    " is not enrolled: " + (spec.dir / "recipe.yml").string() +
                                                    " not found, and CCCI_REQUIRE_SPEC=1" + from + " requires a spec");
  }
  return spec;
}

/// What children get of the environment run_ccci was given (main gives it the process's own):
/// only `passed_to_children`.
harness::Environment environment_for_children(const std::map<std::string, std::string>& env) {
  harness::Environment kept;
  for (const auto& name : passed_to_children) {
    if (auto found = env.find(name); found != env.end()) kept.emplace(name, found->second);
  }
  return kept;
}

/// The seams planning needs as well as the run: the logged process runner, the children's
/// environment (only `passed_to_children`), git.
struct Host {
  explicit Host(harness::Logger& log)
      : processes(harness::make_process_runner(log)),
        child_env(harness::inherited_environment(passed_to_children)),
        git(harness::make_git(*processes, child_env)) {}

  std::unique_ptr<harness::ProcessRunner> processes;
  harness::Environment child_env;
  std::unique_ptr<harness::Git> git;
};

/// plan: the head and the upgrade base, resolved through git and the last-green records.
/// From one scratch clone of the head at `scratch`: its static backup-coverage analysis, and the
/// checks its repository ships (copied to `repo_local_copy` when approved; none: a plan only).
harness::Result<Plan> plan_run(const Config& config, const RecipeSpec& spec, harness::Git& git,
                               const std::string& nonce, const std::filesystem::path& scratch,
                               const std::optional<std::filesystem::path>& repo_local_copy) {
  LastGreenStore last_green(config.state_dir / "last-green");
  CCCI_TRY(Plan plan, make_plan(plan_inputs(config, spec, nonce), git, last_green));
  std::optional<harness::Result<RepoLocal>> repo_local;
  auto env = mapped_env_placeholders(spec.dependencies);  // what the deps write, not known yet
  for (const auto& [key, value] : spec.env) env[key] = value;
  plan.backup_coverage = analyse_head_backup_coverage(
      git, {plan.repo_url, plan.head_ref, plan.domain, env}, scratch, [&](const std::filesystem::path& checkout) {
        repo_local = take_repo_local(checkout, config.recipes_dir, config.recipe, repo_local_copy);
      });
  if (!repo_local) {
    plan.repo_local.note = "not looked for: the head could not be checked out (" + plan.backup_coverage.note + ")";
  } else if (!repo_local->ok()) {
    return repo_local->error();
  } else {
    plan.repo_local = std::move(**repo_local);
  }
  return plan;
}

/// guard: what the run is, for its journal's header.
RunIdentity run_identity(const Config& config, const std::string& nonce) {
  auto now = std::chrono::system_clock::now();
  return {run_id(config.recipe, config.pr, nonce), config.recipe, config.pr,
          static_cast<long>(::getpid()),           now,           now + config.run_expiry};
}

/// guard: every stack and directory the deployment makes, in the journal before it is made — the
/// app's stack, its dependencies' (named per (parent, dep)), the run's abra home.
harness::Status journal_run_resources(RunJournal& journal, const Config& config, const Plan& plan) {
  CCCI_TRY(auto abra_home, harness::absolute_path(run_abra_dir(config, plan)));
  CCCI_TRY_STATUS(journal.record_directory(abra_home));
  for (const auto& stack : run_stacks(config, plan)) CCCI_TRY_STATUS(journal.record_stack(stack));
  return harness::ok_status();
}

/// guard: before anything is deployed, what dead runs left goes (their secrets and volumes would
/// collide with ours or fill the host). The findings are said in the log; they are other runs'
/// and never change this run's verdict.
void reap_dead_runs(const Config& config, const Plan& plan, Host& host, harness::Logger& log) {
  auto docker = harness::make_docker_driver(*host.processes, docker_settings(host.child_env));
  auto clock = harness::make_system_clock();
  Reaper reaper({config.state_dir, plan.run_id}, *docker, *clock);
  for (const auto& line : reaper.reap().lines()) log.info("reap", line);
}

/// admit: wait (within CCCI_LOCK_WAIT) until no other run of this recipe and PR is running and,
/// under CCCI_CAPACITY, a slot of the host is free; each wait is said once in the log.
harness::Result<Admission> admit(const Config& config, const Plan& plan, harness::Logger& log) {
  auto clock = harness::make_system_clock();
  AdmissionRequest request{config.state_dir, config.recipe,   config.pr, plan.run_id, static_cast<long>(::getpid()),
                           config.capacity,  config.lock_wait};
  return admit_run(request, *clock, [&](const std::string& line) { log.info("admission", line); });
}

/// guard: the run's directory (journal, lock) goes when nothing of the run is left; otherwise it
/// stays for the next reap, and the log says so.
void release_guard(RunGuard& guard, bool nothing_left, harness::Logger& log) {
  if (!nothing_left) {
    log.info("guard", "kept " + guard.dir().string() + ": the next `ccci-run reap` removes what the run left");
    return;
  }
  if (auto finished = guard.finish(); !finished.ok()) log.info("guard", finished.error().message);
}

/// The plan on the terminal and in OUT/plan.json, both through the run's redactor.
harness::Status show_plan(const Plan& plan, const std::filesystem::path& out, harness::Logger& log) {
  log.write(render_plan(plan));
  return write_plan_json(plan, out, log.redactor());
}

/// The real seams of one run, built from the configuration, the spec and the plan, in the order
/// they depend on each other; the deployment is what the tier machine drives.
class RunSeams {
 public:
  RunSeams(const Config& config, const RecipeSpec& spec, const Plan& plan, DependenciesSettings deps, Host& host,
           harness::Logger& log)
      : http_(harness::make_http_client(http_routing(config), log)),
        clock_(harness::make_system_clock()),
        abra_(harness::make_abra_driver(*host.processes,
                                        abra_settings(config, spec, plan, host.child_env, log.redactor()))),
        docker_(harness::make_docker_driver(*host.processes, docker_settings(host.child_env))),
        volume_files_(harness::make_volume_files(*host.processes, docker_settings(host.child_env),
                                                 std::filesystem::temp_directory_path())),
        facts_(with_generated_facts(step_facts(config, plan, host.child_env))),
        spec_steps_(spec, facts_, *http_, *docker_, *host.processes, *clock_, log),
        repo_spec_(repo_local_spec(spec, plan.repo_local)),
        repo_steps_(repo_spec_, facts_, *http_, *docker_, *host.processes, *clock_, log),
        steps_(spec_steps_, plan.repo_local.state == RepoLocal::State::approved ? &repo_steps_ : nullptr,
               plan.repo_local),
        deployment_(deployment_settings(config, spec, plan),
                    {*abra_, *docker_, *volume_files_, *host.git, *http_, *clock_, log, steps_}),
        sampler_(*docker_, run_stacks(config, plan)) {
    if (deps.deps.empty()) return;
    ProviderFactory providers = [this, &log](const std::string&, harness::KeycloakSettings settings) {
      return harness::make_keycloak_provider(*http_, std::move(settings), log.redactor());
    };
    deps_ = std::make_unique<Dependencies>(
        std::move(deps), DependenciesSeams{*abra_, *docker_, *host.git, *http_, *clock_, log, std::move(providers)});
    deployment_.use_dependencies(*deps_);
    spec_steps_.use_dependency_logins(*deps_);
    repo_steps_.use_dependency_logins(*deps_);
  }

  Deployment& deployment() { return deployment_; }
  /// The run's dependencies; null when the spec has none.
  const Dependencies* dependencies() const { return deps_.get(); }
  ResourceSampler& sampler() { return sampler_; }
  harness::Clock& clock() { return *clock_; }

 private:
  std::unique_ptr<harness::HttpClient> http_;
  std::unique_ptr<harness::Clock> clock_;
  std::unique_ptr<harness::AbraDriver> abra_;
  std::unique_ptr<harness::DockerDriver> docker_;
  std::unique_ptr<harness::VolumeFiles> volume_files_;
  StepFacts facts_;  ///< one owner account per run, shared by the spec's and the repository's checks
  SpecSteps spec_steps_;
  RecipeSpec repo_spec_;  ///< the recipe's spec with the repository's own checks (runner/repo_local.hpp)
  SpecSteps repo_steps_;  ///< runs them; used only when they are approved
  WithRepoLocalChecks steps_;
  Deployment deployment_;
  std::unique_ptr<Dependencies> deps_;  ///< the deployment and the steps borrow it
  ResourceSampler sampler_;             // after docker_, which it borrows; its thread ends before docker_ goes
};

/// run the machine: the plan's tiers on the deployment, progress live in the log, teardown always.
/// `keep_on_failure` is the machine's hook for --keep-on-failure (empty: always tear down).
RunReport run_machine(const Plan& plan, const RecipeSpec& spec, RunSeams& seams,
                      std::function<harness::Status()> keep_on_failure, harness::Logger& log) {
  RunReport report = report_head(plan, utc_now());
  auto start = seams.clock().now();
  TierMachine machine(
      seams.deployment(), seams.clock(), [] { return harness::pending_interrupt(); },
      sampling_while_deployed(terminal_progress(log), seams.sampler()));
  MachineInputs inputs = machine_inputs(plan);
  inputs.keep_on_failure = std::move(keep_on_failure);
  MachineResult result = machine.run(inputs);
  report.resources = seams.sampler().finish();
  record_machine_result(report, std::move(result),
                        std::chrono::duration_cast<std::chrono::milliseconds>(seams.clock().now() - start));
  // A last-green base that no longer deploys falls through: the overlays are judged against the base used.
  if (report.base.commit != plan.base.commit || report.base.source != plan.base.source)
    report.previous_overlays = decide_previous_overlays(spec.previous, report.base);
  report.env_upgrade = seams.deployment().env_upgrade();
  if (const auto* deps = seams.dependencies()) report.dependencies = deps->reports();
  return report;
}

/// report: junit, results.json and summary.md in OUT, the summary on the terminal; the exit code.
/// A report that cannot be written makes the run an error.
int report_run(RunReport& report, const std::filesystem::path& out, harness::Logger& log, std::ostream& err) {
  if (auto written = write_reports(report, out, log.redactor()); !written.ok()) {
    err << "ccci-run: " << log.redactor().redact(written.error().message) << "\n";
    report.infra_errors.push_back(written.error().message);  // the exit code says error below
  }
  log.write(render_terminal_summary(report));
  return exit_code_for(report);
}

/// After the run, before the reports: whether it becomes the recipe's last-green record. The
/// tags come from the listing the plan was resolved from (the real Git lists a repo once).
Promotion promote_run(const Config& config, const Plan& plan, const RunReport& report, harness::Git& git,
                      harness::Logger& log) {
  Promotion promotion;
  if (auto refs = git.list_remote_refs(plan.repo_url); !refs.ok()) {
    promotion = {false, "", "the recipe repo's tags could not be listed: " + refs.error().message};
  } else {
    promotion = promote(report, {config.stages, *refs}, LastGreenStore(config.state_dir / "last-green"), utc_now());
  }
  log.info("last-green", describe(promotion));
  return promotion;
}

/// Everything after the plan: reap, journal, build the seams, run the machine, report.
int run_plan(const Config& config, const RecipeSpec& spec, const Plan& plan, Host& host, RunGuard& guard,
             harness::Logger& log, std::ostream& err) {
  harness::install_interrupt_handlers();
  harness::HttpGlobal curl;
  if (!curl.status().ok()) {
    release_guard(guard, true, log);
    return stop(err, curl.status().error().message, 3);
  }
  // Held until the run returns, after its teardown: no other run of this recipe and PR deploys
  // meanwhile, and the run counts against the host's capacity.
  auto admission = admit(config, plan, log);
  if (!admission.ok()) {
    release_guard(guard, true, log);
    bool interrupted = admission.error().kind == ErrorKind::interrupted;
    return stop(err, log.redactor().redact(admission.error().message),
                interrupted ? 128 + harness::pending_interrupt() : 3);
  }
  reap_dead_runs(config, plan, host, log);
  if (auto journaled = journal_run_resources(guard.journal(), config, plan); !journaled.ok()) {
    release_guard(guard, true, log);
    return stop(err, log.redactor().redact(journaled.error().message), 3);
  }
  // The run's ABRA_DIR is scratch: one left behind is said in the log, the verdict stands.
  auto remove_run_home = [&] {
    if (auto removed = harness::remove_tree(run_abra_dir(config, plan)); !removed.ok())
      log.info("cleanup", removed.error().message);
  };
  // Before anything is deployed: an abra home without the server would fail at `app new`.
  if (auto home = prepare_run_abra_home(abra_homes(config, plan)); !home.ok()) {
    remove_run_home();
    release_guard(guard, true, log);
    return stop(err, log.redactor().redact(home.error().message), 3);
  }
  // Provenance is read beside the run (two short spawns) and never fails it.
  auto engine_settings = docker_settings(host.child_env);
  engine_settings.timeout = ProvenanceSources{}.timeout;
  auto provenance_docker = harness::make_docker_driver(*host.processes, engine_settings);
  auto provenance = std::async(std::launch::async, [&] {
    return gather_provenance(*host.processes, *provenance_docker, {config.abra, host.child_env});
  });
  auto deps = dependencies_settings(config, spec, plan);
  if (!deps.ok()) {
    remove_run_home();
    release_guard(guard, true, log);
    return stop(err, log.redactor().redact(deps.error().message), exit_code_for_setup_error(deps.error()));
  }
  for (const auto& dep : deps->deps) {
    if (dep.warm) log.redactor().add_secret(dep.warm->admin_password);
  }
  RunSeams seams(config, spec, plan, std::move(*deps), host, log);
  // Journaled before the run exits without its teardown, so the reaper knows to wait for the expiry.
  std::function<harness::Status()> keep;
  if (config.keep_on_failure) keep = [&guard] { return guard.journal().record_kept(); };
  RunReport report = run_machine(plan, spec, seams, std::move(keep), log);
  report.environment = provenance.get();
  // A kept deployment still needs its abra home (and the reaper its run directory) until it goes.
  if (report.teardown.kept)
    report.kept = kept_deployment(config, plan, guard.dir().parent_path().parent_path(), guard.expires());
  else
    remove_run_home();
  report.promotion = promote_run(config, plan, report, *host.git, log);
  int exit_code = report_run(report, config.out, log, err);
  if (report.teardown.kept) {
    log.info("guard", "kept " + guard.dir().string() + " with the deployment: a reap after " +
                          report.kept->reaped_after + " removes them, `" + report.kept->remove_command + "` sooner");
    return exit_code;
  }
  release_guard(guard, report.teardown.clean || !report.teardown.ran, log);
  return exit_code;
}

/// The run's guard, or an error for the terminal; only a run that deploys takes one.
harness::Result<std::optional<RunGuard>> take_guard(const Config& config, const std::string& nonce) {
  if (config.mode != Mode::run) return std::optional<RunGuard>();
  CCCI_TRY(auto guard, RunGuard::take(config.state_dir, run_identity(config, nonce)));
  return std::optional<RunGuard>(std::move(guard));
}

}  // namespace

int run_ccci(const std::map<std::string, std::string>& env, const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  // A script check's helpers (`exec`, `http`) take their own arguments and the run's CCCI_* facts.
  if (is_helper_command(args)) return run_helper_command(env, args, environment_for_children(env), out, err);
  // configure: settings, OUT, the spec; nothing has spawned yet.
  auto config = parse_config(env, args);
  if (!config.ok()) return stop(err, config.error().message + std::string(try_help), 2);
  if (config->mode == Mode::help) {
    out << help_text();
    return 0;
  }
  if (config->mode == Mode::doctor)
    return run_doctor(*config, harness::inherited_environment(passed_to_children), out, err);
  if (config->mode == Mode::last_green) return run_last_green(*config, out, err);
  if (config->mode == Mode::reap) return run_reap(*config, environment_for_children(env), out);
  if (auto made = make_out_dir(*config); !made.ok()) return stop(err, made.error().message + std::string(try_help), 2);
  auto spec = load_recipe_spec(*config);
  if (!spec.ok()) return stop(err, spec.error().message, 2);

  // plan: resolve the head and the base, print the plan and write plan.json.
  // guard: a run that deploys takes its lock and journal first, so even the planning clone is
  // journaled (inside the run directory) before it is made; --plan clones into the temp directory.
  harness::Logger log(out);
  Host host(log);
  const std::string nonce = make_run_nonce();
  auto guard = take_guard(*config, nonce);
  if (!guard.ok()) return stop(err, guard.error().message, 3);
  auto scratch =
      *guard ? (*guard)->scratch("plan-clone")
             : harness::Result<std::filesystem::path>(std::filesystem::temp_directory_path() /
                                                      ("ccci-plan-" + run_id(config->recipe, config->pr, nonce)));
  auto before_deploying = [&](int exit_code) {
    if (*guard) release_guard(**guard, true, log);
    return exit_code;
  };
  if (!scratch.ok()) return before_deploying(stop(err, scratch.error().message, 3));
  std::optional<std::filesystem::path> repo_local_copy;
  if (*guard) {
    auto copy = (*guard)->scratch("repo-local");
    if (!copy.ok()) return before_deploying(stop(err, copy.error().message, 3));
    repo_local_copy = *copy;
  }
  auto plan = plan_run(*config, *spec, *host.git, nonce, *scratch, repo_local_copy);
  if (!plan.ok()) return before_deploying(stop(err, plan.error().message, exit_code_for_setup_error(plan.error())));
  if (auto shown = show_plan(*plan, config->out, log); !shown.ok())
    return before_deploying(stop(err, log.redactor().redact(shown.error().message), 3));
  if (config->mode == Mode::plan_only) return 0;

  return run_plan(*config, *spec, *plan, host, **guard, log, err);
}

}  // namespace ccci::runner
