#pragma once
/// Names of the things one run creates. Every name carries the run's nonce, so resources of
/// concurrent and dead runs never collide and the reaper can tell whose they are. Domains stay
/// short because docker caps secret names (`<stack>_<secret>_<version>`) at 64 characters.
#include <optional>
#include <string>

namespace ccci::runner {

/// Six random lowercase hex digits.
std::string make_run_nonce();

/// "<first 4 alphanumerics of recipe>-<nonce>.<suffix>", e.g. "fixt-3a9c1e.ccci.test".
std::string app_domain(const std::string& recipe, const std::string& nonce, const std::string& suffix);

/// A dependency's domain is per (parent, dep): "<dep4>-<nonce>-<parent4>.<suffix>".
std::string dependency_domain(const std::string& dep, const std::string& parent, const std::string& nonce,
                              const std::string& suffix);

/// "fixture-web-pr1-3a9c1e" or "fixture-web-3a9c1e".
std::string run_id(const std::string& recipe, std::optional<int> pr, const std::string& nonce);

}  // namespace ccci::runner
