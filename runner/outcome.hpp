#pragma once
/// The outcome model of one run: checks, tiers, the run as a whole. Produced by the tier state
/// machine, consumed by the reports (JUnit, results.json, summary.md). Plain values, no behaviour
/// beyond naming.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccci::runner {

enum class Tier { install, upgrade, backup, restore, custom };
inline constexpr Tier all_tiers[] = {Tier::install, Tier::upgrade, Tier::backup, Tier::restore, Tier::custom};
std::string_view to_string(Tier tier);
std::optional<Tier> tier_from_string(std::string_view name);

/// pass: the expectation held. fail: the recipe is wrong. error: the harness or infrastructure is
/// wrong. skip: not run, with a reason.
enum class CheckStatus { pass, fail, error, skip };
std::string_view to_string(CheckStatus status);

/// Where a check comes from: built into the harness, the recipe's overlay in recipes/<r>/, or the
/// recipe repo itself (allow-listed recipes only).
enum class CheckSource { generic, overlay, repo_local };
std::string_view to_string(CheckSource source);

struct CheckOutcome {
  std::string name;
  CheckSource source = CheckSource::generic;
  CheckStatus status = CheckStatus::pass;
  std::string message;                   ///< one line; empty on pass
  std::string detail;                    ///< multi-line evidence (output, bodies), may be empty
  std::vector<std::string> artifacts{};  ///< files in OUT, relative to it (screenshots, a script's artifact dir)
  std::chrono::milliseconds duration{0};
  /// Failed, then passed when run once more: a pass the recipe cannot count on (spec checks only).
  bool flaky = false;
  int attempts = 1;  ///< runs of the check: 2 when a failure was run again
};

/// not_applicable: the recipe's spec says the tier does not apply (reason from the spec).
/// skipped: the tier could not or was not asked to run (an earlier tier failed, STAGES excluded it).
enum class TierStatus { pass, fail, error, skipped, not_applicable };
std::string_view to_string(TierStatus status);

struct TierOutcome {
  Tier tier = Tier::install;
  TierStatus status = TierStatus::skipped;
  std::string reason;  ///< why skipped / n/a / failed / errored
  std::vector<CheckOutcome> checks;
  std::chrono::milliseconds duration{0};
};

/// The run's overall verdict. error wins over fail: infrastructure must never masquerade as a bad recipe.
enum class Verdict { green, red, error, interrupted };
std::string_view to_string(Verdict verdict);

struct TeardownOutcome {
  bool ran = false;
  bool clean = false;                ///< verified: nothing of the run is left
  std::vector<std::string> residue;  ///< what was left, e.g. "service ccci-fw-1a2b_app"
  std::string message;
  std::chrono::milliseconds duration{0};
  /// --keep-on-failure on a red run: nothing was removed (ran is false); the deployment stays up
  /// for debugging until the reaper removes it after the run's expiry.
  bool kept = false;
};

/// Where a deployment kept for debugging is, when it goes and how to remove it sooner; every
/// string goes through the run's redactor before it is shown.
struct KeptDeployment {
  std::string url;                  ///< https://<domain>
  std::vector<std::string> stacks;  ///< the app's stack and its dependencies'
  std::string reaped_after;         ///< ISO 8601 UTC: the run's expiry, after which any reap removes it
  std::string remove_command;       ///< `ccci-run reap --state-dir <dir> --run <run id>`
};

/// What was gathered before teardown of a run with a failed or errored tier, to show why.
struct Evidence {
  bool collected = false;          ///< collection ran (only for failed or errored runs)
  std::vector<std::string> files;  ///< relative to OUT, e.g. "evidence/tasks.txt"
  std::vector<std::string> notes;  ///< what could not be gathered, and why
  std::chrono::milliseconds duration{0};
};

/// Wall time of one operation the tier machine asked for, in the order asked (issue 12): the
/// tiers' operations, each tier's checks, the evidence and the teardown.
struct OperationTiming {
  std::string name;          ///< "deploy_dependencies", "install", "seed_pre_upgrade", "checks", "teardown", …
  std::optional<Tier> tier;  ///< the tier it ran for; nullopt for evidence and teardown
  std::chrono::milliseconds duration{0};
};

