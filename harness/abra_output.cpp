#include "harness/abra_output.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <sstream>

#include "harness/text.hpp"

namespace ccci::harness {
namespace {

/// abra's output as trimmed lines, colours removed.
std::vector<std::string> clean_lines(std::string_view text) { return trimmed_lines(strip_ansi(text)); }

/// Log lines of abra (charmbracelet: "INFO …"), of backupbot (python logging, or JSON with
/// MACHINE_LOGS=true) and its "no snapshots" notice are not data.
bool is_log_line(std::string_view line) {
  if (line.front() == '{') return true;
  static constexpr std::array levels{"DEBU", "DEBUG", "INFO", "WARN",  "WARNING",
                                     "ERRO", "ERROR", "FATA", "FATAL", "CRITICAL"};
  // The level opens abra's lines; python's logging may put a time (and a logger name) first.
  constexpr int words_looked_at = 8;  // "2025-03-01 12:00:00,123 [INFO]" splits into 6
  std::string_view rest = line;
  for (int i = 0; i < words_looked_at && !rest.empty(); ++i) {
    auto word_end = rest.find_first_of(" :\t[]");
    auto word = rest.substr(0, word_end);
    if (std::find(levels.begin(), levels.end(), word) != levels.end()) return true;
    if (word_end == std::string_view::npos) break;
    rest = rest.substr(word_end + 1);
  }
  return lowercase(line).find("no snapshots found") != std::string::npos;
}

bool is_digits(std::string_view text, std::size_t count) {
  return text.size() == count && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// "2025-03-01"
bool is_date(std::string_view text) {
  return text.size() == 10 && is_digits(text.substr(0, 4), 4) && text[4] == '-' && is_digits(text.substr(5, 2), 2) &&
         text[7] == '-' && is_digits(text.substr(8, 2), 2);
}

/// "12:00:00", optionally followed by a fraction or zone.
bool is_clock(std::string_view text) {
  return text.size() >= 8 && is_digits(text.substr(0, 2), 2) && text[2] == ':' && is_digits(text.substr(3, 2), 2) &&
         text[5] == ':' && is_digits(text.substr(6, 2), 2);
}

bool is_snapshot_id(std::string_view text) {
  return text.size() >= 8 && text.size() <= 64 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

/// A table row's cells: split at table bars (ASCII or box drawing) and at runs of two or more
/// spaces; a single space stays inside a cell.
std::vector<std::string> table_cells(std::string row) {
  for (std::string_view bar : {"\u2502", "\u2503", "\u2551", "|"}) {
    for (size_t at = row.find(bar); at != std::string::npos; at = row.find(bar, at)) row.replace(at, bar.size(), "  ");
  }
  std::vector<std::string> cells;
  std::string cell;
  int spaces = 0;
  for (char c : row) {
    if (c == ' ' || c == '\t') {
      ++spaces;
      continue;
    }
    if (spaces >= 2 && !cell.empty()) {
      cells.push_back(cell);
      cell.clear();
    } else if (spaces == 1 && !cell.empty()) {
      cell += ' ';
    }
    spaces = 0;
    cell += c;
  }
  if (!cell.empty()) cells.push_back(cell);
  return cells;
}

/// A line that only draws a table: borders and separators (ASCII or box drawing).
bool is_decoration(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](unsigned char c) {
    return c >= 0x80 || c == '-' || c == '+' || c == '=' || c == ' ' || c == '|' || c == '_' || c == '\t';
  });
}

/// "2025-03-01T12:00:00", "2025-03-01T12:00:00.5Z": a date and a clock in one word.
bool is_timestamp(std::string_view word) {
  return word.size() > 11 && is_date(word.substr(0, 10)) && word[10] == 'T' && is_clock(word.substr(11));
}

bool has_hex_letter(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](unsigned char c) { return std::isalpha(c); });
}

