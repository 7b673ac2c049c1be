#pragma once
/// `ccci-run last-green RECIPE [--clear]`: the operator's view of a recipe's last-green record in
/// <state-dir>/last-green/ — print it (or say there is none; exit 0), or remove it. The recipe
/// name was validated with the configuration, before any file is touched; a record that cannot
/// be read is exit 2 (malformed: `--clear` removes it) or 3 (the file system).
#include <ostream>

#include "runner/config.hpp"

namespace ccci::runner {

int run_last_green(const Config& config, std::ostream& out, std::ostream& err);

}  // namespace ccci::runner
