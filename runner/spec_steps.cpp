#include "runner/spec_steps.hpp"

#include <algorithm>

#include "harness/filesystem.hpp"
#include "harness/text.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

constexpr size_t body_start_bytes = 300;
constexpr size_t output_end_lines = 10;
constexpr size_t output_end_bytes = 300;
constexpr size_t excerpt_bytes = 2000;

CheckOutcome outcome(const std::string& name, CheckStatus status, std::string message = {}, std::string detail = {}) {
  return CheckOutcome{name, CheckSource::overlay, status, std::move(message), std::move(detail), {}};
}

/// An exec's argv for a one-line message: joined, its first line only, at most 120 bytes.
std::string shown_command(const std::vector<std::string>& argv) {
  constexpr size_t max_bytes = 120;
  std::string joined = harness::join(argv, " ");
  size_t cut = std::min(joined.find('\n'), max_bytes);
  return cut < joined.size() ? joined.substr(0, cut) + " …" : joined;
}

/// After a restore the first retry of a write comes soon: most apps reconnect within a second.
constexpr std::chrono::milliseconds first_write_retry{250};

/// "3.4 s": tenths of a second, for messages.
std::string seconds_text(std::chrono::milliseconds duration) {
  auto tenths = duration.count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

std::string retries_note(const std::vector<std::string>& retried) {
  if (retried.empty()) return {};
  return "answered after " + std::to_string(retried.size()) + (retried.size() == 1 ? " retry" : " retries") + ": " +
         harness::join(retried, "; ");
}

BrowserSettings browser_for(const StepFacts& facts) {
  BrowserSettings settings = browser_settings(facts.script_env, facts.out);
  settings.domain = facts.domain;
  settings.stack = facts.stack;
  return settings;
}

}  // namespace

SpecSteps::SpecSteps(const RecipeSpec& spec, StepFacts facts, harness::HttpClient& http, harness::DockerDriver& docker,
                     harness::ProcessRunner& processes, harness::Clock& clock, harness::Logger& log)
    : spec_(spec),
      facts_(std::move(facts)),
      http_(http),
      docker_(docker),
      processes_(processes),
      clock_(clock),
      log_(log),
      redactor_(log.redactor()),
      browser_(browser_for(facts_), processes, log.redactor()) {}

std::string SpecSteps::body_start(const std::string& body) const {
  if (body.empty()) return "an empty body";
  return "body " + harness::printable(redactor_.redact(body), body_start_bytes);
}

std::string SpecSteps::output_end(const harness::Completion& done) const {
  std::string output = redactor_.redact(done.out + (done.out.empty() || done.err.empty() ? "" : "\n") + done.err);
  std::string end = harness::last_lines(output, output_end_lines, output_end_bytes);
  if (end.empty()) return "no output";
  return "output ends " + harness::printable(end, output_end_bytes + 3);
}

std::string SpecSteps::excerpt(const std::string& text) const {
  std::string redacted = redactor_.redact(text);
  return redacted.size() > excerpt_bytes ? redacted.substr(0, excerpt_bytes) + "\n…" : redacted;
}

SpecSteps::Attempt SpecSteps::run_http(const std::string& name, const HttpStep& step) {
  harness::HttpRequest request;
  request.method = step.method;
  request.url = "https://" + facts_.domain + step.path;
  request.body = step.body;
  for (const auto& header : step.headers) request.headers.push_back(header);
  request.timeout = spec_.timeouts.http;
  auto response = http_.send(request);
  if (!response.ok()) {
    // A refused or cut connection is what a restarting app gives; a timeout is not retried, as
    // each attempt could take timeouts.http and the window would no longer bound the wait.
    return {outcome(name, CheckStatus::error, response.error().message), response.error().kind == ErrorKind::infra};
  }
  std::string what = step.method + " " + step.path + " answered " + std::to_string(response->status);
  std::string detail = excerpt(response->body);
  if (!response->retried.empty()) detail = retries_note(response->retried) + "\n\n" + detail;
  if (response->status != step.status) {
    return {outcome(name, CheckStatus::fail,
                    what + ", expected " + std::to_string(step.status) + "; " + body_start(response->body), detail),
            response->status >= 500};
  }
  if (step.body_contains && response->body.find(*step.body_contains) == std::string::npos) {
    return {outcome(name, CheckStatus::fail,
                    what + " without \"" + *step.body_contains + "\"; " + body_start(response->body), detail)};
  }
  if (step.body_not_contains && response->body.find(*step.body_not_contains) != std::string::npos) {
    return {outcome(name, CheckStatus::fail,
                    what + " with \"" + *step.body_not_contains + "\"; " + body_start(response->body), detail)};
  }
  return {outcome(name, CheckStatus::pass, retries_note(response->retried))};
}

