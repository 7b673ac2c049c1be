#pragma once
/// HttpCheckRunner: runs an http check or seed (runner/spec.hpp HttpCheck) against
/// https://<domain><path> through the HttpClient.
///
/// The steps run in order and share one cookie jar (harness/cookie_jar.hpp) and the values they
/// capture; a new run starts with an empty jar and no captures, so no two checks — and no two
/// attempts of one check — share cookies. The first step whose expectation does not hold ends
/// the run; with more than one step its message names it: "step 2 of 3: GET /x answered 404,
/// expected 200; body '…'". A request that could not be made is CheckStatus::error. A step's
/// expectations are judged in the order status, body_contains, body_not_contains, body_matches,
/// headers_contain, json, then its captures are taken (a capture that finds nothing fails the step).
/// Messages show what was got, redacted before it is cut.
///
/// converge(): for boot placeholders that answer 200 before the app is ready, the whole check is
/// re-run (fresh jar) until it passes or HttpCheck::converge has passed, first after a sub-second
/// wait, then backing off (harness/poll.hpp). A pass after retries says "converged after 3.1 s
/// (4 attempts; first: …)"; a timeout fails with the last result and the wait.
#include <chrono>
#include <string>

#include "harness/clock.hpp"
#include "harness/http.hpp"
#include "harness/log.hpp"
#include "runner/outcome.hpp"
#include "runner/spec.hpp"

namespace ccci::runner {

struct HttpRun {
  CheckStatus status = CheckStatus::pass;
  std::string message;  ///< one line; on a pass, notes (retries, convergence) or empty
  std::string detail;   ///< the steps taken and the failing step's body, redacted and cut
  /// What a restore leaves behind for a while: an HTTP 5xx, or a connection that could not be
  /// made or was cut (ErrorKind::infra). Not a timeout, not a 4xx, not a mismatch.
  bool transient = false;
};

class HttpCheckRunner {
 public:
  /// `timeout` bounds each request.
  HttpCheckRunner(harness::HttpClient& http, harness::Clock& clock, harness::Logger& log, std::string domain,
                  std::chrono::milliseconds timeout);

  /// One run of every step, with a fresh cookie jar.
  HttpRun run(const HttpCheck& check);
  /// Runs until a pass within check.converge (which must be set); `name` is for the log.
  HttpRun converge(const std::string& name, const HttpCheck& check);

 private:
  HttpRun run_within(const HttpCheck& check, std::chrono::milliseconds timeout);

  harness::HttpClient& http_;
  harness::Clock& clock_;
  harness::Logger& log_;
  std::string domain_;
  std::chrono::milliseconds timeout_;
};

/// Message text shared by a spec's checks (http here, exec/script/browser in spec_steps).
/// "3.4 s": tenths of a second.
std::string seconds_text(std::chrono::milliseconds duration);
/// Multi-line evidence (a body, a command's output): redacted, then cut at 2000 bytes ("\n…" marks
/// the cut), so a cut never leaves part of a secret.
std::string evidence_excerpt(const harness::Redactor& redactor, const std::string& text);

}  // namespace ccci::runner
