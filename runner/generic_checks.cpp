#include "runner/generic_checks.hpp"

namespace ccci::runner {
namespace {

constexpr GenericCheck serving{generic::serving_https,
                               "the health URL answers over HTTPS through the gateway, certificate verified"};
constexpr GenericCheck converged{generic::services_converged, "every service of the stack runs its desired replicas"};

}  // namespace

std::vector<GenericCheck> generic_checks(Tier tier) {
  switch (tier) {
    case Tier::install: return {converged, serving};
    case Tier::upgrade:
      return {{generic::head_deployed, "the app's chaos-version label is the head commit (abra's +U suffix ignored)"},
              {generic::orphans_pruned, "no service the head no longer defines is left running"},
              converged,
              serving};
    case Tier::backup:
      return {{generic::snapshot_covers_volumes, "the snapshot contains every backup-labelled volume path"}};
    case Tier::restore: return {converged, serving};
    case Tier::custom: return {};
  }
  return {};
}

}  // namespace ccci::runner
