#pragma once
/// RecordingRunner: a ProcessRunner fake that spawns nothing. It records every Command it is
/// given and answers with outcomes scripted by argv prefix: the longest scripted prefix that
/// matches wins; the outcomes scripted for one prefix answer its calls in order, the last one
/// repeating (so scripting another outcome after some calls makes it the next answer). A command nothing matches "exits
/// 0" with empty output. Thread-safe.
#include <mutex>
#include <string>
#include <vector>

#include "harness/process.hpp"

namespace ccci::fakes {

/// A Completion that exited with `code` after writing `out` and `err`.
harness::Completion exited(int code, std::string out = "", std::string err = "");
/// A Completion the runner killed after its timeout.
harness::Completion timed_out();

class RecordingRunner : public harness::ProcessRunner {
 public:
  /// Queues `outcome` for commands whose argv starts with `argv_prefix`.
  void script(std::vector<std::string> argv_prefix, harness::Result<harness::Completion> outcome);

  harness::Result<harness::Completion> run(const harness::Command& command) override;

  std::vector<harness::Command> commands() const;
  /// Just the argv of every recorded command, in order.
  std::vector<std::vector<std::string>> argvs() const;

 private:
  struct Script {
    std::vector<std::string> prefix;
    std::vector<harness::Result<harness::Completion>> outcomes;
    std::size_t calls = 0;  ///< commands answered so far; the last outcome repeats
  };

  mutable std::mutex mutex_;
  std::vector<Script> scripts_;
  std::vector<harness::Command> commands_;
};

}  // namespace ccci::fakes
