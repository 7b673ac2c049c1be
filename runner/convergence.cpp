#include "runner/convergence.hpp"

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

harness::Status wait_until_settled(harness::DockerDriver& docker, harness::Clock& clock, const std::string& stack,
                                   std::chrono::milliseconds timeout) {
  harness::PollOptions options;
  options.timeout = timeout;
  auto result = harness::poll_until(clock, options, [&] { return stack_settled(docker, stack); });
  return harness::to_status(result, "every service of " + stack + " to run its desired replicas", ErrorKind::infra);
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
