#pragma once
/// dependencies_settings: what runner/dependencies.hpp needs for one run, from the configuration,
/// the spec and the plan. Each dep's recipe is cloned from the parent's organisation on the git
/// base (SRC coop-cloud/app → coop-cloud/<dep>), served on its per-(parent, dep) domain
/// (runner/naming.hpp), judged ready by its own recipes/<dep>/recipe.yml's `health` (else `/`).
/// A keycloak dep with CCCI_WARM_KEYCLOAK_URL set is warm: the admin password is read from
/// CCCI_WARM_KEYCLOAK_ADMIN_PASSWORD_FILE (its last newline dropped). The realm is
/// `ccci-<nonce>`; the secrets directory lies in the run's own abra home (outside OUT, removed at
/// the end of the run); the facts file is OUT/artifacts/deps.json (CCCI_DEPS_FILE).
/// Errors: a dep's recipe.yml that is malformed (ErrorKind::spec), a warm password file that
/// cannot be read or is empty (ErrorKind::usage).
#include "harness/result.hpp"
#include "runner/config.hpp"
#include "runner/dependencies.hpp"
#include "runner/plan.hpp"
#include "runner/spec.hpp"

namespace ccci::runner {

harness::Result<DependenciesSettings> dependencies_settings(const Config& config, const RecipeSpec& spec,
                                                            const Plan& plan);

}  // namespace ccci::runner