/// A line's words, table bars counted as spaces.
std::vector<std::string> words_of(std::string line) {
  for (std::string_view bar : {"\u2502", "\u2503", "\u2551", "|"}) {
    for (size_t at = line.find(bar); at != std::string::npos; at = line.find(bar, at))
      line.replace(at, bar.size(), " ");
  }
  std::istringstream stream(line);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

/// The snapshot a data line describes: a time (one word, or a date and a clock) and an id of 8–64
/// hex digits, in any order and among any other columns (host, tags, paths). The version is a
/// "version=<v>" tag, else the first other word that starts like a version.
std::optional<Snapshot> snapshot_in(const std::string& line) {
  auto words = words_of(line);
  Snapshot found;
  std::vector<std::string> rest;
  std::string id_with_digits_only;
  for (size_t i = 0; i < words.size(); ++i) {
    const auto& word = words[i];
    if (found.time.empty() && is_timestamp(word)) {
      found.time = word;
    } else if (found.time.empty() && is_date(word) && i + 1 < words.size() && is_clock(words[i + 1])) {
      found.time = word + " " + words[++i];
    } else if (found.id.empty() && is_snapshot_id(word) && has_hex_letter(word)) {
      found.id = word;
    } else if (id_with_digits_only.empty() && is_snapshot_id(word)) {
      id_with_digits_only = word;  // an all-digit id is possible, but so is a size column
    } else {
      rest.push_back(word);
    }
  }
  if (found.id.empty()) found.id = id_with_digits_only;
  if (found.time.empty() || found.id.empty()) return std::nullopt;
  for (const auto& word : rest) {
    auto tag = word.find("version=");
    if (tag != std::string::npos) {
      found.version = word.substr(tag + 8, word.find(',', tag) - (tag + 8));
      return found;
    }
  }
  for (const auto& word : rest) {
    bool starts_like_version =
        std::isdigit(static_cast<unsigned char>(word.front())) ||
        (word.size() > 1 && word.front() == 'v' && std::isdigit(static_cast<unsigned char>(word[1])));
    if (starts_like_version && word.find('.') != std::string::npos) {
      found.version = word;
      break;
    }
  }
  return found;
}

/// The path a data line of `backup list` names: the line itself, or its column that starts with '/'
/// after an optional leading time column.
std::optional<std::string> path_in(const std::string& line) {
  if (line.front() == '/') return line;
  for (auto cell : table_cells(line)) {
    auto space = cell.find(' ');
    std::string_view head = std::string_view(cell).substr(0, space);
    if (space != std::string::npos && is_timestamp(head)) {
      cell = cell.substr(space + 1);
    } else if (space != std::string::npos && is_date(head)) {
      auto clock_end = cell.find(' ', space + 1);
      if (clock_end != std::string::npos && is_clock(std::string_view(cell).substr(space + 1, clock_end - space - 1)))
        cell = cell.substr(clock_end + 1);
    }
    if (!cell.empty() && cell.front() == '/') return cell;
  }
  return std::nullopt;
}

/// The output held data lines but none of the kind expected: say what was seen, bounded.
Error nothing_found(std::string_view what, std::string_view expected, const std::vector<std::string>& lines) {
  constexpr size_t shown_lines = 6;
  std::string seen;
  for (size_t i = 0; i < lines.size() && i < shown_lines; ++i) seen += "\n  " + printable(lines[i], 160);
  if (lines.size() > shown_lines) seen += "\n  (" + std::to_string(lines.size() - shown_lines) + " more lines)";
  return make_error(ErrorKind::infra, "cannot read `" + std::string(what) + "` output: no line holds " +
                                          std::string(expected) + "; it begins with:" + seen);
}

/// "2025/03/01", "12:00:00", "3:04PM", "2025-03-01T12:00:00Z": a word of a log line's timestamp.
bool is_timestamp_word(std::string_view word) {
  return !word.empty() && std::isdigit(static_cast<unsigned char>(word.front())) &&
         word.find_first_not_of("0123456789/:-.+TZAPM") == std::string_view::npos;
}

/// The log level of one of abra's lines ("FATA"), or "" when the line has none.
std::string_view log_level(std::string_view line) {
  std::istringstream words{std::string(line)};
  std::string word;
  for (int skipped = 0; words >> word && skipped <= 2; ++skipped) {
    for (std::string_view level : {"DEBU", "INFO", "WARN", "ERRO", "FATA"}) {
      if (word == level) return level;
    }
    if (!is_timestamp_word(word)) return {};
  }
  return {};
}

/// The first word of `text`, without quotes around it.
std::string first_word(std::string_view text) {
  auto end = text.find_first_of(" \t");
  std::string word(text.substr(0, end));
  if (word.size() >= 2 && (word.front() == '\'' || word.front() == '"') && word.back() == word.front()) {
    word = word.substr(1, word.size() - 2);
  }
  return word;
}

}  // namespace

