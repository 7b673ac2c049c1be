#pragma once
/// Wiring: the copies run_ccci makes between the parts of a run, each made once, here. What the
/// run was asked for (Config) and what the recipe declares (RecipeSpec) become PlanInputs; the
/// resolved Plan becomes what each seam is given (AbraSettings, DeploymentSettings, StepFacts)
/// and the head of the RunReport, which the tier machine's MachineResult then completes. Pure
/// functions of their arguments: no spawns, no files.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/abra.hpp"
#include "harness/docker.hpp"
#include "harness/http.hpp"
#include "harness/process.hpp"
#include "harness/redactor.hpp"
#include "runner/abra_home.hpp"
#include "runner/config.hpp"
#include "runner/deployment.hpp"
#include "runner/outcome.hpp"
#include "runner/plan.hpp"
#include "runner/run_journal.hpp"
#include "runner/spec.hpp"
#include "runner/spec_steps.hpp"
#include "runner/tier_machine.hpp"

namespace ccci::runner {

/// What planning needs of the configuration and the spec; overlay checks carry their description.
PlanInputs plan_inputs(const Config& config, const RecipeSpec& spec, const std::string& nonce);

/// Every stack the run deploys: the app's, then each dependency's (named per (parent, dep)).
std::vector<std::string> run_stacks(const Config& config, const Plan& plan);

/// A deployment kept for debugging (--keep-on-failure): its URL, its stacks, when a reap removes
/// it (`expires`, the journal's) and the command that removes it now, naming the absolute
/// `state_dir` (shell-quoted when it needs to be) and the run id.
KeptDeployment kept_deployment(const Config& config, const Plan& plan, const std::filesystem::path& state_dir,
                               WallTime expires);

/// The run's own ABRA_DIR: <state_dir>/abra/runs/<run id>.
std::filesystem::path run_abra_dir(const Config& config, const Plan& plan);

/// The host's abra home (ABRA_DIR, else $HOME/.abra), the run's own and the server, for
/// prepare_run_abra_home.
AbraHomes abra_homes(const Config& config, const Plan& plan);

/// abra for this run: its executable and server, run_abra_dir, the spec's deploy and backup
/// timeouts, the children's environment, and the run's redactor (which learns abra's secrets).
harness::AbraSettings abra_settings(const Config& config, const RecipeSpec& spec, const Plan& plan,
                                    const harness::Environment& child_env, harness::Redactor& redactor);

/// Every https://<domain> request goes to the configured gateway, verified against the CA bundle.
harness::HttpRouting http_routing(const Config& config);

/// docker sees the children's environment (DOCKER_HOST and the like).
harness::DockerSettings docker_settings(const harness::Environment& child_env);

/// The deployment of the plan's head and base, with the spec's env overlay, health check and
/// HTTP timeout; images are pulled unless CCCI_PULL=never; evidence goes to OUT.
DeploymentSettings deployment_settings(const Config& config, const RecipeSpec& spec, const Plan& plan);

/// What scripts are told: the domain, stack, app name and OUT, and on top of the children's
/// environment the gateway (CCCI_GATEWAY=host[:port]) and CA bundle (CCCI_CA_BUNDLE) when
/// configured. The generated facts are added by with_generated_facts (runner/script_facts.hpp).
StepFacts step_facts(const Config& config, const Plan& plan, const harness::Environment& child_env);

/// The report's head, from the plan: what was tested, against which base, started when. Tiers,
/// teardown and the rest come from the machine (record_machine_result).
RunReport report_head(const Plan& plan, std::string started_at);

/// Moves what the tier machine found into the report, with the run's duration.
void record_machine_result(RunReport& report, MachineResult result, std::chrono::milliseconds duration);

}  // namespace ccci::runner
