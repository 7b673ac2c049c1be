#pragma once
/// The stand-in's command line: exactly the subcommands and flags ccci's abra driver issues
/// (harness/abra.cpp, docs/abra-contract.md), strict like abra itself — an unknown subcommand
/// or flag is an error, never ignored.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/result.hpp"

namespace ccci::testbed {

struct Invocation {
  std::string command;  ///< "app new", "app deploy", "app backup create", …
  std::vector<std::string> positionals;
  std::set<std::string> switches;             ///< boolean flags given, by long name
  std::map<std::string, std::string> values;  ///< flags with a value, by long name

  bool has(const std::string& flag) const { return switches.count(flag) > 0; }
  std::string value(const std::string& flag) const {
    auto found = values.find(flag);
    return found == values.end() ? std::string() : found->second;
  }
};

/// One flag of a command: `--long_name`, `-short_name`, with a value or a switch.
struct Flag {
  const char* long_name;
  char short_name;
  bool takes_value;
};

/// One subcommand ("app deploy"), how many positionals it takes and the flags it accepts.
struct CommandSpec {
  const char* name;
  size_t min_positionals;
  size_t max_positionals;
  std::vector<Flag> flags;
};

/// Every command the stand-in accepts; its `--help` (testbed/abra/help.hpp) is generated from
/// this table, so a flag it refuses is also absent from its help.
const std::vector<CommandSpec>& command_table();

/// Parses argv without argv[0]. Errors are ErrorKind::usage with cobra's messages (abra >= 0.10),
/// e.g. "unknown flag: --x", "unknown shorthand flag: 'x' in -x"; main prints them after "Error: ".
harness::Result<Invocation> parse_command_line(const std::vector<std::string>& args);

/// backup create, restore and secret insert run `docker exec -it`-like steps that need a terminal
/// on stdin (abra-cli.md §10: cc-ci ran them under `script`).
bool needs_terminal(const std::string& command);

/// Docker's refusal, "the input device is not a TTY", when the command needs a terminal and
/// stdin is none (main passes isatty(0)).
harness::Status require_terminal(const Invocation& invocation, bool has_terminal);

}  // namespace ccci::testbed