std::vector<std::string> abra_error_lines(std::string_view text, bool warnings) {
  std::vector<std::string> lines;
  for (auto& line : clean_lines(text)) {
    auto level = log_level(line);
    if (level == "FATA" || level == "ERRO" || (warnings && level == "WARN")) lines.push_back(std::move(line));
  }
  return lines;
}

std::optional<std::string> unknown_flag(std::string_view text) {
  constexpr std::string_view cobra = "Error: unknown flag: ";
  constexpr std::string_view cobra_short = "Error: unknown shorthand flag: ";
  constexpr std::string_view urfave = "flag provided but not defined: ";
  for (const auto& line : clean_lines(text)) {
    std::string_view rest = line;
    if (rest.rfind(cobra, 0) == 0) return first_word(rest.substr(cobra.size()));
    if (rest.rfind(cobra_short, 0) == 0) {
      // "Error: unknown shorthand flag: 'x' in -x": the argument as given is after " in ".
      auto in = rest.find(" in ", cobra_short.size());
      return first_word(in == std::string_view::npos ? rest.substr(cobra_short.size()) : rest.substr(in + 4));
    }
    auto at = rest.find(urfave);
    bool abras_own = at == 0 || rest.rfind("Incorrect Usage", 0) == 0 || !log_level(rest).empty();
    if (at != std::string_view::npos && abras_own) return first_word(rest.substr(at + urfave.size()));
  }
  return std::nullopt;
}

std::string abra_output_tail(std::string_view text) { return last_lines(strip_ansi(text), 15, 2000); }

Result<std::vector<Snapshot>> parse_snapshot_lines(std::string_view text) {
  std::vector<Snapshot> snapshots;
  std::vector<std::string> other_lines;  // headers, decorations' neighbours, anything unread
  for (const auto& line : clean_lines(text)) {
    if (is_log_line(line) || is_decoration(line)) continue;
    if (auto snapshot = snapshot_in(line)) {
      snapshots.push_back(std::move(*snapshot));
    } else {
      other_lines.push_back(line);
    }
  }
  if (snapshots.empty() && !other_lines.empty())
    return nothing_found("abra app backup snapshots", "a time and a snapshot id", other_lines);
  return snapshots;
}

std::vector<std::string> parse_generated_secrets(std::string_view text) {
  std::vector<std::string> values;
  for (const auto& line : clean_lines(text)) {
    if (is_log_line(line)) continue;
    bool border = std::all_of(line.begin(), line.end(), [](unsigned char c) {
      return c >= 0x80 || c == '-' || c == '+' || c == '=' || c == ' ' || c == '|';
    });
    if (border) continue;
    auto cells = table_cells(line);
    if (cells.empty()) continue;
    if (cells.size() >= 2 && lowercase(cells.front()) == "name" && lowercase(cells.back()) == "value") continue;
    if (cells.size() == 1) {
      // "<name> <value>" with a single space, or a bare value: both readings are kept.
      auto space = cells.front().find(' ');
      if (space != std::string::npos) values.push_back(cells.front().substr(space + 1));
    }
    values.push_back(cells.back());
  }
  return values;
}

Result<std::vector<std::string>> parse_backup_paths(std::string_view text) {
  std::vector<std::string> paths;
  std::vector<std::string> other_lines;
  for (const auto& line : clean_lines(text)) {
    if (is_log_line(line) || is_decoration(line)) continue;
    if (auto path = path_in(line)) {
      paths.push_back(std::move(*path));
    } else {
      other_lines.push_back(line);
    }
  }
  if (paths.empty() && !other_lines.empty())
    return nothing_found("abra app backup list", "an absolute path", other_lines);
  return paths;
}

}  // namespace ccci::harness
