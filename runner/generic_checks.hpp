#pragma once
/// The catalogue of generic checks: built into the harness and run for every recipe, by tier.
/// The plan lists them; the deployment operations perform them under the same names.
#include <string>
#include <string_view>
#include <vector>

#include "runner/outcome.hpp"

namespace ccci::runner {

/// Every generic check. The deployment performs each through a switch without a default, so a
/// check added here and not implemented there does not compile (-Wswitch, warnings are errors).
enum class GenericCheckId {
  serving_https,
  services_converged,
  head_deployed,
  head_images,
  orphans_pruned,
  snapshot_covers_volumes,
  volume_markers_restored
};
inline constexpr GenericCheckId all_generic_checks[] = {
    GenericCheckId::serving_https,          GenericCheckId::services_converged,
    GenericCheckId::head_deployed,          GenericCheckId::head_images,
    GenericCheckId::orphans_pruned,         GenericCheckId::snapshot_covers_volumes,
    GenericCheckId::volume_markers_restored};

/// The names reports show (JUnit test cases, results.json, summary.md); they never change.
namespace generic {
inline constexpr std::string_view serving_https = "serving_https";
inline constexpr std::string_view services_converged = "services_converged";
inline constexpr std::string_view head_deployed = "head_deployed";
inline constexpr std::string_view head_images = "head_images";
inline constexpr std::string_view orphans_pruned = "orphans_pruned";
inline constexpr std::string_view snapshot_covers_volumes = "snapshot_covers_volumes";
inline constexpr std::string_view volume_markers_restored = "volume_markers_restored";
}  // namespace generic

/// The name a check is reported under: one of `generic::`.
std::string_view to_string(GenericCheckId check);

struct GenericCheck {
  GenericCheckId id;
  std::string_view description;
  std::string_view name() const { return to_string(id); }
};

/// What the install tier deployed: the upgrade base, or (no base, or a base that could not be
/// deployed) the head in chaos mode, which head_deployed then checks at once.
enum class InstallDeploys { base, head };

/// The generic checks of a tier, in the order they run; `installed` matters only for install.
std::vector<GenericCheck> generic_checks(Tier tier, InstallDeploys installed);

}  // namespace ccci::runner
