#pragma once
/// BrowserCheckRunner: a spec's `browser:` check (docs/recipe-spec.md) run as one `node` process
/// of browser/run-flow.mjs, which drives Debian's Chromium through playwright-core: the app's
/// domain mapped to the gateway, the testbed CA trusted in a fresh profile, the recipe's flow
/// module called with a page already at the app. The node side prints one JSON result line; this
/// side turns it into a CheckOutcome:
///   - "pass" / "fail" (the flow threw, or the page logged a console error or page error) as is,
///     the message redacted and cut, console errors, failed requests and retried navigations in the
///     detail, screenshots (paths relative to OUT) in CheckOutcome::artifacts;
///   - "error", a crash, a kill on the timeout, no result line or an unreadable one: the check's
///     ERROR (infrastructure), never a recipe failure.
/// The flow's budget is the spec's timeouts.http; the process gets launch_grace on top for the
/// browser to start and the screenshots to be written.
#include <chrono>
#include <filesystem>
#include <string>

#include "harness/process.hpp"
#include "harness/redactor.hpp"
#include "runner/outcome.hpp"
#include "runner/spec.hpp"

namespace ccci::runner {

/// Where the pieces are and what the flow may know; every path absolute.
struct BrowserSettings {
  std::filesystem::path runner;    ///< browser/run-flow.mjs (CCCI_BROWSER_RUNNER, else this checkout's)
  std::string node = "node";       ///< looked up on env's PATH
  std::filesystem::path chromium;  ///< CCCI_CHROMIUM, else /usr/bin/chromium
  std::filesystem::path out;       ///< OUT: screenshots go to OUT/artifacts/<tier>/<check>/
  harness::Environment env;        ///< PATH, HOME, CCCI_GATEWAY, CCCI_CA_BUNDLE, … (StepFacts::script_env)
  std::string domain;
  std::string stack;
};

/// The browser settings of a run from the children's environment: CCCI_BROWSER_RUNNER and
/// CCCI_CHROMIUM override the defaults.
BrowserSettings browser_settings(const harness::Environment& env, std::filesystem::path out);

/// The time the node process gets beyond the flow's budget: Chromium's start, the CA's import, the
/// screenshots and the browser's close.
inline constexpr std::chrono::milliseconds launch_grace{std::chrono::seconds(60)};

class BrowserCheckRunner {
 public:
  BrowserCheckRunner(BrowserSettings settings, harness::ProcessRunner& processes, const harness::Redactor& redactor);

  /// Runs `check` of `tier` from `spec_dir` within `timeout` (the flow's budget).
  CheckOutcome run(const std::string& name, Tier tier, const BrowserCheck& check, const std::filesystem::path& spec_dir,
                   std::chrono::milliseconds timeout);

  /// The outcome of a finished node process (public for the tests: no node needed).
  CheckOutcome judge(const std::string& name, const std::string& flow, const harness::Completion& done) const;

 private:
  BrowserSettings settings_;
  harness::ProcessRunner& processes_;
  const harness::Redactor& redactor_;
};

}  // namespace ccci::runner
