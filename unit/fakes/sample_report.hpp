#pragma once
/// Sample RunReports for report tests: a green run and a red one with every kind of outcome.
#include "runner/outcome.hpp"

namespace ccci::fakes {

/// Every tier passed, teardown clean, one deployment.
runner::RunReport green_report();
/// install pass; upgrade fail (overlay check) and error (generic check) with hostile text;
/// backup skipped; restore n/a; custom skipped; unclean teardown.
runner::RunReport mixed_report();
/// green_report() whose custom overlay check passed only when run again (flaky).
runner::RunReport with_flaky_check(runner::RunReport report);
/// `report` with evidence collected: the task list and one service's log.
runner::RunReport with_evidence(runner::RunReport report);

}  // namespace ccci::fakes
