#pragma once
/// EnvFile: an abra app `.env`, a recipe `.env.sample` or the `export` lines of an `abra.sh`.
///
/// `KEY=value`, `export KEY=value`, `#` comment lines, a trailing ` # comment` after an unquoted
/// value (kept: abra reads `# length=128` and `# generate=false` there), 'single quotes'
/// (literal) and "double quotes" (\" \\ \n \$ escapes, expansion). `$VAR` and `${VAR}` expand
/// from earlier lines, then from the base environment, dotenv style — abra's `.env` builds
/// `COMPOSE_FILE="$COMPOSE_FILE:compose.postgres.yml"`. The file is hostile input (a recipe's
/// `.env.sample`, a PR author's): sizes are bounded before anything grows past them.
/// Errors are ErrorKind::spec with file:line.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

/// Parses `text`. Bounded: the file at most 1 MiB, a value at most 64 KiB after expansion, all
/// values together at most 4 MiB (`A=$B$B…` line after line would double each time).
Result<EnvFile> parse_env_file(const std::string& text, const std::string& file,
                               const std::map<std::string, std::string>& base = {});
/// Reads at most 1 MiB (and a little more, to report the excess) and parses it; anything but a
/// regular file (a device, a FIFO, a directory) is refused unread.
Result<EnvFile> read_env_file(const std::filesystem::path& path, const std::map<std::string, std::string>& base = {});

/// The N of the first `name=N` (one or more digits) in an entry's comment, as abra reads
/// `# length=128`; nullopt when there is none. N above `max` is ErrorKind::spec naming file:line
/// (no overflow however many digits).
Result<std::optional<size_t>> comment_number(const EnvEntry& entry, std::string_view name, size_t max,
                                             const std::string& file);

/// Sets each KEY=value in an existing .env: the line of a key that is there is replaced, a new
/// key is appended; every other line stays as it was. Values are written double-quoted (a
/// newline as `\n`) and read back as themselves; a key that is not a variable name or a value
/// holding a carriage return or NUL is ErrorKind::spec and nothing is written.
Status set_env_values(const std::filesystem::path& path, const std::map<std::string, std::string>& values);

}  // namespace ccci::harness
