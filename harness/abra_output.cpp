#include "harness/abra_output.hpp"

#include <algorithm>
#include <array>
#include <cctype>
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
  auto word_end = line.find_first_of(" :\t");
  auto word = line.substr(0, word_end);
  for (std::string_view level : levels) {
    if (word == level) return true;
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

Error unparsable(std::string_view what, std::string_view line, std::string_view text) {
  return make_error(ErrorKind::infra, "cannot parse `" + std::string(what) + "` output: unexpected line " +
                                          printable(line) + "; output ends with:\n" + abra_output_tail(text));
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
  for (const auto& line : clean_lines(text)) {
    if (is_log_line(line)) continue;
    std::istringstream words(line);
    std::vector<std::string> tokens;
    for (std::string word; words >> word;) tokens.push_back(word);
    // "<date>T<clock> <id> [<version>]", or the same with a space instead of the 'T'.
    if (tokens.size() >= 2 && is_date(tokens[0]) && is_clock(tokens[1])) {
      tokens[0] += " " + tokens[1];
      tokens.erase(tokens.begin() + 1);
    }
    bool fits = (tokens.size() == 2 || tokens.size() == 3) && tokens[0].size() > 11 &&
                is_date(std::string_view(tokens[0]).substr(0, 10)) && (tokens[0][10] == 'T' || tokens[0][10] == ' ') &&
                is_clock(std::string_view(tokens[0]).substr(11)) && is_snapshot_id(tokens[1]);
    if (!fits) return unparsable("abra app backup snapshots", line, text);
    snapshots.push_back(Snapshot{tokens[0], tokens[1], tokens.size() == 3 ? tokens[2] : ""});
  }
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
  for (const auto& line : clean_lines(text)) {
    if (line.front() == '/') {
      paths.push_back(line);
      continue;
    }
    if (is_log_line(line)) continue;
    return unparsable("abra app backup list", line, text);
  }
  return paths;
}

}  // namespace ccci::harness
