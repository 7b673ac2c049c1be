#include "runner/convergence.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include "harness/text.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;
using harness::ProbeReport;

std::string times(int count) {
  if (count == 1) return "once";
  if (count == 2) return "twice";
  return std::to_string(count) + " times";
}

std::string ordinal(int number) {
  static constexpr std::array<std::string_view, 6> words{"first", "second", "third", "fourth", "fifth", "sixth"};
  if (number >= 1 && number <= static_cast<int>(words.size())) return std::string(words.at(number - 1));
  return std::to_string(number) + "th";
}

constexpr std::string_view docker_failed = "docker: ";
constexpr size_t tasks_quoted = 3;  ///< per service behind, in a message

bool runs(const harness::TaskState& task) { return task.desired == "Running" && task.current.starts_with("Running"); }

/// "app_web 0/1 of its current spec running (Starting 4 seconds ago; Failed 9 seconds ago: task:
/// non-zero exit (1))".
std::string behind(const harness::ServiceRollout& rollout, int running, int desired) {
  std::string text =
      rollout.name + " " + std::to_string(running) + "/" + std::to_string(desired) + " of its current spec running";
  std::vector<std::string> states;
  for (const auto& task : rollout.current_tasks) {
    if (runs(task) || states.size() == tasks_quoted) continue;
    states.push_back(task.current + (task.error.empty() ? "" : ": " + task.error));
  }
  if (rollout.current_tasks.empty()) states.emplace_back("no task of the current spec yet");
  return text + " (" + harness::join(states, "; ") + ")";
}

}  // namespace

ProbeReport stack_settled(harness::DockerDriver& docker, const std::string& stack) {
  auto services = docker.service_ls(stack);
  if (!services) return ProbeReport::pending("cannot list the services: " + services.error().message);
  if (services->empty()) return ProbeReport::pending("no service of " + stack + " is listed");
  std::vector<std::string> unsettled;
  for (const auto& service : *services) {
    auto converged = harness::replicas_converged(service.replicas);
    if (!converged) return ProbeReport::failed(converged.error().message);
    if (!*converged) unsettled.push_back(service.name + " " + service.replicas);
  }
  if (unsettled.empty()) return ProbeReport::done();
  return ProbeReport::pending("not all tasks running: " + harness::join(unsettled, ", "));
}

harness::PollResult wait_until_stack_stopped(harness::DockerDriver& docker, harness::Clock& clock,
                                             const std::string& stack, std::chrono::milliseconds timeout) {
  harness::PollOptions options;
  options.timeout = timeout;
  return harness::poll_until(clock, options, [&] {
    auto residue = docker.stack_residue(stack);
    if (!residue.ok()) return harness::ProbeReport::failed(residue.error().message);
    if (residue->services.empty() && residue->containers.empty()) return harness::ProbeReport::done();
    return harness::ProbeReport::pending(residue->describe());
  });
}

harness::Status wait_until_settled(harness::DockerDriver& docker, harness::Clock& clock, const std::string& stack,
                                   std::chrono::milliseconds timeout) {
  harness::PollOptions options;
  options.timeout = timeout;
  auto result = harness::poll_until(clock, options, [&] { return stack_settled(docker, stack); });
  return harness::to_status(result, "every service of " + stack + " to run its desired replicas", ErrorKind::infra);
}

