#include "runner/plan.hpp"

#include <algorithm>
#include <sstream>

#include "harness/git.hpp"
#include "harness/text.hpp"
#include "runner/generic_checks.hpp"
#include "runner/naming.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;

struct Head {
  std::string ref;
  std::string commit;
};

harness::Result<Head> resolve_head(const PlanInputs& in, harness::Git& git) {
  if (in.pr) {
    Head head{"refs/pull/" + std::to_string(*in.pr) + "/head", in.ref.value_or("")};
    if (head.commit.empty()) {
      auto commit = git.resolve_remote_ref(in.repo_url, head.ref);
      if (!commit.ok()) {
        if (commit.error().kind == ErrorKind::not_found) {
          return make_error(ErrorKind::usage,
                            "PR " + std::to_string(*in.pr) + " has no head (" + head.ref + ") in " + in.repo_url);
        }
        return commit.error();
      }
      head.commit = *commit;
    }
    return head;
  }
  if (in.ref) return Head{*in.ref, *in.ref};
  for (const char* branch : {"refs/heads/main", "refs/heads/master"}) {
    auto commit = git.resolve_remote_ref(in.repo_url, branch);
    if (commit.ok()) return Head{branch, *commit};
    if (commit.error().kind != ErrorKind::not_found) return commit.error();
  }
  return make_error(ErrorKind::usage, in.repo_url + " has neither a main nor a master branch to test; give PR or REF");
}

std::string stages_text(const std::vector<Tier>& stages) {
  std::string text;
  for (Tier tier : stages) text += (text.empty() ? "" : ",") + std::string(to_string(tier));
  return text;
}

TierIntent intent_for(Tier tier, const PlanInputs& in, const UpgradeBase& base) {
  if (auto na = in.not_applicable.find(tier); na != in.not_applicable.end()) {
    return {tier, Disposition::not_applicable, na->second};
  }
  // The custom tier has no generic checks: without a spec it would "pass" having checked nothing.
  if (tier == Tier::custom && !in.enrolled) {
    return {tier, Disposition::not_applicable, "not enrolled: custom checks come only from a spec"};
  }
  if (tier == Tier::restore) {
    if (auto na = in.not_applicable.find(Tier::backup); na != in.not_applicable.end()) {
      return {tier, Disposition::not_applicable, "backup is n/a: " + na->second};
    }
  }
  if (std::find(in.stages.begin(), in.stages.end(), tier) == in.stages.end()) {
    return {tier, Disposition::skip, "not requested (STAGES=" + stages_text(in.stages) + ")"};
  }
  if (tier == Tier::restore && std::find(in.stages.begin(), in.stages.end(), Tier::backup) == in.stages.end()) {
    return {tier, Disposition::skip, "restore needs a backup of this run, and the backup tier was not requested"};
  }
  if (tier == Tier::upgrade && base.source == BaseSource::skip) {
    return {tier, Disposition::skip, "no upgrade base: " + base.reason};
  }
  return {tier, Disposition::run, {}};
}

}  // namespace

harness::Result<Plan> make_plan(const PlanInputs& in, harness::Git& git, const LastGreenStore& store) {
  CCCI_TRY(Head head, resolve_head(in, git));

  BaseInputs base_inputs;
  base_inputs.recipe = in.recipe;
  base_inputs.repo_url = in.repo_url;
  base_inputs.pinned = in.pinned_base;
  base_inputs.upgrade_wanted = std::find(in.stages.begin(), in.stages.end(), Tier::upgrade) != in.stages.end() &&
                               !in.not_applicable.count(Tier::upgrade);
  base_inputs.head_commit = head.commit;
  CCCI_TRY(UpgradeBase base, resolve_upgrade_base(base_inputs, store, git));

  Plan plan;
  plan.run_id = run_id(in.recipe, in.pr, in.nonce);
  plan.recipe = in.recipe;
  plan.pr = in.pr;
  plan.src = in.src;
  plan.repo_url = in.repo_url;
  plan.head_ref = head.ref;
  plan.head_commit = head.commit;
  plan.base = base;
  plan.previous_overlays = decide_previous_overlays(in.previous, base);
  plan.enrolled = in.enrolled;
  plan.spec_file = in.spec_file;
  plan.deps = in.deps;
  plan.expected_deploy_count = 1 + static_cast<int>(in.deps.size()) - in.warm_deps;
  plan.domain = app_domain(in.recipe, in.nonce, in.domain_suffix);
  auto installed = base.source == BaseSource::skip ? InstallDeploys::head : InstallDeploys::base;
  for (Tier tier : all_tiers) {
    PlannedTier planned{intent_for(tier, in, base), {}};
    if (planned.intent.disposition == Disposition::run) {
      for (const auto& check : generic_checks(tier, installed)) {
        planned.checks.push_back({std::string(check.name()), CheckSource::generic, std::string(check.description)});
      }
      if (auto overlay = in.overlay_checks.find(tier); overlay != in.overlay_checks.end()) {
        planned.checks.insert(planned.checks.end(), overlay->second.begin(), overlay->second.end());
      }
    }
    plan.tiers.push_back(std::move(planned));
  }
  return plan;
}

