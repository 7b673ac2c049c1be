// Boost.Process v2 is header-only in 1.81 unless BOOST_PROCESS_V2_SEPARATE_COMPILATION is set;
// std::filesystem spares us a link against Boost.Filesystem. This is the only file that includes it.
#define BOOST_PROCESS_USE_STD_FS 1

#include "harness/process.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

// 1.81's config.hpp forgets these includes on the BOOST_PROCESS_USE_STD_FS path.
#include <boost/optional.hpp>
#include <boost/type_traits/remove_pointer.hpp>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2.hpp>

#include "harness/interrupt.hpp"
#include "harness/log.hpp"
#include "harness/text.hpp"

extern char** environ;

namespace ccci::harness {
namespace {

namespace bp = boost::process::v2;
namespace asio = boost::asio;
using namespace std::chrono_literals;

/// Between SIGTERM and SIGKILL to the child's group.
constexpr auto kTermGrace = 2s;
/// After SIGKILL, how long we still wait for pipes held open by processes outside the group.
constexpr auto kKillDrain = 1s;
/// How often a running child checks the interrupt flag.
constexpr auto kInterruptPoll = 50ms;

/// Puts the child in a process group of its own, so a timeout or interrupt can kill the child
/// and everything it spawned (Chromium, docker plugins) with one kill(-pgid).
struct NewProcessGroup {
  template <class Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*) {
    if (::setpgid(0, 0) != 0) return bp::error_code(errno, bp::system_category());
    return {};
  }
};

/// Leaves the child nothing but stdin, stdout and stderr: every other descriptor is marked
/// close-on-exec. Boost 1.81's own close_all skips the range below its error pipe (it compares
/// each whitelist entry with itself), so without this the child kept copies of our pipes — and a
/// daemon it started (dockerd from `ccci-testbed up`) held them open, and us waiting, forever.
struct OnlyStandardStreams {
  template <class Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*) {
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return {};
    struct rlimit limit {};
    rlim_t highest = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? std::min<rlim_t>(limit.rlim_cur, 1 << 16) : 1024;
    for (int fd = 3; fd < static_cast<int>(highest); ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return {};
  }
};

/// The child's whole environment. Boost's process_environment is declared header-only in 1.81 but
/// defined only in its separately compiled src.hpp (boostorg/process#312), so we set the
/// launcher's envp ourselves. `entries` must outlive the launch.
struct ExplicitEnvironment {
  explicit ExplicitEnvironment(const std::vector<std::string>& entries) {
    pointers.reserve(entries.size() + 1);
    for (const auto& entry : entries) pointers.push_back(entry.c_str());
    pointers.push_back(nullptr);
  }
  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&, const char* const*) {
    launcher.env = pointers.data();
    return {};
  }
  std::vector<const char*> pointers;
};

std::string quote_argv(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& arg : argv) {
    if (!line.empty()) line += ' ';
    bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$") == std::string::npos;
    line += plain ? arg : "'" + arg + "'";
  }
  return line;
}

std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : std::to_string(signal);
}

bool is_executable_file(const std::filesystem::path& path) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(path, ignored) && ::access(path.c_str(), X_OK) == 0;
}

/// argv[0] as the kernel will exec it: absolute as given, a name with a slash relative to the
/// command's cwd, a bare name looked up in the command's own PATH (not ours: the child's
/// environment is the one that decides).
Result<std::filesystem::path> resolve_executable(const Command& command) {
  const std::string& name = command.argv.front();
  if (name.empty()) return make_error(ErrorKind::usage, "empty program name in argv[0]");
  if (name.find('/') != std::string::npos) {
    std::filesystem::path path = name;
    if (path.is_relative() && !command.cwd.empty()) path = command.cwd / path;
    if (!is_executable_file(path)) {
      return make_error(ErrorKind::not_found, "executable " + name + " not found or not executable");
    }
    return path;
  }
  auto path_entry = command.env.find("PATH");
  if (path_entry == command.env.end()) {
    return make_error(ErrorKind::not_found, "executable " + name + " not found: the command's environment has no PATH");
  }
  std::string_view search = path_entry->second;
  while (true) {
    auto colon = search.find(':');
    std::string_view dir = search.substr(0, colon);
    if (!dir.empty()) {
      auto candidate = std::filesystem::path(dir) / name;
      if (is_executable_file(candidate)) return candidate;
    }
    if (colon == std::string_view::npos) break;
    search.remove_prefix(colon + 1);
  }
  return make_error(ErrorKind::not_found, "executable " + name + " not found in PATH=" + path_entry->second);
}

