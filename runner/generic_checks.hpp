#pragma once
/// The catalogue of generic checks: built into the harness and run for every recipe, by tier.
/// The plan lists them; the deployment operations perform them under the same names.
#include <string>
#include <string_view>
#include <vector>

#include "runner/outcome.hpp"

namespace ccci::runner {

namespace generic {
inline constexpr std::string_view serving_https = "serving_https";
inline constexpr std::string_view services_converged = "services_converged";
inline constexpr std::string_view head_deployed = "head_deployed";
inline constexpr std::string_view orphans_pruned = "orphans_pruned";
inline constexpr std::string_view snapshot_covers_volumes = "snapshot_covers_volumes";
}  // namespace generic

struct GenericCheck {
  std::string_view name;
  std::string_view description;
};

/// The generic checks of a tier, in the order they run.
std::vector<GenericCheck> generic_checks(Tier tier);

}  // namespace ccci::runner
