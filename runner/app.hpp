#pragma once
/// run_ccci: everything ccci-run does, behind a thin main(). Configuration → spec → plan; with
/// --plan print it and write plan.json; otherwise run the tiers on a real deployment, write the
/// reports and return the exit code (0 green, 1 red, 2 usage/spec, 3 infrastructure, 130/143).
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace ccci::runner {

int run_ccci(const std::map<std::string, std::string>& env, const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);

}  // namespace ccci::runner
