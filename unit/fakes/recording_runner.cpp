#include "unit/fakes/recording_runner.hpp"

#include <algorithm>
#include <utility>

namespace ccci::fakes {

harness::Completion exited(int code, std::string out, std::string err) {
  harness::Completion completion;
  completion.exit_code = code;
  completion.out = std::move(out);
  completion.err = std::move(err);
  return completion;
}

harness::Completion timed_out() {
  harness::Completion completion;
  completion.timed_out = true;
  completion.signal = 15;
  return completion;
}

void RecordingRunner::script(std::vector<std::string> argv_prefix, harness::Result<harness::Completion> outcome) {
  std::lock_guard lock(mutex_);
  for (auto& existing : scripts_) {
    if (existing.prefix == argv_prefix) {
      existing.outcomes.push_back(std::move(outcome));
      return;
    }
  }
  scripts_.push_back(Script{std::move(argv_prefix), {std::move(outcome)}});
}

harness::Result<harness::Completion> RecordingRunner::run(const harness::Command& command) {
  std::lock_guard lock(mutex_);
  commands_.push_back(command);
  Script* best = nullptr;
  for (auto& candidate : scripts_) {
    const auto& prefix = candidate.prefix;
    bool matches =
        prefix.size() <= command.argv.size() && std::equal(prefix.begin(), prefix.end(), command.argv.begin());
    if (matches && (!best || prefix.size() > best->prefix.size())) best = &candidate;
  }
  if (!best) return exited(0);
  std::size_t index = std::min(best->calls++, best->outcomes.size() - 1);
  return best->outcomes[index];
}

std::vector<harness::Command> RecordingRunner::commands() const {
  std::lock_guard lock(mutex_);
  return commands_;
}

std::vector<std::vector<std::string>> RecordingRunner::argvs() const {
  std::lock_guard lock(mutex_);
  std::vector<std::vector<std::string>> result;
  for (const auto& command : commands_) result.push_back(command.argv);
  return result;
}

}  // namespace ccci::fakes
