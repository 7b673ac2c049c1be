#pragma once
/// What the stand-in prints for `abra --version` and `abra <command> --help`, the way real abra
/// (cobra) does: a `Usage:` line and a `Flags:` section of "  -C, --chaos   …" lines generated
/// from the command table (testbed/abra/cli.hpp), so `ccci-run doctor` finds in the stand-in's
/// help exactly the flags it accepts. Assumed real formats: docs/abra-contract.md, "How doctor
/// checks it".
#include <optional>
#include <string>
#include <vector>

#include "harness/result.hpp"

namespace ccci::testbed {

/// The stand-in's version line, shaped like real abra's "abra version <version>-<commit>".
std::string version_text();

/// True when argv (without argv[0]) asks for help: `--help` or `-h` anywhere.
bool asks_for_help(const std::vector<std::string>& args);
/// True when argv is exactly `--version` or `-v`.
bool asks_for_version(const std::vector<std::string>& args);

/// The help of the command argv names (the words before `--help`); ErrorKind::usage naming the
/// words when no command of the table has that name.
harness::Result<std::string> help_text(const std::vector<std::string>& args);

}  // namespace ccci::testbed
