#pragma once
/// run_ccci: everything ccci-run does, behind a thin main(). configure (settings, OUT, the spec —
/// the default one, generic checks only, for a recipe that is not enrolled unless
/// CCCI_REQUIRE_SPEC=1; nothing spawned yet) → plan (head and base through git; printed and written as plan.json, where
/// --plan stops) → build the seams (abra, docker, HTTP, the spec's steps, the deployment) → run
/// the tier machine → report (junit, results.json, summary.md). Returns the exit code: 0 green,
/// 1 red, 2 usage/spec, 3 infrastructure, 130/143 interrupted. The copies between these parts are
/// runner/wiring.hpp's.
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace ccci::runner {

int run_ccci(const std::map<std::string, std::string>& env, const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);

}  // namespace ccci::runner
