#pragma once
/// Promotion: after a run, whether its head becomes the recipe's last-green record — the base
/// later PR runs upgrade from (runner/upgrade_base.hpp). Only a run that proves a published
/// version good promotes it:
///   - not a PR run (a PR head is nobody's published version);
///   - all five stages requested (a STAGES-limited run proved less than every tier);
///   - green, teardown ran and was clean (never red, error or interrupted);
///   - every tier passed or is n/a; the upgrade tier may be skipped only because there was no
///     earlier base (else a recipe's first record could never be made);
///   - the head commit is exactly a tag of the recipe repo: the record is what was tested, and the
///     base resolution deploys tags only. An untagged main tip is not promoted (DECISIONS.md).
#include <map>
#include <string>
#include <vector>

#include "runner/outcome.hpp"
#include "runner/upgrade_base.hpp"

namespace ccci::harness {
class Git;
}

namespace ccci::runner {

/// What the rule looks at besides the report.
struct PromotionInputs {
  std::vector<Tier> requested_stages;       ///< STAGES as parsed (install always included)
  std::map<std::string, std::string> refs;  ///< the recipe repo's refs (Git::list_remote_refs)
};

/// The decision alone (no file is touched): promoted with the version, or why not.
Promotion decide_promotion(const RunReport& report, const PromotionInputs& inputs);

/// decide_promotion, then the record written to `store` when promoted: {version, head commit,
/// run id, `now`}. A record that cannot be written is not promoted, and says why.
Promotion promote(const RunReport& report, const PromotionInputs& inputs, const LastGreenStore& store,
                  const std::string& now);

/// One line for the terminal and summary: "promoted 1.2.0+1.2 @ 0123456789ab to last-green" or
/// "not promoted: <why>".
std::string describe(const Promotion& promotion);

}  // namespace ccci::runner
