#pragma once
/// The run's facts as a `script` check sees them: CCCI_* environment variables, a fresh artifact
/// directory per check, and the exit-code contract. A script needs no knowledge of Docker or of
/// the gateway: it reads these variables and calls `ccci-run exec` / `ccci-run http`
/// (runner/helper_commands.hpp), which read the same variables.
///
/// The generated owner account (CCCI_ADMIN_*) is made once per run from std::random_device, the
/// source the run's nonces and volume markers use; SpecSteps registers its password with the
/// run's Redactor before any script can print it.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/process.hpp"
#include "harness/redactor.hpp"
#include "harness/result.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

/// An owner account a script may create in the app (first-run setup), fresh for each run.
struct AdminAccount {
  std::string user;      ///< "ccciadmin": letters only, accepted by any app's user-name rule
  std::string email;     ///< "ccciadmin@<domain>"
  std::string password;  ///< "Cc1-" + 24 random letters and digits (> 128 bits)
};

/// The user, the email at `domain`, a new random password.
AdminAccount make_admin_account(const std::string& domain);

/// What every step of the run is told; fixed once the plan is made (runner/wiring.hpp).
struct StepFacts {
  std::string domain;
  std::string stack;
  harness::Environment script_env;  ///< base environment for scripts (PATH, HOME, gateway, CA)
  std::string app{};                ///< abra's name of the app (its domain)
  AdminAccount admin{};
  std::filesystem::path out{};       ///< OUT, under which each check gets artifacts/<tier>/<check>/
  std::filesystem::path ccci_run{};  ///< the running ccci-run, absolute; empty when unknown
};

/// The running executable (/proc/self/exe), absolute; empty when it cannot be read.
std::filesystem::path running_executable();

/// `facts` with what wiring, being pure, cannot give: a new owner account for `facts.domain` and
/// the running ccci-run.
StepFacts with_generated_facts(StepFacts facts);

/// Where one run of one script check keeps what it is given and what it leaves.
struct ScriptPlace {
  std::filesystem::path out;          ///< OUT, absolute
  std::vector<std::string> services;  ///< the app's services, without the "<stack>_" prefix
  std::filesystem::path artifact_dir;
  std::filesystem::path deps_file;
};

/// The script's environment: `facts.script_env` plus every CCCI_* fact, and PATH with the
/// directory of `facts.ccci_run` first so a script can call `ccci-run` by name.
harness::Environment script_environment(const StepFacts& facts, const ScriptPlace& place);

/// OUT/artifacts/<tier>/<check>/, emptied and created: what is in it afterwards is the script's.
harness::Result<std::filesystem::path> fresh_artifact_dir(const std::filesystem::path& out, Tier tier,
                                                          const std::string& check);

/// OUT/artifacts/deps.json, written as `{"deps": []}` when absent (issue 14 fills it in).
harness::Result<std::filesystem::path> deps_file(const std::filesystem::path& out);

/// Every regular file under `dir`, relative to `out`, sorted; symbolic links are not followed.
std::vector<std::string> artifacts_in(const std::filesystem::path& out, const std::filesystem::path& dir);

/// Rewrites each of `files` (relative to `out`) that holds a form of a secret the redactor knows,
/// masked: what a script saves (a page, a response) may quote a generated password, and nothing
/// in OUT may. Files that could not be read or rewritten are named in the error.
harness::Status mask_secrets_in(const harness::Redactor& redactor, const std::filesystem::path& out,
                                const std::vector<std::string>& files);

/// The exit-code contract: 0 pass, 1 fail, timed out fail (a hanging check is the recipe's, as
/// for exec), any other exit or a signal error.
CheckStatus script_status(const harness::Completion& done);

}  // namespace ccci::runner
