#include "unit/fakes/fake_process.hpp"

#include <algorithm>

#include <signal.h>

#include <gtest/gtest.h>

namespace ccci::fakes {

using harness::Command;
using harness::Completion;
using harness::Result;

bool argv_starts_with(const std::vector<std::string>& argv, const std::vector<std::string>& prefix) {
  return prefix.size() <= argv.size() && std::equal(prefix.begin(), prefix.end(), argv.begin());
}

Completion exited(int code, std::string out, std::string err) {
  Completion completion;
  completion.exit_code = code;
  completion.out = std::move(out);
  completion.err = std::move(err);
  return completion;
}

Completion timed_out() {
  Completion completion;
  completion.timed_out = true;
  completion.signal = SIGTERM;
  return completion;
}

FakeProcessRunner& FakeProcessRunner::add(Argv prefix, Handler handler, bool once) {
  std::lock_guard lock(mutex_);
  rules_.push_back(Rule{std::move(prefix), std::move(handler), once, false});
  return *this;
}

FakeProcessRunner& FakeProcessRunner::on(Argv prefix, Completion answer) {
  return add(
      std::move(prefix), [answer](const Command&) -> Result<Completion> { return answer; }, false);
}

FakeProcessRunner& FakeProcessRunner::on(Argv prefix, harness::Error answer) {
  return add(
      std::move(prefix), [answer](const Command&) -> Result<Completion> { return answer; }, false);
}

FakeProcessRunner& FakeProcessRunner::on(Argv prefix, Handler handler) {
  return add(std::move(prefix), std::move(handler), false);
}

FakeProcessRunner& FakeProcessRunner::once(Argv prefix, Completion answer) {
  return add(
      std::move(prefix), [answer](const Command&) -> Result<Completion> { return answer; }, true);
}

FakeProcessRunner& FakeProcessRunner::once(Argv prefix, harness::Error answer) {
  return add(
      std::move(prefix), [answer](const Command&) -> Result<Completion> { return answer; }, true);
}

FakeProcessRunner& FakeProcessRunner::set_default(Completion answer) {
  std::lock_guard lock(mutex_);
  default_answer_ = std::move(answer);
  return *this;
}

Result<Completion> FakeProcessRunner::run(const Command& command) {
  Handler handler;
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(command);
    Rule* best = nullptr;
    for (auto& rule : rules_) {
      if (rule.retired || !argv_starts_with(command.argv, rule.prefix)) continue;
      if (!best || rule.prefix.size() > best->prefix.size()) best = &rule;
    }
    if (!best) return default_answer_;
    if (best->once) best->retired = true;
    handler = best->handler;
  }
  // Outside the lock: a handler may itself inspect the fake.
  return handler(command);
}

std::vector<Command> FakeProcessRunner::commands() const {
  std::lock_guard lock(mutex_);
  return commands_;
}

std::vector<FakeProcessRunner::Argv> FakeProcessRunner::argvs() const {
  std::lock_guard lock(mutex_);
  std::vector<Argv> all;
  for (const auto& command : commands_) all.push_back(command.argv);
  return all;
}

std::size_t FakeProcessRunner::count(const Argv& prefix) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(commands_.begin(), commands_.end(), [&](const Command& command) {
    return argv_starts_with(command.argv, prefix);
  }));
}

Command FakeProcessRunner::first(const Argv& prefix) const {
  std::lock_guard lock(mutex_);
  for (const auto& command : commands_) {
    if (argv_starts_with(command.argv, prefix)) return command;
  }
  std::string wanted;
  for (const auto& arg : prefix) wanted += " " + arg;
  ADD_FAILURE() << "no recorded command starts with:" << wanted;
  return Command{};
}

}  // namespace ccci::fakes
