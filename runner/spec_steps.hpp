#pragma once
/// SpecSteps: the RecipeSteps of a recipe spec — its seeds and overlay checks, run against the
/// live app. http steps go to https://<domain><path> through the HttpClient (gateway + CA);
/// exec steps run their argv in the service's running container; script checks run on the host
/// with the run's facts in their environment and an artifact directory of their own
/// (runner/script_facts.hpp): exit 0 passes, 1 fails, anything else is an error. The generated
/// owner account's password is registered with the run's Redactor on construction. A step whose
/// expectation does not hold is the recipe's failure; a step that could not be carried out
/// (docker gone, gateway unreachable) is the harness's error.
/// A failed step says what it got — the HTTP status and the start of the body, or the exit and
/// the end of the output — redacted before it is cut, so a cut never leaves part of a secret.
///
/// The write-ready window: a database restore drops the app's connections, and health goes green
/// before writes work again. So after a restore — in the restore tier, and in the custom tier that
/// follows it on the same deployment — a check that writes (SpecCheck::writes) is polled for up to
/// timeouts.write_ready while it fails the way a restore can make it fail for a while: an HTTP 5xx
/// or a connection that could not be made or was cut (ErrorKind::infra), or, for an exec or script
/// check marked `writes`, a failed run. Anything else — a 4xx, a body mismatch, a request that
/// timed out — ends it at once. A check that needed the window passes saying how long it waited
/// and what it first got; one that never got there fails with its last result and the wait. Every
/// retry is logged. Reads (GET, HEAD) and checks before the restore get no window.
///
/// A tier's checks run side by side, at most spec.check_concurrency at once, reported in their
/// listed order. A check that fails (outside the window) is run once more: a pass then is reported
/// flaky (CheckOutcome::flaky), a second failure fails saying "(failed twice)".
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/http.hpp"
#include "harness/log.hpp"
#include "harness/poll.hpp"
#include "harness/process.hpp"
#include "runner/browser_check.hpp"
#include "runner/dependency_logins.hpp"
#include "runner/recipe_steps.hpp"
#include "runner/script_facts.hpp"
#include "runner/spec.hpp"

namespace ccci::runner {

class SpecSteps final : public RecipeSteps {
 public:
  SpecSteps(const RecipeSpec& spec, StepFacts facts, harness::HttpClient& http, harness::DockerDriver& docker,
            harness::ProcessRunner& processes, harness::Clock& clock, harness::Logger& log);

  harness::Status seed(SeedOp op) override;
  std::vector<CheckOutcome> checks(Tier tier) override;
  /// Where oidc_login checks go; without it they are errors. `logins` must outlive the steps.
  void use_dependency_logins(DependencyLogins& logins) { logins_ = &logins; }

 private:
  /// One run of a check, and whether what went wrong is what a restore leaves behind for a while.
  struct Attempt {
    CheckOutcome outcome;
    bool transient = false;
  };
  Attempt run_once(const SpecCheck& check);
  /// One check as the tier reports it: a failure is run once more (flaky when it then passes),
  /// except a write after a restore, which has its window instead.
  CheckOutcome run_check(const SpecCheck& check, bool after_restore);
  /// Runs a writing check within the write-ready window.
  CheckOutcome run_until_write_ready(const SpecCheck& check);
  /// An http check or seed, its steps in order (runner/http_check.hpp).
  Attempt run_http(const std::string& name, const HttpCheck& check);
  CheckOutcome run_exec(const std::string& name, const ExecStep& step);
  CheckOutcome run_script(const std::string& name, const ScriptCheck& step);
  /// Where this run of a script check keeps its facts and its artifacts.
  harness::Result<ScriptPlace> script_place(const std::string& name);
  /// The last lines of a command's output for a one-line message, redacted and quoted.
  std::string output_end(const harness::Completion& done) const;
  /// Multi-line evidence: redacted, then cut.
  std::string excerpt(const std::string& text) const;
  std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) const;

  const RecipeSpec& spec_;
  StepFacts facts_;
  harness::HttpClient& http_;
  harness::DockerDriver& docker_;
  harness::ProcessRunner& processes_;
  harness::Clock& clock_;
  harness::Logger& log_;
  const harness::Redactor& redactor_;
  bool restored_ = false;      ///< the restore tier's checks ran: the app was restored in this run
  Tier tier_ = Tier::install;  ///< the tier whose checks run: names a script's or a browser check's artifact folder
  BrowserCheckRunner browser_;
  DependencyLogins* logins_ = nullptr;
};

}  // namespace ccci::runner
