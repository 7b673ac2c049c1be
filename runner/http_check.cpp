#include "runner/http_check.hpp"

#include <algorithm>
#include <map>

#include "harness/cookie_jar.hpp"
#include "harness/json_document.hpp"
#include "harness/poll.hpp"
#include "harness/regex.hpp"
#include "harness/text.hpp"
#include "runner/http_template.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

constexpr size_t body_start_bytes = 300;
constexpr size_t shown_value_bytes = 120;
/// How much of a body a regular expression searches. glibc's matcher is linear for ordinary
/// patterns but can take time quadratic in the text for some ambiguous ones ("(a|aa)*b"): the
/// window bounds that cost; a body's interesting part (an id, a version, an error) comes early.
constexpr size_t regex_window_bytes = size_t{1024} * 1024;

std::string_view regex_window(const std::string& body) { return std::string_view(body).substr(0, regex_window_bytes); }
/// A boot placeholder is usually gone within a second or two: look again soon, then back off.
constexpr std::chrono::milliseconds first_converge_retry{250};

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

/// One run of a check's steps: the jar, the captures and the trace of what was done.
class StepsRun {
 public:
  StepsRun(harness::HttpClient& http, const harness::Redactor& redactor, harness::Clock& clock,
           const std::string& domain, std::chrono::milliseconds timeout, size_t steps)
      : http_(http), redactor_(redactor), clock_(clock), domain_(domain), timeout_(timeout), steps_(steps) {}

  HttpRun run(const std::vector<HttpStep>& steps) {
    std::vector<std::string> notes;
    for (size_t i = 0; i < steps.size(); ++i) {
      index_ = i;
      HttpRun step = run_step(steps[i]);
      if (step.status != CheckStatus::pass) {
        // With several steps, what the earlier ones answered; one step's detail is its body.
        if (steps_ > 1) step.detail = trace_ + "\n" + step.detail;
        return step;
      }
      if (!step.message.empty()) notes.push_back(prefix() + step.message);
    }
    return {CheckStatus::pass, harness::join(notes, "; "), {}, false};
  }

 private:
  std::string prefix() const {
    return steps_ > 1 ? "step " + std::to_string(index_ + 1) + " of " + std::to_string(steps_) + ": " : "";
  }
  std::string redacted(std::string_view text) const { return redactor_.redact(text); }
  std::string body_start(const std::string& body) const {
    if (body.empty()) return "an empty body";
    return "body " + harness::printable(redacted(body), body_start_bytes);
  }
  std::string excerpt(const std::string& text) const { return evidence_excerpt(redactor_, text); }
  /// Text with no control characters (a percent-encoded path, JSON text), redacted then cut.
  std::string shown(std::string_view text) const {
    std::string cut = redacted(text);
    return cut.size() > shown_value_bytes ? cut.substr(0, shown_value_bytes) + "…" : cut;
  }

  HttpRun failed(CheckStatus status, const std::string& message, std::string detail = {}, bool transient = false) {
    return {status, prefix() + message, std::move(detail), transient};
  }

