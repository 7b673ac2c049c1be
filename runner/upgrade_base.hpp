#pragma once
/// Upgrade-base resolution: which version the install tier deploys so the upgrade tier can move
/// it to the head. Order: an explicit pin in the spec → the recipe's last-green record → the tip
/// of the recipe repo's target branch (main, else master) → skip. Every outcome names its source;
/// a skip always carries a reason.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "harness/result.hpp"

namespace ccci::harness {
class Git;
}

namespace ccci::runner {

enum class BaseSource { pin, last_green, target_branch, skip };
std::string_view to_string(BaseSource source);

/// The tip of the recipe repo's target branch.
struct BranchTip {
  std::string branch;  ///< main or master
  std::string commit;  ///< full sha
};

struct UpgradeBase {
  BaseSource source = BaseSource::skip;
  std::string version;  ///< a release tag (pin, last-green) or empty (a branch tip)
  std::string commit;   ///< full sha of the base; empty for a skip
  std::string branch;   ///< the target branch for BaseSource::target_branch
  std::string reason;   ///< why this source was chosen, or why there is no base
  /// For a last-green base: the target-branch tip the install falls back to when that version no
  /// longer deploys (fall_through); nullopt otherwise, or when the repo has neither branch.
  std::optional<BranchTip> fallback = std::nullopt;
};

/// A last-green record: the newest published version of the recipe (a tag and the commit it
/// named) that passed every tier, with the run that proved it (runner/promotion.hpp).
struct LastGreen {
  std::string version;
  std::string commit;
  std::string run_id;       ///< empty in records written before runs were recorded
  std::string recorded_at;  ///< ISO 8601 UTC; empty likewise
};

/// Last-green records live as `<dir>/<recipe>.json`
/// ({"version": ..., "commit": ..., "run_id": ..., "recorded_at": ...}). Every method refuses a
/// recipe name that is not `[a-z0-9][a-z0-9-]*` (ErrorKind::usage) before touching a file.
class LastGreenStore {
 public:
  explicit LastGreenStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  /// nullopt when there is no record; ErrorKind::spec when a record is malformed.
  harness::Result<std::optional<LastGreen>> read(const std::string& recipe) const;
  /// Atomic (temporary file + rename): two runs finishing together leave one whole record, the
  /// last writer's; a reader never sees half of one.
  harness::Status write(const std::string& recipe, const LastGreen& record) const;
  /// Removes the record; true when there was one.
  harness::Result<bool> clear(const std::string& recipe) const;
  std::filesystem::path file_of(const std::string& recipe) const { return dir_ / (recipe + ".json"); }

 private:
  std::filesystem::path dir_;
};

struct BaseInputs {
  std::string recipe;
  std::string repo_url;               ///< where the recipe's git repo lives (URL or path)
  std::optional<std::string> pinned;  ///< spec `upgrade: {base: <version>}`; nullopt for auto
  bool upgrade_wanted = true;         ///< false when STAGES excludes upgrade or the spec says n/a
  std::string head_commit;            ///< a base equal to the head is no upgrade: skip
};

/// The base after `base` turned out not to be one: `why` says what went wrong with it ("last-green
/// 1.2.0+1.2 not deployable: …"). A last-green base falls back to its target-branch tip (unless
/// that is the head); any other base, or one without a fallback, becomes a skip. Either way the
/// reason carries `why`, so nothing falls through silently.
UpgradeBase fall_through(const UpgradeBase& base, const std::string& why, const std::string& head_commit);

/// ErrorKind::infra when git cannot reach the repo; a pinned version that does not exist is
/// ErrorKind::spec. Everything else resolves to some UpgradeBase.
harness::Result<UpgradeBase> resolve_upgrade_base(const BaseInputs& inputs, const LastGreenStore& store,
                                                  harness::Git& git);

}  // namespace ccci::runner
