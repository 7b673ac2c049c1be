#include "runner/verdict.hpp"

#include <algorithm>
#include <string>

namespace ccci::runner {
namespace {

const TierOutcome* find_tier(const RunReport& report, Tier tier) {
  for (const auto& outcome : report.tiers) {
    if (outcome.tier == tier) return &outcome;
  }
  return nullptr;
}

enum class Rung { passed, passed_over, broken };

struct RungState {
  Rung rung = Rung::broken;
  std::string why;  ///< when broken: what broke it
};

std::string tier_why(const TierOutcome* tier, const char* name) {
  if (!tier) return std::string(name) + " did not run";
  std::string why = std::string(name) + " " + std::string(to_string(tier->status));
  return tier->reason.empty() ? why : why + ": " + tier->reason;
}

RungState rung_of(const TierOutcome* tier, const char* name) {
  if (tier && tier->status == TierStatus::pass) return {Rung::passed, {}};
  if (tier && tier->status == TierStatus::not_applicable) return {Rung::passed_over, {}};
  return {Rung::broken, tier_why(tier, name)};
}

RungState both(const RungState& a, const RungState& b) {
  if (a.rung == Rung::broken) return a;
  if (b.rung == Rung::broken) return b;
  if (a.rung == Rung::passed_over && b.rung == Rung::passed_over) return {Rung::passed_over, {}};
  return {Rung::passed, {}};
}

bool has_own_check(const TierOutcome& tier) {
  return std::any_of(tier.checks.begin(), tier.checks.end(), [](const CheckOutcome& check) {
    return check.source != CheckSource::generic && check.status == CheckStatus::pass;
  });
}

/// The functional rung: generic checks prove the app answers, not that it does its job.
RungState custom_rung(const TierOutcome* tier) {
  const char* no_proof = "custom: no check of the recipe's own, so no functional proof (add checks.custom to its spec)";
  if (tier && tier->status == TierStatus::not_applicable)
    return {Rung::broken, no_proof + std::string("; n/a: ") + tier->reason};
  RungState state = rung_of(tier, "custom");
  if (state.rung == Rung::passed && !has_own_check(*tier)) return {Rung::broken, no_proof};
  return state;
}

}  // namespace

Level assess_level(const RunReport& report) {
  const RungState rungs[] = {
      rung_of(find_tier(report, Tier::install), "install"),
      rung_of(find_tier(report, Tier::upgrade), "upgrade"),
      both(rung_of(find_tier(report, Tier::backup), "backup"), rung_of(find_tier(report, Tier::restore), "restore")),
      custom_rung(find_tier(report, Tier::custom)),
      report.lint_clean.value_or(false)
          ? RungState{Rung::passed, {}}
          : RungState{Rung::broken, report.lint_clean ? "lint not clean" : "lint not run"},
  };
  // Install is the ground every other rung stands on: it can't be passed over.
  if (rungs[0].rung != Rung::passed) return {0, rungs[0].rung == Rung::broken ? rungs[0].why : "install n/a"};
  Level level;
  for (int i = 0; i < 5; ++i) {
    if (rungs[i].rung == Rung::broken) {
      level.stopped_by = rungs[i].why;
      break;
    }
    level.value = i + 1;
  }
  return level;
}

int compute_level(const RunReport& report) { return assess_level(report).value; }

Verdict compute_verdict(const RunReport& report) {
  if (report.interrupt_signal != 0) return Verdict::interrupted;
  bool error = !report.infra_errors.empty() || (report.teardown.ran && !report.teardown.clean);
  bool failed = false;
  for (const auto& tier : report.tiers) {
    error = error || tier.status == TierStatus::error;
    failed = failed || tier.status == TierStatus::fail;
    for (const auto& check : tier.checks) {
      error = error || check.status == CheckStatus::error;
      failed = failed || check.status == CheckStatus::fail;
    }
  }
  if (error) return Verdict::error;
  if (failed) return Verdict::red;
  return Verdict::green;
}

int exit_code_for(const RunReport& report) {
  switch (compute_verdict(report)) {
    case Verdict::green: return 0;
    case Verdict::red: return 1;
    case Verdict::error: return 3;
    case Verdict::interrupted: return 128 + report.interrupt_signal;
  }
  return 3;
}

}  // namespace ccci::runner