  HttpRun run_step(const HttpStep& step) {
    harness::HttpRequest request;
    request.method = step.method;
    auto path = substitute(step.path, captured_, TemplateEscape::path);
    auto body = substitute(step.body, captured_, TemplateEscape::none);
    if (!path.ok()) return failed(CheckStatus::error, step.method + " " + step.path + ": " + path.error().message);
    if (!body.ok()) return failed(CheckStatus::error, step.method + " " + step.path + ": " + body.error().message);
    request.url = "https://" + domain_ + *path;
    request.body = std::move(*body);
    bool sets_cookie = false;
    for (const auto& [name, value] : step.headers) {
      auto filled = substitute(value, captured_, TemplateEscape::none);
      if (!filled.ok()) return failed(CheckStatus::error, "header " + name + ": " + filled.error().message);
      // A captured value is the app's text: it must not start another header line.
      if (filled->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        return failed(CheckStatus::fail, "header " + name + " would carry a line break or NUL from a captured value");
      }
      sets_cookie = sets_cookie || iequals(name, "Cookie");
      request.headers.emplace_back(name, std::move(*filled));
    }
    std::string cookies = jar_.cookie_header(domain_, *path);
    if (!sets_cookie && !cookies.empty()) request.headers.emplace_back("Cookie", cookies);
    request.timeout = timeout_;
    std::string what = step.method + " " + shown(*path);

    auto response = http_.send(request);
    if (!response.ok()) {
      // A refused or cut connection is what a restarting app gives; a timeout is not retried in
      // the write-ready window, as each attempt could take timeouts.http.
      return failed(CheckStatus::error, redacted(response.error().message), {},
                    response.error().kind == ErrorKind::infra);
    }
    jar_.take(response->headers, domain_, *path, clock_.wall_now());
    std::string answered = what + " answered " + std::to_string(response->status);
    trace_ += "step " + std::to_string(index_ + 1) + ": " + answered + "\n";
    std::string detail = excerpt(response->body);
    if (!response->retried.empty()) detail = retries_note(response->retried) + "\n\n" + detail;
    auto mismatch = [&](const std::string& message) {
      return failed(CheckStatus::fail, answered + message + "; " + body_start(response->body), detail);
    };
    if (response->status != step.status) {
      HttpRun run = mismatch(", expected " + std::to_string(step.status));
      run.transient = response->status >= 500;
      return run;
    }
    if (step.body_contains && response->body.find(*step.body_contains) == std::string::npos)
      return mismatch(" without \"" + *step.body_contains + "\"");
    if (step.body_not_contains && response->body.find(*step.body_not_contains) != std::string::npos)
      return mismatch(" with \"" + *step.body_not_contains + "\"");
    if (step.body_matches) {
      auto regex = harness::Regex::compile(*step.body_matches, harness::RegexGroups::ignored);
      if (!regex.ok()) return failed(CheckStatus::error, "body_matches: " + regex.error().message);
      if (!regex->search(regex_window(response->body)))
        return mismatch(" with no match for /" + *step.body_matches + "/");
    }
    for (const auto& [name, expected] : step.headers_contain) {
      const std::string* value = harness::header_value(response->headers, name);
      if (!value) return mismatch(" without a " + name + " header");
      if (value->find(expected) == std::string::npos)
        return mismatch(" with " + name + ": " + harness::printable(redacted(*value), shown_value_bytes) +
                        ", not containing \"" + expected + "\"");
    }
    std::optional<boost::json::value> document;
    if (!step.json.empty() || has_json_capture(step)) {
      auto parsed = harness::parse_json_document(response->body);
      if (!parsed.ok()) return mismatch(", but " + parsed.error().message);
      document = std::move(*parsed);
    }
    for (const auto& expectation : step.json) {
      auto found = harness::json_pointer(*document, expectation.pointer);
      if (!found.ok()) return mismatch(", but JSON " + found.error().message + ", expected " + expectation.expected);
      auto expected = harness::parse_json_document(expectation.expected);
      if (!expected.ok()) return failed(CheckStatus::error, "json " + expectation.pointer + ": bad expected value");
      if (!harness::json_same(**found, *expected)) {
        return mismatch(": JSON " + expectation.pointer + " is " + shown(harness::json_shown(**found)) + ", expected " +
                        expectation.expected);
      }
    }
    for (const auto& capture : step.captures) {
      auto value = take_capture(capture, *response, document);
      if (!value.ok()) return mismatch(": capture " + capture.name + ": " + value.error().message);
      captured_[capture.name] = std::move(*value);
    }
    return {CheckStatus::pass, retries_note(response->retried), {}, false};
  }

  static bool has_json_capture(const HttpStep& step) {
    return std::any_of(step.captures.begin(), step.captures.end(),
                       [](const HttpCapture& c) { return c.from == CaptureFrom::json; });
  }

