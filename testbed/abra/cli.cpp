#include "testbed/abra/cli.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace ccci::testbed {
namespace {

using harness::ErrorKind;
using harness::make_error;

const Flag no_input{"no-input", 'n', false};
const Flag offline{"offline", 'o', false};
const Flag chaos{"chaos", 'C', false};
const Flag force{"force", 'f', false};

// abra-cli.md §1–§5, §8; the argv ccci's driver builds are in docs/abra-contract.md. --chaos and
// --offline exist on exactly the commands that load the recipe (docs/abra-contract.md, "Recipe
// checkout"); undeploy, rm and volume rm refuse them as unknown flags.
const std::vector<CommandSpec> commands = {
    {"app new",
     1,
     2,
     {{"server", 's', true}, {"domain", 'D', true}, {"secrets", 'S', false}, chaos, no_input, offline}},
    {"app deploy", 1, 2, {chaos, force, no_input, offline, {"no-converge-checks", 'c', false}}},
    {"app undeploy", 1, 1, {no_input}},
    {"app rm", 1, 1, {force, no_input}},
    {"app volume rm", 1, 2, {force, no_input}},
    {"app secret generate", 1, 3, {{"all", 'a', false}, no_input, chaos, offline}},
    {"app secret insert", 3, 4, {{"file", 'f', false}, no_input, chaos, offline}},
    {"app backup create", 1, 1, {no_input, chaos, offline, {"retries", 'r', true}}},
    {"app backup snapshots", 1, 1, {no_input, chaos, offline, {"snapshot", 's', true}}},
    {"app backup list", 1, 1, {no_input, chaos, offline, {"snapshot", 's', true}, {"all", 'a', false}}},
    {"app restore", 1, 1, {no_input, chaos, offline, {"snapshot", 's', true}}},
};

/// The command whose name is the longest prefix of `args`, and how many words that name took;
/// null when none is.
std::pair<const CommandSpec*, size_t> find_command(const std::vector<std::string>& args) {
  const CommandSpec* spec = nullptr;
  size_t used = 0;
  for (const auto& candidate : commands) {
    std::vector<std::string> words;
    std::string name = candidate.name;
    for (size_t start = 0; start <= name.size();) {
      size_t space = name.find(' ', start);
      words.push_back(name.substr(start, space == std::string::npos ? std::string::npos : space - start));
      if (space == std::string::npos) break;
      start = space + 1;
    }
    if (args.size() >= words.size() && std::equal(words.begin(), words.end(), args.begin()) && words.size() > used) {
      spec = &candidate;
      used = words.size();
    }
  }
  return {spec, used};
}

/// One flag argument as written: `--name`, `--name=value` or `-n`.
struct FlagUse {
  const Flag* flag = nullptr;               ///< null: not a flag of this command
  std::optional<std::string> inline_value;  ///< the `=value` of `--name=value`
};

FlagUse find_flag(const CommandSpec& spec, const std::string& arg) {
  FlagUse use;
  if (arg.rfind("--", 0) == 0) {
    std::string name = arg.substr(2, arg.find('=') - 2);
    if (auto eq = arg.find('='); eq != std::string::npos) use.inline_value = arg.substr(eq + 1);
    for (const auto& f : spec.flags) {
      if (name == f.long_name) use.flag = &f;
    }
  } else if (arg.size() == 2) {
    for (const auto& f : spec.flags) {
      if (arg[1] == f.short_name) use.flag = &f;
    }
  }
  return use;
}

/// cobra's words (abra >= 0.10), which `abra` prints after "Error: ".
std::string unknown_flag_message(const std::string& arg) {
  if (arg.rfind("--", 0) == 0) return "unknown flag: " + arg.substr(0, arg.find('='));
  return "unknown shorthand flag: '" + arg.substr(1, 1) + "' in " + arg;
}

harness::Status check_positional_count(const CommandSpec& spec, const Invocation& invocation) {
  size_t count = invocation.positionals.size();
  if (count >= spec.min_positionals && count <= spec.max_positionals) return harness::ok_status();
  return make_error(ErrorKind::usage,
                    "abra " + invocation.command + " takes " + std::to_string(spec.min_positionals) +
                        (spec.max_positionals != spec.min_positionals ? " to " + std::to_string(spec.max_positionals)
                                                                      : std::string()) +
                        " arguments, got " + std::to_string(count));
}

}  // namespace

bool needs_terminal(const std::string& command) {
  return command == "app backup create" || command == "app restore" || command == "app secret insert";
}

harness::Status require_terminal(const Invocation& invocation, bool has_terminal) {
  if (has_terminal || !needs_terminal(invocation.command)) return harness::ok_status();
  return make_error(ErrorKind::check_failed, "the input device is not a TTY");
}

const std::vector<CommandSpec>& command_table() { return commands; }

harness::Result<Invocation> parse_command_line(const std::vector<std::string>& args) {
  auto [spec, used] = find_command(args);
  if (!spec) {
    std::string given;
    for (size_t i = 0; i < std::min<size_t>(args.size(), 3); ++i) given += (given.empty() ? "" : " ") + args[i];
    return make_error(ErrorKind::usage, "unknown command: " + given);
  }
  Invocation invocation;
  invocation.command = spec->name;
  for (size_t i = used; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      invocation.positionals.push_back(arg);
      continue;
    }
    auto [flag, inline_value] = find_flag(*spec, arg);
    if (!flag) return make_error(ErrorKind::usage, unknown_flag_message(arg));
    if (flag->takes_value) {
      if (!inline_value) {
        if (i + 1 >= args.size()) return make_error(ErrorKind::usage, "flag needs an argument: " + arg);
        inline_value = args[++i];
      }
      invocation.values[flag->long_name] = *inline_value;
    } else {
      if (inline_value) return make_error(ErrorKind::usage, "flag takes no argument: " + arg);
      invocation.switches.insert(flag->long_name);
    }
  }
  CCCI_TRY_STATUS(check_positional_count(*spec, invocation));
  return invocation;
}

}  // namespace ccci::testbed
