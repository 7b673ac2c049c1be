#include "testbed/abra/cli.hpp"

#include <algorithm>

namespace ccci::testbed {
namespace {

using harness::ErrorKind;
using harness::make_error;

struct Flag {
  const char* long_name;
  char short_name;
  bool takes_value;
};

struct CommandSpec {
  const char* name;
  size_t min_positionals;
  size_t max_positionals;
  std::vector<Flag> flags;
};

const Flag no_input{"no-input", 'n', false};
const Flag offline{"offline", 'o', false};
const Flag chaos{"chaos", 'C', false};
const Flag force{"force", 'f', false};

// abra-cli.md §1–§5, §8; the argv ccci's driver builds are in docs/abra-contract.md.
const std::vector<CommandSpec> commands = {
    {"app new",
     1,
     2,
     {{"server", 's', true}, {"domain", 'D', true}, {"secrets", 'S', false}, chaos, no_input, offline}},
    {"app deploy", 1, 2, {chaos, force, no_input, offline, {"no-converge-checks", 'c', false}}},
    {"app undeploy", 1, 1, {no_input}},
    {"app rm", 1, 1, {force, no_input}},
    {"app volume rm", 1, 2, {force, no_input}},
    {"app secret generate", 1, 3, {{"all", 'a', false}, no_input}},
    {"app secret insert", 3, 4, {{"file", 'f', false}, no_input}},
    {"app backup create", 1, 1, {no_input, {"retries", 'r', true}}},
    {"app backup snapshots", 1, 1, {no_input, {"snapshot", 's', true}}},
    {"app backup list", 1, 1, {no_input, {"snapshot", 's', true}, {"all", 'a', false}}},
    {"app restore", 1, 1, {no_input, chaos, offline, {"snapshot", 's', true}}},
};

}  // namespace

harness::Result<Invocation> parse_command_line(const std::vector<std::string>& args) {
  // The longest command name that prefixes the words given.
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
    const Flag* flag = nullptr;
    std::string inline_value;
    bool has_inline = false;
    if (arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2, arg.find('=') - 2);
      if (auto eq = arg.find('='); eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        has_inline = true;
      }
      for (const auto& f : spec->flags) {
        if (name == f.long_name) flag = &f;
      }
    } else if (arg.size() == 2) {
      for (const auto& f : spec->flags) {
        if (arg[1] == f.short_name) flag = &f;
      }
    }
    if (!flag) return make_error(ErrorKind::usage, "unknown flag: " + arg + " (for abra " + invocation.command + ")");
    if (flag->takes_value) {
      if (!has_inline) {
        if (i + 1 >= args.size()) return make_error(ErrorKind::usage, "flag needs an argument: " + arg);
        inline_value = args[++i];
      }
      invocation.values[flag->long_name] = inline_value;
    } else {
      if (has_inline) return make_error(ErrorKind::usage, "flag takes no argument: " + arg);
      invocation.switches.insert(flag->long_name);
    }
  }
  size_t count = invocation.positionals.size();
  if (count < spec->min_positionals || count > spec->max_positionals) {
    return make_error(
        ErrorKind::usage,
        "abra " + invocation.command + " takes " + std::to_string(spec->min_positionals) +
            (spec->max_positionals != spec->min_positionals ? " to " + std::to_string(spec->max_positionals)
                                                            : std::string()) +
            " arguments, got " + std::to_string(count));
  }
  return invocation;
}

}  // namespace ccci::testbed
