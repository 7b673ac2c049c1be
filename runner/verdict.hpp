#pragma once
/// Verdict: what a RunReport adds up to — level, verdict, exit code. Derived, never stored.
///
/// Level (0–5) is the highest unbroken rung of: install (1), upgrade (2), backup and restore both
/// passing (3), custom (4), lint clean (5). A rung the spec marks n/a is passed over; a rung that
/// failed, errored or was skipped breaks the chain. Errors do not lower the level: they make the
/// verdict `error` instead, so infrastructure trouble never reads as a worse recipe.
/// The custom rung is the recipe's functional proof: it holds only when the custom tier passed
/// with at least one check of the recipe's own (overlay or repo-local). A custom tier that is n/a,
/// or that passed having checked nothing of the recipe's own, stops the level at 3.
#include <string>

#include "runner/outcome.hpp"

namespace ccci::runner {

struct Level {
  int value = 0;
  /// Why the level is not higher: the first rung that broke and why, e.g. "upgrade skipped: no
  /// upgrade base"; empty at 5.
  std::string stopped_by;
};

Level assess_level(const RunReport& report);
int compute_level(const RunReport& report);

/// interrupted > error (any errored tier or check, run-level infra error, unclean teardown) >
/// red (any failed tier or check) > green.
Verdict compute_verdict(const RunReport& report);

/// 0 green, 1 red, 3 error, 128+signal when interrupted (130 SIGINT, 143 SIGTERM).
int exit_code_for(const RunReport& report);

}  // namespace ccci::runner
