#include "runner/spec_steps.hpp"

#include <algorithm>

#include "harness/bounded_parallel.hpp"
#include "harness/filesystem.hpp"
#include "harness/text.hpp"
#include "runner/http_check.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

constexpr size_t output_end_lines = 10;
constexpr size_t output_end_bytes = 300;

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
      browser_(browser_for(facts_), processes, log.redactor()) {
  // Before any script can print it: the password is the run's secret like those abra generates.
  if (!facts_.admin.password.empty()) log.redactor().add_secret(facts_.admin.password);
}

std::string SpecSteps::output_end(const harness::Completion& done) const {
  std::string output = redactor_.redact(done.out + (done.out.empty() || done.err.empty() ? "" : "\n") + done.err);
  std::string end = harness::last_lines(output, output_end_lines, output_end_bytes);
  if (end.empty()) return "no output";
  return "output ends " + harness::printable(end, output_end_bytes + 3);
}

std::string SpecSteps::excerpt(const std::string& text) const { return evidence_excerpt(redactor_, text); }

SpecSteps::Attempt SpecSteps::run_http(const std::string& name, const HttpCheck& check) {
  HttpCheckRunner runner(http_, clock_, log_, facts_.domain, spec_.timeouts.http);
  HttpRun run = check.converge ? runner.converge(name, check) : runner.run(check);
  return {outcome(name, run.status, std::move(run.message), std::move(run.detail)), run.transient};
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

harness::Result<ScriptPlace> SpecSteps::script_place(const std::string& name) {
  ScriptPlace place;
  CCCI_TRY(auto services, docker_.service_ls(facts_.stack));
  const std::string prefix = facts_.stack + "_";
  for (const auto& service : services) {
    if (service.name.rfind(prefix, 0) == 0) place.services.push_back(service.name.substr(prefix.size()));
  }
  // Absolute: the script runs in the spec's folder, not where OUT was named from.
  CCCI_TRY(place.out, harness::absolute_path(facts_.out));
  CCCI_TRY(place.artifact_dir, fresh_artifact_dir(place.out, tier_, name));
  CCCI_TRY(place.deps_file, deps_file(place.out));
  return place;
}

CheckOutcome SpecSteps::run_script(const std::string& name, const ScriptCheck& step) {
  auto script = harness::absolute_path(spec_.dir / step.path);
  if (!script.ok()) return outcome(name, CheckStatus::error, script.error().message);
  auto place = script_place(name);
  if (!place.ok()) {
    return outcome(name, CheckStatus::error, "could not prepare " + step.path.string() + ": " + place.error().message);
  }
  harness::Command command;
  command.argv = {script->string()};
  command.argv.insert(command.argv.end(), step.args.begin(), step.args.end());
  command.env = script_environment(facts_, *place);
  command.cwd = spec_.dir;
  command.timeout = spec_.timeouts.http;
  auto done = processes_.run(command);
  if (!done.ok()) return outcome(name, CheckStatus::error, done.error().message);
  CheckOutcome result = outcome(name, script_status(*done));
  result.artifacts = artifacts_in(place->out, place->artifact_dir);
  if (auto masked = mask_secrets_in(redactor_, place->out, result.artifacts); !masked.ok()) {
    return outcome(name, CheckStatus::error, masked.error().message);
  }
  if (!done->out.empty() || !done->err.empty()) {
    result.detail = "stdout:\n" + excerpt(done->out) + "\nstderr:\n" + excerpt(done->err);
  }
  if (result.status == CheckStatus::pass) return result;
  // Exit 1 is the script's verdict; any other end means it could not judge.
  std::string contract = result.status == CheckStatus::error ? " (exit 1 fails, any other exit is an error)" : "";
  result.message = step.path.string() + ": " + done->describe() + contract + "; " + output_end(*done);
  return result;
}

harness::Status SpecSteps::seed(SeedOp op) {
  auto steps = spec_.seeds.find(op);
  if (steps == spec_.seeds.end()) return harness::ok_status();
  for (size_t i = 0; i < steps->second.size(); ++i) {
    const auto& step = steps->second[i];
    std::string name = std::string(to_string(op)) + "[" + std::to_string(i) + "]";
    CheckOutcome done = std::holds_alternative<HttpCheck>(step.kind)
                            ? run_http(name, std::get<HttpCheck>(step.kind)).outcome
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
  if (const auto* http = std::get_if<HttpCheck>(&check.kind)) return run_http(check.name, *http);
  CheckOutcome done;
  if (const auto* exec = std::get_if<ExecStep>(&check.kind))
    done = run_exec(check.name, *exec);
  else if (const auto* script = std::get_if<ScriptCheck>(&check.kind))
    done = run_script(check.name, *script);
  else if (const auto* login = std::get_if<OidcLoginCheck>(&check.kind))
    done = logins_ ? logins_->oidc_login(check.name, login->dep)
                   : outcome(check.name, CheckStatus::error, "no dependency of this run can take an OIDC login");
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

CheckOutcome SpecSteps::run_check(const SpecCheck& check, bool after_restore) {
  auto start = clock_.now();
  // A converging http check already retries everything within its own bound: neither the
  // write-ready window nor a second run is added on top.
  const auto* http = std::get_if<HttpCheck>(&check.kind);
  if (http && http->converge) {
    CheckOutcome done = run_once(check).outcome;
    done.duration = since(start);
    return done;
  }
  // A write after a restore is polled within its window: that is its retry, not run again on top.
  if (after_restore && check.writes) {
    CheckOutcome done = run_until_write_ready(check);
    done.duration = since(start);
    return done;
  }
  CheckOutcome first = run_once(check).outcome;
  if (first.status != CheckStatus::fail) {
    first.duration = since(start);
    return first;
  }
  // A failure is run once more: a pass then is reported flaky, never a plain pass.
  log_.info("checks", check.name + ": failed, running it once more: " + first.message);
  CheckOutcome again = run_once(check).outcome;
  again.attempts = 2;
  again.duration = since(start);
  auto attempt_text = [](int n, const CheckOutcome& done) {
    std::string head = "attempt " + std::to_string(n) + ": " + (done.message.empty() ? "passed" : done.message);
    return done.detail.empty() ? head : head + "\n" + done.detail;
  };
  again.detail = attempt_text(1, first) + "\n\n" + attempt_text(2, again);
  if (again.status == CheckStatus::pass) {
    again.flaky = true;
    again.message = "flaky: failed, then passed when run again; the failure: " + first.message +
                    (again.message.empty() ? "" : "; the pass: " + again.message);
  } else if (again.status == CheckStatus::fail) {
    again.message +=
        again.message == first.message ? " (failed twice)" : " (failed twice; first: " + first.message + ")";
  } else {
    again.message += " (when run again after failing: " + first.message + ")";
  }
  return again;
}

std::vector<CheckOutcome> SpecSteps::checks(Tier tier) {
  tier_ = tier;  // set before the checks' threads start; they only read it
  // The custom tier runs on the deployment the restore left, when the restore ran in this run.
  if (tier == Tier::restore) restored_ = true;
  tier_ = tier;
  bool after_restore = tier == Tier::restore || (tier == Tier::custom && restored_);
  auto listed = spec_.checks.find(tier);
  if (listed == spec_.checks.end()) return {};
  const auto& checks = listed->second;
  // Independent checks run side by side, a bounded few at once; outcomes keep the listed order.
  std::vector<CheckOutcome> outcomes(checks.size());
  harness::run_bounded(checks.size(), static_cast<size_t>(spec_.check_concurrency),
                       [&](size_t i) { outcomes[i] = run_check(checks[i], after_restore); });
  return outcomes;
}

std::chrono::milliseconds SpecSteps::since(std::chrono::steady_clock::time_point start) const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start);
}

}  // namespace ccci::runner