/// The run's stacks' resource use as Docker reported it, sampled from install to teardown
/// (runner/resource_sampler.hpp). Figures Docker did not report are nullopt, with a note.
struct ResourceFigures {
  int samples = 0;                                 ///< docker answers holding a container of the run's stacks
  std::optional<std::uint64_t> peak_memory_bytes;  ///< the largest sum of memory over one sample's containers
  std::optional<double> peak_cpu_percent;          ///< likewise for CPU, percent of one core
  std::chrono::milliseconds interval{0};           ///< the pause between samples
  std::string note = "not sampled";                ///< why figures are missing or partial; empty when none are
};

}  // namespace ccci::runner

#include "runner/backup_analysis.hpp"
#include "runner/env_upgrade.hpp"
#include "runner/previous_overlay.hpp"
#include "runner/upgrade_base.hpp"

namespace ccci::runner {

/// How plans and reports say that a recipe has no recipes/<recipe>/recipe.yml.
inline constexpr std::string_view not_enrolled_note = "not enrolled: generic checks only";

/// Where a verdict came from (runner/provenance.hpp gathers it): a value that could not be read
/// is "unknown (<why>)", never an empty string.
struct Provenance {
  static constexpr const char* not_gathered = "unknown (not gathered)";
  std::string ccci_version = not_gathered;    ///< `git describe` of the build
  std::string abra_version = not_gathered;    ///< `abra --version` as printed (real abra or the stand-in)
  std::string docker_version = not_gathered;  ///< the engine's (server) version
  std::string kernel = not_gathered;          ///< uname -r
  std::string host = not_gathered;            ///< the host name
};

/// Whether the run became the recipe's last-green record (runner/promotion.hpp).
struct Promotion {
  bool promoted = false;
  std::string version;  ///< the tag recorded; empty unless promoted
  std::string reason;   ///< why not promoted; empty when promoted
};

/// What one dependency (spec `deps:`, runner/dependencies.hpp) did, for results.json and the summary.
struct DependencyReport {
  std::string recipe;
  std::string domain;
  bool warm = false;
  bool deployed = false;
  bool ready = false;
  bool provisioned = false;
  bool torn_down = false;
  std::string note;  ///< why a step did not happen, or what the teardown left; no secret
};

/// Everything the reports need about one run. Filled by the tier state machine; level, verdict
/// and exit code are derived from it (runner/verdict.hpp), never stored.
struct RunReport {
  std::string run_id;  ///< e.g. "fixture-web-pr1-3f2a1b4c"
  std::string recipe;
  std::optional<int> pr;
  std::string src;          ///< owner/repo of the recipe mirror
  std::string head_ref;     ///< "refs/pull/1/head" or a sha
  std::string head_commit;  ///< full sha
  UpgradeBase base;
  std::string base_not_deployable;  ///< "base <v> not deployable: <abra's reason>"; empty when it was (or no base)
  std::vector<OverlayDecision> previous_overlays;  ///< the spec's previous/ overlays: applied to the base or stale
  std::optional<EnvUpgrade> env_upgrade;       ///< what the upgrade did to the app's .env; nullopt: it never got there
  std::vector<DependencyReport> dependencies;  ///< in the spec's order; empty without deps
  BackupCoverage backup_coverage;              ///< the plan's static analysis of the head; warnings only
  /// The recipe repository's own checks (runner/repo_local.hpp): "absent", "denied" or "approved",
  /// and one line saying what was found, run or skipped and why.
  std::string repo_local_state = "absent";
  std::string repo_local_note;
  bool enrolled = true;            ///< false: the recipe has no spec; generic checks only
  std::vector<TierOutcome> tiers;  ///< always the five tiers, in order
  TeardownOutcome teardown;
  std::optional<KeptDeployment> kept;  ///< set when teardown.kept
  Evidence evidence;
  std::vector<OperationTiming> operations;  ///< wall time of each operation, in the order run
  ResourceFigures resources;                ///< the run's stacks' peak memory and CPU
  int deploy_count = 0;
  int expected_deploy_count = 1;          ///< 1 + number of dependencies
  std::optional<bool> lint_clean;         ///< nullopt: lint was not run
  std::vector<std::string> infra_errors;  ///< run-level infrastructure errors outside any tier
  int interrupt_signal = 0;               ///< SIGINT/SIGTERM if the run was interrupted
  std::string started_at;                 ///< ISO 8601 UTC, e.g. 2026-11-23T07:00:00Z
  std::chrono::milliseconds duration{0};
  Provenance environment;
  Promotion promotion{false, "", "not considered (the run ended before promotion)"};
};

}  // namespace ccci::runner
