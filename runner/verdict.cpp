#include "runner/verdict.hpp"

#include <algorithm>

namespace ccci::runner {
namespace {

const TierOutcome* find_tier(const RunReport& report, Tier tier) {
  for (const auto& outcome : report.tiers) {
    if (outcome.tier == tier) return &outcome;
  }
  return nullptr;
}

enum class Rung { passed, passed_over, broken };

Rung rung_of(const TierOutcome* tier) {
  if (!tier) return Rung::broken;
  if (tier->status == TierStatus::pass) return Rung::passed;
  if (tier->status == TierStatus::not_applicable) return Rung::passed_over;
  return Rung::broken;
}

Rung both(Rung a, Rung b) {
  if (a == Rung::broken || b == Rung::broken) return Rung::broken;
  if (a == Rung::passed_over && b == Rung::passed_over) return Rung::passed_over;
  return Rung::passed;
}

}  // namespace

int compute_level(const RunReport& report) {
  const Rung rungs[] = {
      rung_of(find_tier(report, Tier::install)),
      rung_of(find_tier(report, Tier::upgrade)),
      both(rung_of(find_tier(report, Tier::backup)), rung_of(find_tier(report, Tier::restore))),
      rung_of(find_tier(report, Tier::custom)),
      report.lint_clean.value_or(false) ? Rung::passed : Rung::broken,
  };
  // Install is the ground every other rung stands on: it can't be passed over.
  if (rungs[0] != Rung::passed) return 0;
  int level = 0;
  for (int i = 0; i < 5; ++i) {
    if (rungs[i] == Rung::broken) break;
    level = i + 1;
  }
  return level;
}

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
