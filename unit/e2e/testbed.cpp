#include "unit/e2e/testbed.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness/log.hpp"
#include "harness/process.hpp"

namespace ccci::e2e {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path source_dir = CCCI_SOURCE_DIR;
const std::filesystem::path binary_dir = CCCI_BINARY_DIR;

/// `ccci-testbed up` exits with this when no Docker daemon can be started on the machine.
constexpr int testbed_unavailable_exit = 77;

harness::ProcessRunner& runner() {
  static std::ostringstream discarded;
  static harness::Logger log(discarded);
  static auto instance = harness::make_process_runner(log);
  return *instance;
}

harness::Environment base_environment() {
  return harness::inherited_environment({"PATH", "HOME", "LANG", "TMPDIR", "CCCI_TESTBED_DIR", "CCCI_TESTBED_LOCK"});
}

boost::json::value read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  auto value = boost::json::parse(buffer.str(), ec);
  return ec ? boost::json::value(nullptr) : value;
}

std::filesystem::path state_dir() {
  const char* dir = std::getenv("CCCI_TESTBED_DIR");
  return dir ? dir : "/var/lib/ccci-testbed";
}

Testbed bring_up() {
  Testbed bed;
  auto up = run({(source_dir / "testbed/ccci-testbed").string(), "up"}, 20min);
  if (up.exit_code != 0) {
    bed.state = up.exit_code == testbed_unavailable_exit ? Testbed::State::no_docker : Testbed::State::broken;
    bed.problem = "testbed/ccci-testbed up: " + up.describe + "\n" + up.output;
    return bed;
  }
  std::ifstream env_file(state_dir() / "env");
  for (std::string line; std::getline(env_file, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos && line[0] != '#') bed.env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  bed.state = bed.env.empty() ? Testbed::State::broken : Testbed::State::ready;
  if (bed.env.empty()) bed.problem = "the testbed wrote no env file at " + (state_dir() / "env").string();
  return bed;
}

}  // namespace

CommandResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                  const std::map<std::string, std::string>& extra_env) {
  harness::Command command{argv, base_environment(), {}, timeout};
  for (const auto& [key, value] : extra_env) command.env[key] = value;
  CommandResult result;
  auto completion = runner().run(command);
  if (!completion) {
    result.describe = completion.error().message;
    return result;
  }
  result.exit_code = completion->timed_out || completion->signal ? -1 : completion->exit_code;
  result.describe = completion->describe();
  result.output = completion->out + completion->err;
  return result;
}

const Testbed& testbed() {
  static const Testbed bed = bring_up();
  return bed;
}

namespace {

/// A directory made on construction and removed, with all it holds, on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    char pattern[] = "/tmp/ccci-e2e-state-XXXXXX";
    if (::mkdtemp(pattern) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;  // a process at its end has nobody to tell
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

const std::filesystem::path& process_state_dir() {
  static const ScratchDir dir;
  return dir.path();
}

namespace {

/// Starts ccci-run in the background with its output in OUT/ccci-run.log, waits for a line of
/// that output, then sends ccci-run SIGTERM or runs a capture command (into a file outside OUT),
/// and waits for ccci-run (test code: a fixed script, the values as arguments and environment).
constexpr const char* watch_script = R"(
log=${CCCI_E2E_LOG:-$OUT/ccci-run.log}
"$@" >"$log" 2>&1 &
pid=$!
until grep -qF -- "$CCCI_E2E_WAIT_FOR" "$log"; do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -n "${CCCI_E2E_CAPTURE:-}" ]; then
  CCCI_E2E_PID=$pid CCCI_E2E_LOG=$log sh -c "$CCCI_E2E_CAPTURE" >"$CCCI_E2E_CAPTURED" 2>/dev/null
else
  kill -TERM "$pid" 2>/dev/null
fi
wait "$pid"
status=$?
cat "$log"
exit "$status"
)";

/// run_ccci_interfered's script: ccci-run in the background, `when` polled, then `then` or SIGKILL.
constexpr const char* interference_script = R"(
"$@" >"$OUT/ccci-run.log" 2>&1 &
pid=$!
until sh -c "$CCCI_E2E_WHEN" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if [ -n "${CCCI_E2E_THEN:-}" ]; then
  sh -c "$CCCI_E2E_THEN" >"$CCCI_E2E_THEN_OUTPUT" 2>&1
  echo "$?" >"$CCCI_E2E_THEN_OUTPUT.exit"
else
  kill -KILL "$pid" 2>/dev/null
fi
wait "$pid"
status=$?
cat "$OUT/ccci-run.log"
exit "$status"
)";

struct RunOptions {
  std::vector<std::string> extra_args;
  std::string wait_for;  ///< empty: no watching
  std::string capture;   ///< empty: SIGTERM at `wait_for`
  std::filesystem::path captured_file;
  std::filesystem::path recipes_dir = source_dir / "recipes";
  std::map<std::string, std::string> extra_env;
  std::string script = watch_script;
  std::filesystem::path out_dir;   ///< empty: a fresh temporary directory
  std::filesystem::path log_file;  ///< empty: OUT/ccci-run.log
};

