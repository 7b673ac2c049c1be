// abra, the testbed's stand-in: parse the command line strictly, run one command, print abra's
// `FATA` line and exit 1 on failure.
#include <iostream>
#include <sstream>

#include "harness/log.hpp"
#include "testbed/abra/app_commands.hpp"
#include "testbed/abra/backupbot.hpp"
#include "testbed/abra/cli.hpp"

extern char** environ;

int main(int argc, char** argv) {
  using namespace ccci;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto invocation = testbed::parse_command_line(args);
  if (!invocation.ok()) {
    std::cerr << "FATA " << invocation.error().message << "\n";
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
    try {
      auto status = command(context, *invocation);
      if (!status.ok()) {
        std::cerr << "FATA " << status.error().message << "\n";
        return 1;
      }
      return 0;
    } catch (const std::exception& e) {
      std::cerr << "FATA internal error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "FATA unknown command\n";
  return 1;
}