/// A descriptor closed when it goes out of scope.
class OwnedFd {
 public:
  explicit OwnedFd(int fd = -1) : fd_(fd) {}
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  OwnedFd(OwnedFd&& other) noexcept : fd_(other.release()) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.release();
    }
    return *this;
  }
  ~OwnedFd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

/// Both ends of a new pseudo-terminal, close-on-exec in this process. The window is wide so
/// that tools which fit tables to the terminal do not wrap them.
struct PseudoTerminal {
  OwnedFd master;
  OwnedFd slave;
};

Result<PseudoTerminal> open_pseudo_terminal() {
  auto fail = [](std::string_view step) {
    return make_error(ErrorKind::infra,
                      "cannot open a pseudo-terminal: " + std::string(step) + ": " + std::strerror(errno));
  };
  PseudoTerminal terminal;
  terminal.master = OwnedFd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (terminal.master.get() < 0) return fail("posix_openpt");
  if (::grantpt(terminal.master.get()) != 0) return fail("grantpt");
  if (::unlockpt(terminal.master.get()) != 0) return fail("unlockpt");
  std::array<char, 128> name{};
  if (::ptsname_r(terminal.master.get(), name.data(), name.size()) != 0) return fail("ptsname");
  terminal.slave = OwnedFd(::open(name.data(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (terminal.slave.get() < 0) return fail("open slave");
  struct winsize size {};
  size.ws_row = 50;
  size.ws_col = 250;
  ::ioctl(terminal.slave.get(), TIOCSWINSZ, &size);  // best effort: the default size works too
  return terminal;
}

void kill_group(pid_t group, int signal) {
  if (group > 0) ::kill(-group, signal);
}

/// One spawned child and the asio machinery that drives it to completion.
class ChildSession {
 public:
  ChildSession(const Command& command, std::filesystem::path executable)
      : command_(command), executable_(std::move(executable)) {}

  Result<Completion> run() {
    std::vector<std::string> env_entries;
    env_entries.reserve(command_.env.size());
    for (const auto& [key, value] : command_.env) env_entries.push_back(key + "=" + value);
    std::vector<std::string> args(command_.argv.begin() + 1, command_.argv.end());

    std::error_code cwd_error;
    std::filesystem::path cwd = command_.cwd.empty() ? std::filesystem::current_path(cwd_error) : command_.cwd;

    bp::error_code launch_error;
    bp::default_process_launcher launcher;
    auto launch = [&](bp::process_stdio stdio) {
      return launcher(context_.get_executor(), launch_error, executable_, args, std::move(stdio),
                      ExplicitEnvironment{env_entries}, bp::process_start_dir{cwd}, NewProcessGroup{},
                      OnlyStandardStreams{});
    };
    std::optional<bp::process> launched;
    if (command_.terminal == Terminal::pseudo) {
      CCCI_TRY(auto terminal, open_pseudo_terminal());
      int slave = terminal.slave.get();
      launched.emplace(launch(bp::process_stdio{slave, slave, slave}));
      // Ours closed, the master reads EIO once the child and everything it started closed theirs.
      terminal.slave.reset();
      if (!launch_error) out_pipe_.assign(terminal.master.release());
      err_open_ = false;
    } else {
      launched.emplace(launch(bp::process_stdio{nullptr, out_pipe_, err_pipe_}));
    }
    if (launch_error) {
      return make_error(ErrorKind::infra, "could not start " + command_.argv.front() + ": " + launch_error.message());
    }
    bp::process& process = *launched;
    pid_ = process.id();
    started_ = std::chrono::steady_clock::now();

    out_.capture.max = err_.capture.max = command_.max_output;
    // A terminal's master reads EIO, not EOF, when the child's side is gone: the normal end too.
    read_to_end(out_pipe_, out_, out_open_);
    if (err_open_) read_to_end(err_pipe_, err_, err_open_);
    process.async_wait([this, &process](const bp::error_code& error, int) {
      running_ = false;
      if (!error) native_status_ = process.native_exit_code();
      finish_if_done();
    });
    deadline_.expires_after(command_.timeout);
    deadline_.async_wait([this](const bp::error_code& error) {
      if (error || done()) return;
      completion_.timed_out = true;
      stop_group();
    });
    poll_interrupt();

    context_.run();

    completion_.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
    if (running_) {
      // Only reachable if the io_context stopped early; never leave a child behind.
      kill_group(pid_, SIGKILL);
      bp::error_code ignored;
      process.wait(ignored);
      native_status_ = process.native_exit_code();
    }
    completion_.out = out_.capture.finish();
    completion_.err = err_.capture.finish();
    completion_.dropped = out_.capture.dropped + err_.capture.dropped;
    if (command_.terminal == Terminal::pseudo) completion_.out = normalize_terminal_output(completion_.out);
    if (native_status_ && WIFEXITED(*native_status_)) completion_.exit_code = WEXITSTATUS(*native_status_);
    if (native_status_ && WIFSIGNALED(*native_status_)) completion_.signal = WTERMSIG(*native_status_);
    if (interrupted_by_ != 0) {
      return make_error(ErrorKind::interrupted, "interrupted by " + signal_name(interrupted_by_) + " while running " +
                                                    command_.argv.front() + " (its process group was killed)");
    }
    return completion_;
  }

 private:
  /// One stream being read: what is kept of it and the chunk the next read lands in.
  struct Stream {
    BoundedCapture capture;
    std::array<char, 65536> chunk{};
  };

  /// Reads `pipe` chunk by chunk into `stream` until it ends (EOF, or EIO for a terminal) or fails.
  void read_to_end(asio::readable_pipe& pipe, Stream& stream, bool& open) {
    pipe.async_read_some(asio::buffer(stream.chunk),
                         [this, &pipe, &stream, &open](const bp::error_code& error, std::size_t size) {
                           stream.capture.append(std::string_view(stream.chunk.data(), size));
                           if (error) {
                             open = false;
                             finish_if_done();
                             return;
                           }
                           read_to_end(pipe, stream, open);
                         });
  }

  bool done() const { return !running_ && !out_open_ && !err_open_; }

  void finish_if_done() {
    if (!done()) return;
    deadline_.cancel();
    grace_.cancel();
    interrupt_tick_.cancel();
  }

  void poll_interrupt() {
    interrupt_tick_.expires_after(kInterruptPoll);
    interrupt_tick_.async_wait([this](const bp::error_code& error) {
      if (error || done()) return;
      if (interrupted_by_ == 0 && interrupt_stops_children()) {
        interrupted_by_ = pending_interrupt();
        stop_group();
      }
      poll_interrupt();
    });
  }

  /// SIGTERM to the group, SIGKILL after a grace period, then stop waiting for pipes that a
  /// process outside the group (one that called setsid) may still hold open.
  void stop_group() {
    if (stopping_) return;
    stopping_ = true;
    kill_group(pid_, SIGTERM);
    grace_.expires_after(kTermGrace);
    grace_.async_wait([this](const bp::error_code& error) {
      if (error || done()) return;
      kill_group(pid_, SIGKILL);
      grace_.expires_after(kKillDrain);
      grace_.async_wait([this](const bp::error_code& drain_error) {
        if (drain_error || done()) return;
        bp::error_code ignored;
        out_pipe_.close(ignored);
        err_pipe_.close(ignored);
      });
    });
  }

  const Command& command_;
  std::filesystem::path executable_;
  asio::io_context context_;
  asio::readable_pipe out_pipe_{context_};
  asio::readable_pipe err_pipe_{context_};
  Stream out_;
  Stream err_;
  asio::steady_timer deadline_{context_};
  asio::steady_timer grace_{context_};
  asio::steady_timer interrupt_tick_{context_};
  pid_t pid_ = 0;
  std::chrono::steady_clock::time_point started_;
  bool running_ = true;
  bool out_open_ = true;
  bool err_open_ = true;
  bool stopping_ = false;
  int interrupted_by_ = 0;
  std::optional<int> native_status_;
  Completion completion_;
};

class RealProcessRunner final : public ProcessRunner {
 public:
  explicit RealProcessRunner(Logger& log) : log_(log) {}

  Result<Completion> run(const Command& command) override {
    auto result = run_unlogged(command);
    std::string argv = quote_argv(command.argv);
    if (result.ok()) {
      log_.info("process", argv + ": " + result->describe() + " after " + format_duration(result->elapsed));
    } else {
      log_.info("process", argv + ": " + std::string(to_string(result.error().kind)) + ": " + result.error().message);
    }
    return result;
  }

 private:
  Result<Completion> run_unlogged(const Command& command) {
    if (command.argv.empty()) return make_error(ErrorKind::usage, "a command needs a non-empty argv");
    if (command.timeout <= std::chrono::milliseconds::zero()) {
      return make_error(ErrorKind::usage, "command " + command.argv.front() + " has no timeout (zero is rejected)");
    }
    if (interrupt_stops_children()) {
      return make_error(ErrorKind::interrupted, "interrupted by " + signal_name(pending_interrupt()) +
                                                    " before starting " + command.argv.front());
    }
    std::error_code ignored;
    if (!command.cwd.empty() && !std::filesystem::is_directory(command.cwd, ignored)) {
      return make_error(ErrorKind::not_found, "working directory " + command.cwd.string() + " does not exist");
    }
    CCCI_TRY(auto executable, resolve_executable(command));
    try {
      ChildSession session(command, std::move(executable));
      return session.run();
    } catch (const std::exception& error) {
      return make_error(ErrorKind::infra, "running " + command.argv.front() + " failed: " + error.what());
    }
  }

  Logger& log_;
};

}  // namespace

std::string Completion::describe() const {
  if (timed_out) return "timed out after " + format_duration(elapsed);
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + signal_name(signal) + ")";
  return "exit " + std::to_string(exit_code);
}

std::string normalize_terminal_output(std::string_view text) {
  std::string lines;
  lines.reserve(text.size());
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '\r') {
      lines += text[at];
      continue;
    }
    while (at + 1 < text.size() && text[at + 1] == '\r') ++at;
    if (at + 1 < text.size() && text[at + 1] == '\n') ++at;
    lines += '\n';
  }
  return lines;
}

std::unique_ptr<ProcessRunner> make_process_runner(Logger& log) { return std::make_unique<RealProcessRunner>(log); }

void BoundedCapture::append(std::string_view more) {
  text.append(more);
  if (text.size() <= 2 * max) return;
  std::size_t excess = text.size() - max;
  text.erase(0, excess);
  dropped += excess;
}

std::string BoundedCapture::finish() {
  if (text.size() > max) {
    std::size_t excess = text.size() - max;
    text.erase(0, excess);
    dropped += excess;
  }
  if (dropped == 0) return std::move(text);
  return "[ccci: the first " + std::to_string(dropped) + " bytes of this output were dropped]\n" + text;
}

Environment inherited_environment(const std::vector<std::string>& keep) {
  std::set<std::string, std::less<>> wanted(keep.begin(), keep.end());
  Environment env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view pair = *entry;
    auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    auto name = pair.substr(0, equals);
    if (wanted.count(name)) env.emplace(std::string(name), std::string(pair.substr(equals + 1)));
  }
  return env;
}

}  // namespace ccci::harness
