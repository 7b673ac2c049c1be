#pragma once
/// DependencyLogins: what a spec's `oidc_login` check (runner/spec.hpp) asks of the run's
/// dependencies. The real one is runner/dependencies.hpp's Dependencies; SpecSteps holds a
/// pointer to it, set once the run's dependencies exist.
#include <string>

#include "runner/outcome.hpp"

namespace ccci::runner {

class DependencyLogins {
 public:
  virtual ~DependencyLogins() = default;
  /// harness::check_password_login for the identity `dep`'s provider provisioned for this run:
  /// pass, fail (the provider answered wrongly: check_failed), or error (it could not be asked,
  /// or `dep` has no provisioned identity). The outcome is named `name`; no secret in it.
  virtual CheckOutcome oidc_login(const std::string& name, const std::string& dep) = 0;
};

}  // namespace ccci::runner