CheckOutcome SpecSteps::run_exec(const std::string& name, const ExecStep& step) {
  std::string service = facts_.stack + "_" + step.service;
  auto container = docker_.container_for_service(service);
  if (!container.ok()) {
    // No running container of a service the recipe defines: the recipe is not up.
    CheckStatus status = container.error().kind == ErrorKind::not_found ? CheckStatus::fail : CheckStatus::error;
    return outcome(name, status, "no running container of " + service + ": " + container.error().message);
  }
  auto done = docker_.exec(*container, step.argv, spec_.timeouts.http);
  if (!done.ok()) return outcome(name, CheckStatus::error, done.error().message);
  std::string command = shown_command(step.argv);
  std::string detail = "stdout:\n" + excerpt(done->out) + "\nstderr:\n" + excerpt(done->err);
  if (done->timed_out || done->signal != 0 || done->exit_code != step.exit_code) {
    return outcome(name, CheckStatus::fail,
                   "`" + command + "` in " + step.service + ": " + done->describe() + ", expected exit " +
                       std::to_string(step.exit_code) + "; " + output_end(*done),
                   detail);
  }
  if (step.stdout_contains && done->out.find(*step.stdout_contains) == std::string::npos) {
    return outcome(
        name, CheckStatus::fail,
        "`" + command + "` in " + step.service + " printed no \"" + *step.stdout_contains + "\"; " + output_end(*done),
        detail);
  }
  return outcome(name, CheckStatus::pass);
}

CheckOutcome SpecSteps::run_script(const std::string& name, const ScriptCheck& step) {
  auto script = harness::absolute_path(spec_.dir / step.path);
  if (!script.ok()) return outcome(name, CheckStatus::error, script.error().message);
  harness::Command command;
  command.argv = {script->string()};
  command.argv.insert(command.argv.end(), step.args.begin(), step.args.end());
  command.env = facts_.script_env;
  command.env["CCCI_DOMAIN"] = facts_.domain;
  command.env["CCCI_URL"] = "https://" + facts_.domain;
  command.env["CCCI_STACK"] = facts_.stack;
  command.cwd = spec_.dir;
  command.timeout = spec_.timeouts.http;
  auto done = processes_.run(command);
  if (!done.ok()) return outcome(name, CheckStatus::error, done.error().message);
  if (!done->succeeded()) {
    return outcome(name, CheckStatus::fail, step.path.string() + ": " + done->describe() + "; " + output_end(*done),
                   "stdout:\n" + excerpt(done->out) + "\nstderr:\n" + excerpt(done->err));
  }
  return outcome(name, CheckStatus::pass);
}

harness::Status SpecSteps::seed(SeedOp op) {
  auto steps = spec_.seeds.find(op);
  if (steps == spec_.seeds.end()) return harness::ok_status();
  for (size_t i = 0; i < steps->second.size(); ++i) {
    const auto& step = steps->second[i];
    std::string name = std::string(to_string(op)) + "[" + std::to_string(i) + "]";
    CheckOutcome done = std::holds_alternative<HttpStep>(step.kind)
                            ? run_http(name, std::get<HttpStep>(step.kind)).outcome
                            : run_exec(name, std::get<ExecStep>(step.kind));
    if (done.status == CheckStatus::fail) {
      return harness::make_error(ErrorKind::check_failed,
                                 "seed " + name + " (" + harness::to_string(step.mark) + "): " + done.message);
    }
    if (done.status == CheckStatus::error) {
      return harness::make_error(ErrorKind::infra, "seed " + name + " could not run: " + done.message);
    }
  }
  return harness::ok_status();
}

