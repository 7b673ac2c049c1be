// abra, the testbed's stand-in: parse the command line strictly, run one command, print abra's
// `FATA` line and exit 1 on failure.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/log.hpp"
#include "testbed/abra/app_commands.hpp"
#include "testbed/abra/backupbot.hpp"
#include "testbed/abra/cli.hpp"
#include "testbed/abra/help.hpp"

extern char** environ;

namespace {

/// The app a command is about and the server it lives on ("" when the command names no app).
std::pair<std::string, std::string> app_and_server(const ccci::testbed::Context& context,
                                                   const ccci::testbed::Invocation& invocation) {
  if (invocation.command == "app new") return {invocation.value("domain"), invocation.value("server")};
  if (invocation.positionals.empty()) return {};
  const std::string& domain = invocation.positionals.front();
  auto env = context.find_app_env(domain);
  return {domain, env.ok() ? env->parent_path().filename().string() : std::string()};
}

/// abra keeps a log of each command under $ABRA_DIR/logs/<server>/ (docs/abra-contract.md); the
/// stand-in writes what it ran and how that ended there, one file per command.
void write_command_log(const std::filesystem::path& abra_dir, const std::string& domain, const std::string& server,
                       const std::vector<std::string>& args, const std::string& spawned, const std::string& ending) {
  if (domain.empty() || server.empty() || abra_dir.empty()) return;
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H%M%SZ", std::gmtime(&now));
  auto dir = abra_dir / "logs" / server;
  // Best effort, like abra's own log: a log that cannot be written never changes the command's outcome.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return;
  std::ofstream log(dir / (domain + "_" + stamp + "_" + std::to_string(::getpid())), std::ios::trunc);
  log << "abra";
  for (const auto& arg : args) log << " " << arg;
  log << "\n" << spawned << ending << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ccci;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (testbed::asks_for_version(args)) {
    std::cout << testbed::version_text();
    return 0;
  }
  if (testbed::asks_for_help(args)) {
    auto help = testbed::help_text(args);
    if (!help.ok()) {
      std::cerr << "FATA " << help.error().message << "\n";
      return 1;
    }
    std::cout << *help;
    return 0;
  }
  auto invocation = testbed::parse_command_line(args);
  if (!invocation.ok()) {
    std::cerr << "Error: " << invocation.error().message << "\n";  // cobra's parse errors
    return 1;
  }
  harness::Environment env;
  for (char** entry = environ; *entry; ++entry) {
    std::string pair = *entry;
    if (auto eq = pair.find('='); eq != std::string::npos) env[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  std::ostringstream quiet;  // spawn logs are not abra's output
  harness::Logger log(quiet);
  auto runner = harness::make_process_runner(log);
  testbed::Context context(*runner, env);
  using Command = harness::Status (*)(testbed::Context&, const testbed::Invocation&);
  const std::pair<const char*, Command> table[] = {
      {"app new", testbed::app_new},
      {"app deploy", testbed::app_deploy},
      {"app undeploy", testbed::app_undeploy},
      {"app rm", testbed::app_remove},
      {"app volume rm", testbed::app_volume_remove},
      {"app secret generate", testbed::app_secret_generate},
      {"app secret insert", testbed::app_secret_insert},
      {"app backup create", testbed::backup_create},
      {"app backup snapshots", testbed::backup_snapshots},
      {"app backup list", testbed::backup_list},
      {"app restore", testbed::restore},
  };
  for (const auto& [name, command] : table) {
    if (invocation->command != name) continue;
    auto [domain, server] = app_and_server(context, *invocation);  // before `app rm` removes the .env
    std::string ending = "ok";
    int exit_code = 0;
    try {
      auto status = testbed::require_terminal(*invocation, ::isatty(STDIN_FILENO) == 1);
      if (status.ok()) status = testbed::check_out_pinned_version(context, *invocation);
      if (status.ok()) status = command(context, *invocation);
      if (!status.ok()) {
        ending = "FATA " + status.error().message;
        exit_code = 1;
      }
    } catch (const std::exception& e) {
      ending = std::string("FATA internal error: ") + e.what();
      exit_code = 1;
    }
    if (exit_code != 0) std::cerr << ending << "\n";
    write_command_log(context.abra_dir(), domain, server, args, quiet.str(), ending);
    return exit_code;
  }
  std::cerr << "FATA unknown command\n";
  return 1;
}
