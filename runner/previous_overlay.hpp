#pragma once
/// PreviousOverlay: compose files a recipe's spec ships in `recipes/<recipe>/previous/<version>/`
/// only to make an OLD published version deployable (an image that moved, a key the old version
/// needs). One applies only when the upgrade base is that published version — a last-green record
/// or a pin, never a branch tip — and then only to the base's deploy: its files are copied into
/// the recipe checkout at the base's tag and appended to the app's COMPOSE_FILE, and both are
/// withdrawn before the head is checked out, so nothing of the overlay reaches the head. Every
/// other overlay is reported stale, with why.
///
/// The spec folder is hostile input: `previous/` holds only version directories (names like a
/// recipe version tag) holding only regular `compose.<name>.yml` files (`[a-z0-9.-]`, no symlink,
/// at most max_overlay_bytes); anything else is ErrorKind::spec naming the path.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/result.hpp"
#include "runner/upgrade_base.hpp"

namespace ccci::runner {

inline constexpr std::uintmax_t max_overlay_bytes = std::uintmax_t{1024} * 1024;
inline constexpr size_t max_overlay_files = 8;  ///< per version; COMPOSE_FILE holds at most 16 files

struct PreviousOverlay {
  std::string version;             ///< the published version it is for: the directory's name
  std::filesystem::path dir;       ///< <spec dir>/previous/<version>
  std::vector<std::string> files;  ///< compose.<name>.yml, sorted
};

enum class OverlayStatus { applied, stale };
std::string_view to_string(OverlayStatus status);

/// What a run does with one overlay, and why: reported in the plan, results.json and summary.md.
struct OverlayDecision {
  std::string version;
  std::vector<std::string> files;
  OverlayStatus status = OverlayStatus::stale;
  std::string reason;  ///< "the base is 1.1.0+1.1, from last-green" / "the base is the tip of main, …"
};

/// The overlays under `<spec_dir>/previous`, sorted by version; none when it does not exist.
harness::Result<std::vector<PreviousOverlay>> discover_previous_overlays(const std::filesystem::path& spec_dir);

/// One decision per overlay, in their order: applied for the one whose version is the base's
/// published version (source pin or last-green), stale for every other.
std::vector<OverlayDecision> decide_previous_overlays(const std::vector<PreviousOverlay>& overlays,
                                                      const UpgradeBase& base);

/// The overlay that applies to `base`, or nullptr.
const PreviousOverlay* applicable_previous_overlay(const std::vector<PreviousOverlay>& overlays,
                                                   const UpgradeBase& base);

/// What apply_previous_overlay changed, so withdraw_previous_overlay can undo exactly that.
struct AppliedOverlay {
  std::string version;
  std::vector<std::filesystem::path> copied;  ///< the files it created in the checkout
  std::filesystem::path app_env;
  std::string env_block;  ///< the lines it appended to the app's .env
};

/// Copies the overlay's files into `checkout` (ErrorKind::spec when one would replace a file of
/// the recipe's own, symlinks included) and appends to `app_env` a COMPOSE_FILE line adding them
/// after the files the app already deploys (compose.yml when it names none). On failure whatever
/// it already copied is removed again.
harness::Result<AppliedOverlay> apply_previous_overlay(const PreviousOverlay& overlay,
                                                       const std::filesystem::path& checkout,
                                                       const std::filesystem::path& app_env);

/// Whether the app's .env is still there to restore (it is not after the app was removed).
enum class AppEnv { present, removed };

/// Removes the copied files and the appended COMPOSE_FILE lines, leaving the .env's other lines as
/// they are. ErrorKind::infra when the appended lines are no longer there to remove: a head
/// deployed then might still carry the overlay.
harness::Status withdraw_previous_overlay(const AppliedOverlay& applied, AppEnv env);

}  // namespace ccci::runner
