#pragma once
/// What ccci reads of abra's (and backupbot's) output: snapshot lines, backup paths and the values
/// `secret generate` prints. abra prints for people — colours, log lines, tables — so every parser
/// removes ANSI colours, trims lines and skips log lines (abra's "INFO …", backupbot's python or
/// JSON logging, its "no snapshots" notice). The backup formats are known only from recollection
/// (docs/abra-contract.md), so their parsers read tolerantly: a line that is not an entry (header,
/// table border, log line, anything else) is skipped, and only an output with lines but no entry
/// at all is ErrorKind::infra, quoting its first lines.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/result.hpp"

namespace ccci::harness {

/// One entry of `abra app backup snapshots`: recalled as "<time> <id> [<app version>]"
/// (abra-cli.md §5); a table with the id first, a header and more columns is read too.
struct Snapshot {
  std::string time;     ///< as printed, e.g. "2025-03-01T12:00:00"
  std::string id;       ///< restic short id
  std::string version;  ///< the app version tagged on the snapshot; may be empty
  bool operator==(const Snapshot&) const = default;
};

/// Oldest first, as printed. An entry is a line with a time ("<date>T<clock>" or "<date> <clock>")
/// and an id of 8–64 hex digits in any order; the version is a "version=<v>" tag or the first other
/// word that starts like one. A "no snapshots" notice, or only log lines, is an empty list.
Result<std::vector<Snapshot>> parse_snapshot_lines(std::string_view text);

/// `abra app backup list`: one absolute path per line, or a table/log-like line whose column
/// (after an optional leading time) starts with '/'. Other lines are skipped.
Result<std::vector<std::string>> parse_backup_paths(std::string_view text);

/// The values in `abra app secret generate`'s output, a NAME/VALUE table (abra-cli.md §1,
/// [RECALL] format), read loosely: cells split on table bars or runs of spaces; the last cell of
/// every row that is not a border, the header or a log line is a value. Reading too much only
/// masks more; missing a value would leak it.
std::vector<std::string> parse_generated_secrets(std::string_view text);

/// abra's own error lines: those whose charmbracelet/log level (after colours, leading spaces and
/// an optional timestamp of up to two words) is FATA or ERRO, or, with `warnings`, also WARN.
/// Service and backupbot log lines abra echoes are not abra's: a database's "connection refused"
/// must never be read as abra failing to reach docker (abra-cli.md §2 "Exit codes and messages").
std::vector<std::string> abra_error_lines(std::string_view text, bool warnings = false);

/// The flag abra's command-line parser refused, if it printed that: cobra's
/// `Error: unknown flag: --x` and `Error: unknown shorthand flag: 'x' in -x` (abra >= 0.10), or
/// urfave/cli's `flag provided but not defined: -x` (older abra; also inside a FATA line).
std::optional<std::string> unknown_flag(std::string_view text);

/// The end of abra's output for a message, colours removed: enough to see its FATA line and cause.
std::string abra_output_tail(std::string_view text);

}  // namespace ccci::harness
