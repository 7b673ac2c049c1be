#pragma once
/// FakeProcessRunner: the ProcessRunner seam's one test double. Spawns nothing: records every
/// Command it is given and answers from scripted rules matched on an argv prefix, so drivers
/// (git, docker, abra) are tested on the exact argv, environment and timeout they build.
///
/// Matching: the rule with the longest matching prefix answers; among equally long prefixes the
/// earliest live rule does. A rule added with once() retires after answering one command, so
/// once(p, A); once(p, B); on(p, C) answers A, then B, then C forever. Unmatched commands get the
/// default answer (exit 0, no output, unless set_default() changed it). Thread-safe.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "harness/process.hpp"

namespace ccci::fakes {

/// A Completion that exited with `code` after writing `out` and `err`.
harness::Completion exited(int code, std::string out = "", std::string err = "");
/// A Completion the runner killed after its timeout (signal SIGTERM).
harness::Completion timed_out();

class FakeProcessRunner : public harness::ProcessRunner {
 public:
  using Argv = std::vector<std::string>;
  using Handler = std::function<harness::Result<harness::Completion>(const harness::Command&)>;

  /// Every command starting with `prefix` gets `answer` (a Completion, an Error, or a handler's).
  FakeProcessRunner& on(Argv prefix, harness::Completion answer);
  FakeProcessRunner& on(Argv prefix, harness::Error answer);
  FakeProcessRunner& on(Argv prefix, Handler handler);
  /// The next command starting with `prefix` gets `answer`; the rule then retires.
  FakeProcessRunner& once(Argv prefix, harness::Completion answer);
  FakeProcessRunner& once(Argv prefix, harness::Error answer);
  FakeProcessRunner& set_default(harness::Completion answer);

  harness::Result<harness::Completion> run(const harness::Command& command) override;

  /// Every command run so far, in order.
  std::vector<harness::Command> commands() const;
  /// Just the argv of every recorded command, in order.
  std::vector<Argv> argvs() const;
  /// How many recorded commands start with `prefix`.
  std::size_t count(const Argv& prefix) const;
  /// The first recorded command starting with `prefix`; fails the current test when none did.
  harness::Command first(const Argv& prefix) const;

 private:
  struct Rule {
    Argv prefix;
    Handler handler;
    bool once = false;
    bool retired = false;
  };
  FakeProcessRunner& add(Argv prefix, Handler handler, bool once);

  mutable std::mutex mutex_;
  std::vector<Rule> rules_;
  harness::Completion default_answer_ = exited(0);
  std::vector<harness::Command> commands_;
};

/// True when `argv` starts with `prefix`.
bool argv_starts_with(const std::vector<std::string>& argv, const std::vector<std::string>& prefix);

}  // namespace ccci::fakes
