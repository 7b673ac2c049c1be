#include "testbed/abra/help.hpp"

#include <algorithm>
#include <sstream>

#include "testbed/abra/cli.hpp"

namespace ccci::testbed {
namespace {

/// "  -C, --chaos" or "      --no-converge-checks", padded so descriptions line up as cobra does.
std::string flag_line(const Flag& flag) {
  std::string spelling = flag.short_name ? std::string("  -") + flag.short_name + ", " : std::string(6, ' ');
  spelling += std::string("--") + flag.long_name + (flag.takes_value ? " string" : "");
  spelling.resize(std::max<size_t>(spelling.size() + 3, 34), ' ');
  return spelling + "(stand-in) " + flag.long_name + "\n";
}

}  // namespace

std::string version_text() { return "abra version 0.0.0-ccci-standin\n"; }

bool asks_for_help(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& arg) { return arg == "--help" || arg == "-h"; });
}

bool asks_for_version(const std::vector<std::string>& args) {
  return args.size() == 1 && (args[0] == "--version" || args[0] == "-v");
}

harness::Result<std::string> help_text(const std::vector<std::string>& args) {
  std::string words;
  for (const auto& arg : args) {
    if (arg.empty() || arg[0] == '-') break;
    words += (words.empty() ? "" : " ") + arg;
  }
  for (const auto& command : command_table()) {
    if (words != command.name) continue;
    std::ostringstream text;
    text << "The testbed's stand-in for abra " << command.name << ".\n\nUsage:\n  abra " << command.name
         << " [flags]\n\nFlags:\n";
    for (const auto& flag : command.flags) text << flag_line(flag);
    text << "  -h, --help                      help for " << command.name << "\n";
    return text.str();
  }
  return harness::make_error(harness::ErrorKind::usage, "unknown command: " + words);
}

}  // namespace ccci::testbed
