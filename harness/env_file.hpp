#pragma once
/// EnvFile: an abra app `.env`, a recipe `.env.sample` or the `export` lines of an `abra.sh`.
///
/// `KEY=value`, `export KEY=value`, `#` comment lines, a trailing ` # comment` after an unquoted
/// value (kept: abra reads `# length=128` and `# generate=false` there), 'single quotes'
/// (literal) and "double quotes" (\" \\ \n \$ escapes, expansion). `$VAR` and `${VAR}` expand
/// from earlier lines, then from the base environment, dotenv style — abra's `.env` builds
/// `COMPOSE_FILE="$COMPOSE_FILE:compose.postgres.yml"`. Errors are ErrorKind::spec with file:line.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "harness/result.hpp"

namespace ccci::harness {

struct EnvEntry {
  std::string key;
  std::string value;    ///< unquoted and expanded
  std::string comment;  ///< text after ` #` on the line, trimmed; empty if none
  int line = 0;
};

class EnvFile {
 public:
  std::vector<EnvEntry> entries;  ///< in file order; a key set twice appears twice

  /// The final value of every key.
  std::map<std::string, std::string> values() const;
  /// The last entry for `key`, or nullptr.
  const EnvEntry* find(const std::string& key) const;
};

Result<EnvFile> parse_env_file(const std::string& text, const std::string& file,
                               const std::map<std::string, std::string>& base = {});
Result<EnvFile> read_env_file(const std::filesystem::path& path, const std::map<std::string, std::string>& base = {});

/// Sets each KEY=value in an existing .env: the line of a key that is there is replaced, a new
/// key is appended; every other line stays as it was. Values are written double-quoted.
Status set_env_values(const std::filesystem::path& path, const std::map<std::string, std::string>& values);

}  // namespace ccci::harness
