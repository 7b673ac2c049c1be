#include "runner/generic_checks.hpp"

namespace ccci::runner {
namespace {

constexpr GenericCheck serving{GenericCheckId::serving_https,
                               "the health URL answers over HTTPS through the gateway, certificate verified"};
constexpr GenericCheck converged{GenericCheckId::services_converged,
                                 "every service of the stack runs its desired replicas"};
constexpr GenericCheck head_deployed{GenericCheckId::head_deployed,
                                     "the app's chaos-version label is the head commit (abra's +U suffix ignored)"};

}  // namespace

std::string_view to_string(GenericCheckId check) {
  switch (check) {
    case GenericCheckId::serving_https: return generic::serving_https;
    case GenericCheckId::services_converged: return generic::services_converged;
    case GenericCheckId::head_deployed: return generic::head_deployed;
    case GenericCheckId::head_images: return generic::head_images;
    case GenericCheckId::orphans_pruned: return generic::orphans_pruned;
    case GenericCheckId::snapshot_covers_volumes: return generic::snapshot_covers_volumes;
    case GenericCheckId::volume_markers_restored: return generic::volume_markers_restored;
  }
  return "unknown_generic_check";
}

std::vector<GenericCheck> generic_checks(Tier tier, InstallDeploys installed) {
  switch (tier) {
    case Tier::install:
      if (installed == InstallDeploys::head) return {head_deployed, converged, serving};
      return {converged, serving};
    case Tier::upgrade:
      return {head_deployed,
              {GenericCheckId::head_images,
               "every service of the head's compose runs the head's image (a digest docker appended ignored)"},
              {GenericCheckId::orphans_pruned, "no service the head no longer defines is left running"},
              converged,
              serving};
    case Tier::backup:
      return {{GenericCheckId::snapshot_covers_volumes, "the snapshot contains every backup-labelled volume path"}};
    case Tier::restore:
      return {converged,
              serving,
              {GenericCheckId::volume_markers_restored,
               "a random file ccci wrote into every place the backup covers, overwritten before the restore, holds "
               "its content again"}};
    case Tier::custom: return {};
  }
  return {};
}

}  // namespace ccci::runner