  harness::Result<std::string> take_capture(const HttpCapture& capture, const harness::HttpResponse& response,
                                            const std::optional<boost::json::value>& document) const {
    switch (capture.from) {
      case CaptureFrom::json: {
        CCCI_TRY(const boost::json::value* found, harness::json_pointer(*document, capture.source));
        if (found->is_string()) return std::string(found->as_string());
        if (found->is_object() || found->is_array()) {
          return harness::make_error(
              ErrorKind::check_failed,
              capture.source + " is " + (found->is_object() ? "an object" : "an array") + ", not a value to capture");
        }
        return harness::json_shown(*found, std::string::npos);  // a number, bool or null as its JSON text
      }
      case CaptureFrom::header: {
        const std::string* value = harness::header_value(response.headers, capture.source);
        if (!value) return harness::make_error(ErrorKind::check_failed, "no " + capture.source + " header");
        return *value;
      }
      case CaptureFrom::match: {
        auto regex = harness::Regex::compile(capture.source, harness::RegexGroups::kept);
        if (!regex.ok()) return regex.error();
        auto group = regex->first_group(regex_window(response.body));
        if (!group) return harness::make_error(ErrorKind::check_failed, "no match for /" + capture.source + "/");
        return std::move(*group);
      }
    }
    return harness::make_error(ErrorKind::check_failed, "unknown capture source");
  }

  static std::string retries_note(const std::vector<std::string>& retried) {
    if (retried.empty()) return {};
    return "answered after " + std::to_string(retried.size()) + (retried.size() == 1 ? " retry" : " retries") + ": " +
           harness::join(retried, "; ");
  }

  harness::HttpClient& http_;
  const harness::Redactor& redactor_;
  harness::Clock& clock_;
  const std::string& domain_;
  std::chrono::milliseconds timeout_;
  size_t steps_;
  size_t index_ = 0;
  harness::CookieJar jar_;
  std::map<std::string, std::string> captured_;
  std::string trace_;  ///< one line per step answered so far
};

}  // namespace

HttpCheckRunner::HttpCheckRunner(harness::HttpClient& http, harness::Clock& clock, harness::Logger& log,
                                 std::string domain, std::chrono::milliseconds timeout)
    : http_(http), clock_(clock), log_(log), domain_(std::move(domain)), timeout_(timeout) {}

HttpRun HttpCheckRunner::run(const HttpCheck& check) { return run_within(check, timeout_); }

HttpRun HttpCheckRunner::run_within(const HttpCheck& check, std::chrono::milliseconds timeout) {
  StepsRun steps(http_, log_.redactor(), clock_, domain_, timeout, check.steps.size());
  return steps.run(check.steps);
}

HttpRun HttpCheckRunner::converge(const std::string& name, const HttpCheck& check) {
  harness::PollOptions options;
  options.timeout = check.converge.value_or(std::chrono::milliseconds(0));
  options.first_wait = first_converge_retry;
  const auto start = clock_.now();
  HttpRun last;
  std::string first_failure;
  std::string attempts;  // one line per failed attempt, for the detail
  harness::PollResult polled = harness::poll_until(clock_, options, [&] {
    auto at = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start);
    // No request may outlast the check's own bound.
    last = run_within(check, std::min(timeout_, options.timeout));
    if (last.status == CheckStatus::pass) return harness::ProbeReport::done();
    attempts += "attempt at +" + seconds_text(at) + ": " + last.message + "\n";
    if (first_failure.empty()) first_failure = last.message;
    log_.info("checks", name + ": not converged yet (+" + seconds_text(at) + "): " + last.message);
    return harness::ProbeReport::pending(last.message);
  });
  if (polled.attempts == 1 && polled.done()) return last;
  std::string waited = seconds_text(polled.elapsed) + " (" + std::to_string(polled.attempts) + " attempts";
  if (polled.done()) {
    last.message = "converged after " + waited + "; first: " + first_failure + ")" +
                   (last.message.empty() ? "" : "; " + last.message);
    last.detail = "converge:\n" + attempts;
    return last;
  }
  if (polled.end == harness::PollResult::End::timed_out) {
    last.message += "; not converged within converge " + seconds_text(options.timeout) + ": still failing after " +
                    waited + "; first: " + first_failure + ")";
  } else {
    last.message += "; interrupted after " + waited + " while converging; first: " + first_failure + ")";
  }
  last.detail = "converge:\n" + attempts + "\n" + last.detail;
  last.transient = false;  // the check's own bound is spent: no other window extends it
  return last;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  auto tenths = duration.count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

std::string evidence_excerpt(const harness::Redactor& redactor, const std::string& text) {
  constexpr size_t excerpt_bytes = 2000;
  std::string redacted = redactor.redact(text);
  return redacted.size() > excerpt_bytes ? redacted.substr(0, excerpt_bytes) + "\n…" : redacted;
}

}  // namespace ccci::runner