RunResult run_ccci_with(const std::string& recipe, int pr, const RunOptions& options) {
  RunResult result;
  char pattern[] = "/tmp/ccci-e2e-XXXXXX";
  result.out_dir = options.out_dir.empty() ? std::filesystem::path(::mkdtemp(pattern)) : options.out_dir;
  std::map<std::string, std::string> env = testbed().env;
  env["PATH"] = (binary_dir / "testbed/bin").string() + ":" + base_environment()["PATH"];
  env["CCCI_RECIPES_DIR"] = options.recipes_dir.string();
  env["RECIPE"] = recipe;
  env["PR"] = pr > 0 ? std::to_string(pr) : "";  // empty is unset: a run of the default branch
  env["OUT"] = result.out_dir.string();
  env["CCCI_STATE_DIR"] = process_state_dir().string();
  for (const auto& [key, value] : options.extra_env) env[key] = value;
  std::vector<std::string> argv;
  if (!options.wait_for.empty()) {
    env["CCCI_E2E_WAIT_FOR"] = options.wait_for;
    if (!options.log_file.empty()) env["CCCI_E2E_LOG"] = options.log_file.string();
    if (!options.capture.empty()) {
      env["CCCI_E2E_CAPTURE"] = options.capture;
      env["CCCI_E2E_CAPTURED"] = options.captured_file.string();
    }
    argv = {"sh", "-c", watch_script, "sh"};
  }
  if (options.script != watch_script) argv = {"sh", "-c", options.script, "sh"};
  argv.push_back((binary_dir / "runner/ccci-run").string());
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  auto command = run(argv, 15min, env);
  result.exit_code = command.exit_code;
  result.output = command.describe + "\n" + command.output;
  result.results = read_json(result.out_dir / "results.json");
  result.plan = read_json(result.out_dir / "plan.json");
  return result;
}

}  // namespace

RunResult run_ccci(const std::string& recipe, int pr, const std::vector<std::string>& extra_args) {
  RunOptions options;
  options.extra_args = extra_args;
  return run_ccci_with(recipe, pr, options);
}

RunResult run_ccci_with_env(const std::string& recipe, int pr, const std::map<std::string, std::string>& env) {
  RunOptions options;
  options.extra_env = env;
  return run_ccci_with(recipe, pr, options);
}

RunResult run_ccci_terminated(const std::string& recipe, int pr, const std::string& after_line) {
  RunOptions options;
  options.wait_for = after_line;
  return run_ccci_with(recipe, pr, options);
}

RunResult run_ccci_watched(const std::string& recipe, int pr, const Watch& watch, std::string& captured) {
  char pattern[] = "/tmp/ccci-e2e-capture-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(pattern);
  RunOptions options;
  options.wait_for = watch.after_line;
  options.capture = watch.capture;
  options.captured_file = dir / "captured";
  if (!watch.recipes_dir.empty()) options.recipes_dir = watch.recipes_dir;
  options.extra_args = watch.extra_args;
  options.extra_env = watch.env;
  options.out_dir = watch.out_dir;
  options.log_file = watch.log_file;
  RunResult result = run_ccci_with(recipe, pr, options);
  std::ifstream in(options.captured_file);
  std::stringstream text;
  text << in.rdbuf();
  captured = text.str();
  while (!captured.empty() && std::isspace(static_cast<unsigned char>(captured.back()))) captured.pop_back();
  std::filesystem::remove_all(dir);
  return result;
}

RunResult run_ccci_interfered(const std::string& recipe, int pr, const std::vector<std::string>& extra_args,
                              const std::map<std::string, std::string>& extra_env, Interference& interference) {
  char pattern[] = "/tmp/ccci-e2e-then-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(pattern);
  RunOptions options;
  options.script = interference_script;
  options.extra_args = extra_args;
  options.extra_env = extra_env;
  options.extra_env["CCCI_E2E_WHEN"] = interference.when;
  options.extra_env["CCCI_E2E_THEN"] = interference.then;
  options.extra_env["CCCI_E2E_THEN_OUTPUT"] = (dir / "then").string();
  RunResult result = run_ccci_with(recipe, pr, options);
  auto slurp = [](const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  interference.then_output = slurp(dir / "then");
  std::string exit_code = slurp(dir / "then.exit");
  interference.then_exit_code = exit_code.empty() ? -1 : std::stoi(exit_code);
  std::filesystem::remove_all(dir);
  return result;
}

std::vector<std::string> leftovers_of(const std::string& stack) {
  std::vector<std::string> found;
  auto list = [&](const std::string& kind, std::vector<std::string> argv, bool by_label) {
    auto listing = run(argv, 1min);
    if (listing.exit_code != 0) {
      found.push_back("docker " + kind + " listing failed: " + listing.describe + " " + listing.output);
      return;
    }
    std::istringstream lines(listing.output);
    for (std::string name; std::getline(lines, name);) {
      std::string line = kind + " " + name;
      bool ours = by_label ? !name.empty() : name.find(stack) != std::string::npos;
      if (ours && std::find(found.begin(), found.end(), line) == found.end()) found.push_back(line);
    }
  };
  const std::string label = "label=com.docker.stack.namespace=" + stack;
  for (const char* kind : {"stack", "service", "container", "volume", "secret", "config", "network"}) {
    std::vector<std::string> argv{"docker", kind, "ls", "--format", "{{.Name}}"};
    if (std::string(kind) == "container") argv = {"docker", "ps", "-a", "--format", "{{.Names}}"};
    list(kind, argv, false);
    if (std::string(kind) == "stack") continue;          // `docker stack ls` has no filter; its services do
    argv.insert(argv.begin() + 3, {"--filter", label});  // after `docker <kind> ls` / `docker ps -a`
    list(kind, argv, true);
  }
  return found;
}

}  // namespace ccci::e2e