MachineInputs machine_inputs(const Plan& plan) {
  MachineInputs inputs;
  for (const auto& tier : plan.tiers) inputs.tiers.push_back(tier.intent);
  inputs.has_dependencies = !plan.deps.empty();
  inputs.expected_deploy_count = plan.expected_deploy_count;
  return inputs;
}

std::string render_plan(const Plan& plan) {
  std::ostringstream out;
  out << "plan " << plan.run_id << "\n";
  out << "  recipe   " << plan.recipe << (plan.pr ? " PR " + std::to_string(*plan.pr) : "") << " (" << plan.src
      << ")\n";
  out << "  repo     " << plan.repo_url << "\n";
  out << "  head     " << plan.head_commit << " (" << plan.head_ref << ")\n";
  out << "  base     ";
  if (plan.base.source == BaseSource::skip) {
    out << "none — skip: " << plan.base.reason << "\n";
  } else {
    out << (plan.base.version.empty() ? plan.base.branch : plan.base.version) << " @ " << plan.base.commit << " from "
        << to_string(plan.base.source) << " (" << plan.base.reason << ")\n";
  }
  for (const auto& overlay : plan.previous_overlays) {
    out << "  previous " << overlay.version << " (" << harness::join(overlay.files, ", ")
        << "): " << to_string(overlay.status) << " — " << overlay.reason << "\n";
  }
  out << "  spec     "
      << (plan.enrolled ? plan.spec_file.string()
                        : std::string(not_enrolled_note) + " (no " + plan.spec_file.string() + ")")
      << "\n";
  out << "  domain   " << plan.domain << "\n";
  out << "  deps     " << (plan.deps.empty() ? "none" : "");
  for (size_t i = 0; i < plan.deps.size(); ++i) out << (i ? ", " : "") << plan.deps[i];
  const auto deployed_deps = static_cast<size_t>(std::max(plan.expected_deploy_count - 1, 0));
  out << "\n  deploys  " << plan.expected_deploy_count << " (1 + " << deployed_deps << " dependencies";
  if (deployed_deps < plan.deps.size()) out << "; " << plan.deps.size() - deployed_deps << " warm, provisioned only";
  out << ")\n";
  out << "  backup   " << describe(plan.backup_coverage) << "\n";
  for (const auto& warning : plan.backup_coverage.warnings) out << "    ! " << warning << "\n";
  out << "  repo     " << plan.repo_local.note << "\n";
  out << "  tiers\n";
  for (const auto& tier : plan.tiers) {
    out << "    " << to_string(tier.intent.tier) << ": ";
    switch (tier.intent.disposition) {
      case Disposition::run: out << "run\n"; break;
      case Disposition::not_applicable: out << "n/a — " << tier.intent.reason << "\n"; break;
      case Disposition::skip: out << "skip — " << tier.intent.reason << "\n"; break;
    }
    for (const auto& check : tier.checks) {
      out << "      - " << check.name << " [" << to_string(check.source) << "]"
          << (check.description.empty() ? "" : ": " + check.description) << "\n";
    }
  }
  return out.str();
}

}  // namespace ccci::runner
