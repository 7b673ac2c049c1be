#pragma once
/// Plan: everything a run will do, resolved before anything is deployed — the head, the upgrade
/// base with its source, whether the recipe is enrolled (has a spec), each tier's disposition and
/// checks, the dependencies and the expected deploy count. `ccci-run --plan` prints it and writes
/// plan.json; a real run executes it.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/result.hpp"
#include "runner/backup_analysis.hpp"
#include "runner/outcome.hpp"
#include "runner/previous_overlay.hpp"
#include "runner/repo_local.hpp"
#include "runner/tier_machine.hpp"
#include "runner/upgrade_base.hpp"

namespace ccci::harness {
class Git;
}

namespace ccci::runner {

struct PlannedCheck {
  std::string name;
  CheckSource source = CheckSource::generic;
  std::string description;
};

struct PlannedTier {
  TierIntent intent;
  std::vector<PlannedCheck> checks;  ///< empty unless the tier runs
};

struct Plan {
  std::string run_id;
  std::string recipe;
  std::optional<int> pr;
  std::string src;
  std::string repo_url;
  std::string head_ref;
  std::string head_commit;
  UpgradeBase base;
  std::vector<OverlayDecision> previous_overlays;  ///< the spec's previous/ overlays: applied to this base or stale
  bool enrolled = true;                            ///< false: no spec, the generic checks only
  std::filesystem::path spec_file;                 ///< recipes/<recipe>/recipe.yml, read or (not enrolled) absent
  std::vector<PlannedTier> tiers;                  ///< the five tiers, in order
  std::vector<std::string> deps;
  int expected_deploy_count = 1;
  std::string domain;
  BackupCoverage backup_coverage;  ///< the head's static backup-coverage analysis; warnings only
  RepoLocal repo_local;            ///< the checks the head's repository ships, and whether they may run
};

/// What the plan is made from: configuration and spec, reduced to what planning needs.
struct PlanInputs {
  std::string recipe;
  std::optional<int> pr;
  std::optional<std::string> ref;  ///< REF: the head commit when known
  std::string src;
  std::string repo_url;
  std::vector<Tier> stages;  ///< requested tiers
  bool enrolled = true;      ///< the spec came from a recipe.yml
  std::filesystem::path spec_file;
  std::map<Tier, std::string> not_applicable;  ///< from the spec, with reasons
  std::map<Tier, std::vector<PlannedCheck>> overlay_checks;
  std::vector<std::string> deps;
  int warm_deps = 0;  ///< deps served by an operator's warm provider: provisioned, never deployed
  std::optional<std::string> pinned_base;
  std::vector<PreviousOverlay> previous;  ///< the spec's previous/ overlays
  std::string domain_suffix;
  std::string nonce;
};

/// Errors: ErrorKind::usage when the PR or ref does not exist in the repo, ErrorKind::infra when
/// the repo cannot be reached, ErrorKind::spec when a pinned base is not a tag.
harness::Result<Plan> make_plan(const PlanInputs& inputs, harness::Git& git, const LastGreenStore& store);

/// The tier intents the state machine consumes.
MachineInputs machine_inputs(const Plan& plan);

/// A readable multi-line rendering for the terminal.
std::string render_plan(const Plan& plan);

}  // namespace ccci::runner
