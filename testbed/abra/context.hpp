#pragma once
/// Context: what every stand-in command works with — ABRA_DIR, the app's .env, its recipe
/// checkout and stack name, and one way to run docker, git and restic (the ProcessRunner, argv
/// only). A failed tool is an Error carrying its stderr; the caller turns it into `FATA …`.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/compose.hpp"
#include "harness/env_file.hpp"
#include "harness/process.hpp"

namespace ccci::testbed {

class Context {
 public:
  Context(harness::ProcessRunner& runner, harness::Environment env);

  const std::filesystem::path& abra_dir() const { return abra_dir_; }
  std::filesystem::path recipe_dir(const std::string& recipe) const { return abra_dir_ / "recipes" / recipe; }
  /// $ABRA_DIR/servers/<server>/<domain>.env for the server that holds the app (any server).
  harness::Result<std::filesystem::path> find_app_env(const std::string& domain) const;

  /// Runs a tool; non-zero exit is an Error with its stderr tail, unless `allow_failure`.
  harness::Result<harness::Completion> run(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                                           const std::filesystem::path& cwd = {}, bool allow_failure = false,
                                           const harness::Environment& extra = {});
  std::string git(const std::filesystem::path& dir, std::vector<std::string> args);  ///< trimmed stdout, "" on failure
  const harness::Environment& env() const { return env_; }

 private:
  harness::ProcessRunner& runner_;
  harness::Environment env_;
  std::filesystem::path abra_dir_;
};

/// One app as the commands see it: its .env, recipe, stack and merged compose model.
struct App {
  std::string domain;
  std::string stack;
  std::filesystem::path env_path;
  harness::EnvFile env;
  std::string recipe;
  std::string env_version;  ///< from TYPE=<recipe>:<version>, may be empty
  std::filesystem::path recipe_dir;

  /// The environment compose files are interpolated with: the .env, STACK_NAME and abra.sh exports.
  std::map<std::string, std::string> compose_env() const;
};

harness::Result<App> load_app(Context& context, const std::string& domain);

/// The stack's services as docker lists them ("<stack>_<service>").
harness::Result<std::vector<std::string>> stack_services(Context& context, const std::string& stack);

/// A failure abra would report as `FATA <message>` (main prints it and exits 1).
inline harness::Error fatal(const std::string& message) {
  return harness::make_error(harness::ErrorKind::check_failed, message);
}

/// Splits a hook string into words the way a POSIX shell would (quotes, backslashes), without
/// expanding anything — how backup-bot-two hands hook strings to docker exec.
std::vector<std::string> shell_words(const std::string& text);

}  // namespace ccci::testbed