ProbeReport stack_rolled_out(harness::DockerDriver& docker, const std::string& stack) {
  auto services = docker.service_ls(stack);
  if (!services) return ProbeReport::pending(std::string(docker_failed) + services.error().message);
  if (services->empty()) return ProbeReport::pending("no service of " + stack + " is listed");
  std::vector<std::string> names;
  for (const auto& service : *services) names.push_back(service.name);
  auto rollouts = docker.service_rollouts(names);
  if (!rollouts) return ProbeReport::pending(std::string(docker_failed) + rollouts.error().message);
  std::vector<std::string> waiting;
  for (const auto& service : *services) {
    auto found =
        std::find_if(rollouts->begin(), rollouts->end(), [&](const auto& r) { return r.name == service.name; });
    harness::ServiceRollout rollout =
        found == rollouts->end() ? harness::ServiceRollout{service.name, {}, {}, {}} : *found;
    const auto& state = rollout.update_state;
    if (state.starts_with("rollback")) {
      return ProbeReport::failed("swarm rolled the update of " + rollout.name + " back (" + state +
                                 (rollout.update_message.empty() ? "" : ": " + rollout.update_message) + ")");
    }
    auto count = harness::parse_replicas(service.replicas);
    if (!count) return ProbeReport::pending(std::string(docker_failed) + count.error().message);
    int running = static_cast<int>(std::count_if(rollout.current_tasks.begin(), rollout.current_tasks.end(), runs));
    if (running < count->desired) {
      waiting.push_back(behind(rollout, running, count->desired));
    } else if (state == "updating") {
      waiting.push_back(rollout.name + " still updating");
    }
  }
  if (waiting.empty()) return ProbeReport::done();
  return ProbeReport::pending(harness::join(waiting, ", "));
}

harness::Status wait_until_converged(harness::DockerDriver& docker, harness::Clock& clock, const std::string& stack,
                                     std::chrono::milliseconds timeout, std::string_view bound) {
  harness::PollOptions options;
  options.timeout = timeout;
  auto result = harness::poll_until(clock, options, [&] { return stack_rolled_out(docker, stack); });
  if (result.done()) return harness::ok_status();
  if (result.end == harness::PollResult::End::failed) return make_error(ErrorKind::check_failed, result.last_message);
  if (result.end == harness::PollResult::End::interrupted)
    return harness::to_status(result, "the services of " + stack + " to converge");
  if (result.last_message.starts_with(docker_failed)) {
    return make_error(ErrorKind::infra, "docker could not tell whether " + stack + " converged (waited " +
                                            harness::format_duration(result.elapsed) +
                                            "): " + result.last_message.substr(docker_failed.size()));
  }
  std::string within = harness::format_duration(timeout);
  if (!bound.empty()) within += " (" + std::string(bound) + ")";
  return make_error(ErrorKind::check_failed,
                    "the services of " + stack + " did not converge within " + within + ": " + result.last_message);
}

bool is_backupbot_conflict(const harness::Error& error) {
  std::string text = harness::lowercase(error.message);
  for (size_t at = text.find("409"); at != std::string::npos; at = text.find("409", at + 3)) {
    bool alone = (at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]))) &&
                 (at + 3 == text.size() || !std::isalnum(static_cast<unsigned char>(text[at + 3])));
    if (alone && (text.find("conflict") != std::string::npos || text.find("client error") != std::string::npos))
      return true;
  }
  return false;
}

harness::Result<std::string> retry_on_conflict(harness::Clock& clock, const ConflictRetryBound& bound,
                                               const std::function<harness::Status()>& request) {
  int attempts = 0;
  int conflicts = 0;
  std::optional<harness::Error> other;
  std::string last_conflict;
  harness::PollOptions options{bound.total, bound.first_wait, bound.max_wait};
  auto result = harness::poll_until(clock, options, [&] {
    ++attempts;
    auto status = request();
    if (status) return ProbeReport::done();
    if (!is_backupbot_conflict(status.error())) {
      other = status.error();
      return ProbeReport::failed(status.error().message);
    }
    ++conflicts;
    last_conflict = status.error().message;
    if (attempts >= bound.attempts) return ProbeReport::failed("409 on the last allowed attempt");
    return ProbeReport::pending("409");
  });
  if (other) return *other;
  if (result.end == harness::PollResult::End::interrupted)
    return harness::to_status(result, "backupbot to answer without a 409").error();
  if (result.done())
    return conflicts == 0
               ? std::string()
               : "backupbot answered 409 " + times(conflicts) + "; the " + ordinal(attempts) + " attempt succeeded";
  return make_error(ErrorKind::infra, "backupbot answered 409 (Conflict) " + times(conflicts) + " in " +
                                          harness::format_duration(result.elapsed) + ", the bound being " +
                                          std::to_string(bound.attempts) + " attempts in " +
                                          harness::format_duration(bound.total) +
                                          "; the last answer: " + last_conflict);
}

}  // namespace ccci::runner
