#pragma once
/// Live progress on the terminal: one line as each tier starts, one per check and one as it ends,
/// so a maintainer watching a CI log sees where the run is and what broke as soon as it breaks.
#include "harness/log.hpp"
#include "runner/tier_machine.hpp"

namespace ccci::runner {

/// An observer that writes "[tier] …" and "[check] …" lines to `log` (redacted like every line).
MachineObserver terminal_progress(harness::Logger& log);

}  // namespace ccci::runner
