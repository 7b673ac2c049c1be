#pragma once
/// ProcessRunner: the only way ccci spawns a process.
///
/// A Command is argv (never a shell string) + an explicit, complete environment + a working
/// directory + a required timeout. The child runs in its own process group with stdin on
/// /dev/null (or, with Terminal::pseudo, on a pseudo-terminal that is also its stdout and
/// stderr); on timeout or interrupt the whole group gets SIGTERM, then SIGKILL after a grace
/// period. A non-zero exit is not an error of run(): it is reported in Completion, with the exit
/// code and the terminating signal kept apart. run() fails (ErrorKind::infra / not_found) only
/// when the process could not be started at all, and with ErrorKind::interrupted when the run
/// was interrupted while the child ran (the child's group is killed first). run() may be called
/// from several threads at once; each call owns its child and pipes.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/result.hpp"

namespace ccci::harness {

class Logger;

using Environment = std::map<std::string, std::string>;

/// What the child's stdin, stdout and stderr are.
enum class Terminal {
  none,  ///< stdin /dev/null; stdout and stderr are separate pipes
  /// One pseudo-terminal is stdin, stdout and stderr (for a tool that refuses to run without a
  /// TTY, e.g. `docker exec -t`). A terminal merges the two streams: everything arrives in
  /// Completion::out, in the order written, and Completion::err stays empty. Carriage returns
  /// are normalised (see normalize_terminal_output). Nothing is ever typed on its stdin: a child
  /// that waits for input waits until its timeout.
  pseudo,
};

/// The most bytes of one stream a Completion keeps: a child that prints more (a hostile recipe's
/// script, a runaway log) cannot exhaust ccci's memory. The newest bytes are kept, since
/// messages quote a tail; the stream keeps being read to its end, so the child never blocks.
inline constexpr std::size_t default_max_output = std::size_t{64} << 20;

struct Command {
  std::vector<std::string> argv;         ///< argv[0] is looked up in env's PATH unless absolute
  Environment env;                       ///< the child's whole environment
  std::filesystem::path cwd;             ///< empty: the runner's own working directory
  std::chrono::milliseconds timeout{0};  ///< required; zero is rejected as a usage error
  Terminal terminal = Terminal::none;
  std::size_t max_output = default_max_output;  ///< per stream; see default_max_output
};

struct Completion {
  int exit_code = -1;      ///< meaningful when signal == 0 and !timed_out
  int signal = 0;          ///< the signal that ended the child, 0 if it exited
  bool timed_out = false;  ///< the runner killed it after Command::timeout
  std::string out;         ///< captured stdout (Terminal::pseudo: everything the child wrote)
  std::string err;         ///< captured stderr (Terminal::pseudo: empty)
  /// Bytes of out + err dropped past Command::max_output (the oldest); each stream that lost
  /// bytes starts with a line saying how many.
  std::size_t dropped = 0;
  std::chrono::milliseconds elapsed{0};

  bool succeeded() const { return !timed_out && signal == 0 && exit_code == 0; }
  /// One line for logs and messages: "exit 1", "killed by signal 9", "timed out after 30s".
  std::string describe() const;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual Result<Completion> run(const Command& command) = 0;
};

/// The real runner (Boost.Process v2). Every spawn is logged with argv, outcome and duration.
std::unique_ptr<ProcessRunner> make_process_runner(Logger& log);

/// A terminal's output as plain lines: "\r\n" (a terminal's line end, any number of '\r' before
/// the '\n') becomes "\n", and a lone '\r' (a progress line redrawn in place) also ends a line,
/// so no '\r' is left and no redrawn text is lost.
std::string normalize_terminal_output(std::string_view text);

/// One stream's capture, bounded: appends `more` to `text`, and once `text` holds more than
/// twice `max` drops its oldest bytes down to `max` (so the cost stays linear), counting them.
struct BoundedCapture {
  std::string text;
  std::size_t max = default_max_output;
  std::size_t dropped = 0;

  void append(std::string_view more);
  /// The newest `max` bytes at most, after a line "[ccci: the first N bytes of this output were
  /// dropped]" when any were.
  std::string finish();
};

/// A copy of this process's environment restricted to names in `keep` (exact names).
Environment inherited_environment(const std::vector<std::string>& keep);

}  // namespace ccci::harness