SpecSteps::Attempt SpecSteps::run_once(const SpecCheck& check) {
  if (const auto* http = std::get_if<HttpStep>(&check.kind)) return run_http(check.name, *http);
  CheckOutcome done;
  if (const auto* exec = std::get_if<ExecStep>(&check.kind))
    done = run_exec(check.name, *exec);
  else if (const auto* script = std::get_if<ScriptCheck>(&check.kind))
    done = run_script(check.name, *script);
  else
    return {browser_.run(check.name, tier_, std::get<BrowserCheck>(check.kind), spec_.dir, spec_.timeouts.http)};
  // A command's exit says nothing about why it failed: a check marked `writes` may fail for a
  // while after a restore; one that could not be run at all (docker gone) is not waited out.
  bool transient = check.writes && done.status == CheckStatus::fail;
  return {std::move(done), transient};
}

CheckOutcome SpecSteps::run_until_write_ready(const SpecCheck& check) {
  harness::PollOptions options;
  options.timeout = spec_.timeouts.write_ready;
  options.first_wait = first_write_retry;
  const auto start = clock_.now();
  CheckOutcome last;
  std::string first_failure;
  std::string attempts;  // one line per failed attempt, for the detail
  harness::PollResult polled = harness::poll_until(clock_, options, [&] {
    std::string at = "+" + seconds_text(since(start));  // when the attempt started
    Attempt attempt = run_once(check);
    last = std::move(attempt.outcome);
    if (last.status == CheckStatus::pass) return harness::ProbeReport::done();
    attempts += "attempt at " + at + ": " + last.message + "\n";
    if (!attempt.transient) return harness::ProbeReport::failed(last.message);
    if (first_failure.empty()) first_failure = last.message;
    log_.info("checks", check.name + ": not write-ready yet (" + at + "): " + last.message);
    return harness::ProbeReport::pending(last.message);
  });
  if (polled.attempts == 1) return last;  // answered, or failed for good, at once: nothing waited
  std::string waited = seconds_text(polled.elapsed) + " (" + std::to_string(polled.attempts) + " attempts";
  if (polled.done()) {
    last.message = "write-ready after " + waited + "; first: " + first_failure + ")" +
                   (last.message.empty() ? "" : "; " + last.message);
    last.detail = "write-ready window:\n" + attempts + (last.detail.empty() ? "" : "\n" + last.detail);
    return last;
  }
  if (polled.end == harness::PollResult::End::timed_out) {
    last.message += "; not write-ready within timeouts.write_ready " + seconds_text(spec_.timeouts.write_ready) +
                    ": still failing after " + waited + "; first: " + first_failure + ")";
  } else {
    last.message += "; after " + waited + " in the write-ready window; first: " + first_failure + ")";
  }
  last.detail = "write-ready window:\n" + attempts + "\n" + last.detail;
  return last;
}

std::vector<CheckOutcome> SpecSteps::checks(Tier tier) {
  std::vector<CheckOutcome> outcomes;
  // The custom tier runs on the deployment the restore left, when the restore ran in this run.
  if (tier == Tier::restore) restored_ = true;
  tier_ = tier;
  bool after_restore = tier == Tier::restore || (tier == Tier::custom && restored_);
  auto listed = spec_.checks.find(tier);
  if (listed == spec_.checks.end()) return outcomes;
  for (const auto& check : listed->second) {
    auto start = clock_.now();
    CheckOutcome done = after_restore && check.writes ? run_until_write_ready(check) : run_once(check).outcome;
    done.duration = since(start);
    outcomes.push_back(std::move(done));
  }
  return outcomes;
}

std::chrono::milliseconds SpecSteps::since(std::chrono::steady_clock::time_point start) const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start);
}

}  // namespace ccci::runner
