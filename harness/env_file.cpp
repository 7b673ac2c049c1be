#include "harness/env_file.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <sstream>

namespace ccci::harness {
namespace {

Error at(const std::string& file, int line, const std::string& message) {
  return make_error(ErrorKind::spec, file + ":" + std::to_string(line) + ": " + message);
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool ascii_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool ascii_name_char(char c) { return ascii_name_start(c) || ascii_digit(c); }
/// What `\s` matched when this was a regular expression (the C locale's isspace).
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

struct Assignment {
  std::string key;
  std::string value;  ///< the raw text after `=`
};

/// `KEY=value` at `from`: a name, `=`, and a value without CR or LF (what `.` matched).
std::optional<Assignment> assignment_at(std::string_view line, size_t from) {
  if (from >= line.size() || !ascii_name_start(line[from])) return std::nullopt;
  size_t end = from;
  while (end < line.size() && ascii_name_char(line[end])) ++end;
  if (end == line.size() || line[end] != '=') return std::nullopt;
  std::string_view value = line.substr(end + 1);
  if (value.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  return Assignment{std::string(line.substr(from, end - from)), std::string(value)};
}

/// The language `\s*(export\s+)?NAME=.*` (ASCII names; `.` is anything but CR and LF).
std::optional<Assignment> parse_assignment(std::string_view line) {
  size_t start = 0;
  while (start < line.size() && space(line[start])) ++start;
  if (line.substr(start, 6) == "export" && start + 6 < line.size() && space(line[start + 6])) {
    size_t key = start + 6;
    while (key < line.size() && space(line[key])) ++key;
    if (auto found = assignment_at(line, key)) return found;
  }
  return assignment_at(line, start);  // `export=1` sets a variable named export
}

/// A value and the whole file after expansion: `A=$B$B…` on line after line doubles each time.
constexpr size_t max_file_bytes = size_t{1} << 20;
constexpr size_t max_value_bytes = size_t{64} << 10;
constexpr size_t max_expanded_bytes = size_t{4} << 20;

std::string lookup(const std::string& name, const std::map<std::string, std::string>& known,
                   const std::map<std::string, std::string>& base) {
  if (auto found = known.find(name); found != known.end()) return found->second;
  if (auto found = base.find(name); found != base.end()) return found->second;
  return {};
}

Error too_long(const std::string& file, int line) {
  return at(file, line, "the value is longer than " + std::to_string(max_value_bytes >> 10) + " KiB after expansion");
}

/// Expands $VAR and ${VAR} in `text`; fails before the result outgrows max_value_bytes.
Result<std::string> expand(std::string_view text, const std::map<std::string, std::string>& known,
                           const std::map<std::string, std::string>& base, const std::string& file, int line) {
  std::string out;
  auto append = [&](const std::string& value) {
    if (value.size() > max_value_bytes - std::min(out.size(), max_value_bytes)) return false;
    out += value;
    return true;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max_value_bytes) return too_long(file, line);
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) return at(file, line, "unterminated ${ in value");
      std::string name(text.substr(i + 2, close - i - 2));
      if (!append(lookup(name, known, base))) return too_long(file, line);
      i = close;
    } else if (name_char(text[i + 1])) {
      size_t end = i + 1;
      while (end < text.size() && name_char(text[end])) ++end;
      if (!append(lookup(std::string(text.substr(i + 1, end - i - 1)), known, base))) return too_long(file, line);
      i = end - 1;
    } else {
      out += '$';
    }
  }
  return out;
}

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(start, end - start + 1));
}

/// A line being read: the file's earlier variables, the base environment, and where it is.
struct LineContext {
  const std::map<std::string, std::string>& known;
  const std::map<std::string, std::string>& base;
  const std::string& file;
  int number;
};

/// Double-quoted text after its escapes were read: variables expand, `\$` is a literal dollar.
Result<std::string> expand_double_quoted(const std::string& raw_value, const LineContext& line) {
  std::string expanded;
  size_t start = 0;
  for (size_t pos = raw_value.find("\\$");; pos = raw_value.find("\\$", start)) {
    CCCI_TRY(std::string part,
             expand(raw_value.substr(start, pos == std::string::npos ? std::string::npos : pos - start), line.known,
                    line.base, line.file, line.number));
    expanded += part;
    if (pos == std::string::npos) break;
    expanded += '$';
    if (expanded.size() > max_value_bytes) return too_long(line.file, line.number);
    start = pos + 2;
  }
  if (expanded.size() > max_value_bytes) return too_long(line.file, line.number);
  return expanded;
}

/// A quoted value (`rest` starts with the quote): single quotes are literal; double quotes read
/// `\n` and `\<c>` escapes and expand variables. Only a `# comment` may follow the closing quote.
Status read_quoted_value(const std::string& rest, const LineContext& line, EnvEntry& entry) {
  char quote = rest[0];
  std::string raw_value;
  size_t i = 1;
  for (; i < rest.size() && rest[i] != quote; ++i) {
    if (quote == '"' && rest[i] == '\\' && i + 1 < rest.size()) {
      char next = rest[++i];
      raw_value += next == 'n' ? std::string("\n") : next == '$' ? std::string("\\$") : std::string(1, next);
    } else {
      raw_value += rest[i];
    }
  }
  if (i >= rest.size()) return at(line.file, line.number, std::string("unterminated ") + quote + " quote");
  std::string after = trim(rest.substr(i + 1));
  if (!after.empty() && after[0] != '#') return at(line.file, line.number, "text after the closing quote");
  if (!after.empty()) entry.comment = trim(after.substr(1));
  if (quote == '\'') {
    entry.value = raw_value;
    return ok_status();
  }
  CCCI_TRY(entry.value, expand_double_quoted(raw_value, line));
  return ok_status();
}

/// An unquoted value: ` #` starts a comment, blanks around it are trimmed, variables expand.
Status read_plain_value(std::string rest, const LineContext& line, EnvEntry& entry) {
  size_t hash = rest.find(" #");
  if (hash != std::string::npos) {
    entry.comment = trim(rest.substr(hash + 2));
    rest = rest.substr(0, hash);
  }
  CCCI_TRY(entry.value, expand(trim(rest), line.known, line.base, line.file, line.number));
  return ok_status();
}

}  // namespace

std::map<std::string, std::string> EnvFile::values() const {
  std::map<std::string, std::string> out;
  for (const auto& entry : entries) out[entry.key] = entry.value;
  return out;
}

const EnvEntry* EnvFile::find(const std::string& key) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

Result<EnvFile> parse_env_file(const std::string& text, const std::string& file,
                               const std::map<std::string, std::string>& base) {
  if (text.size() > max_file_bytes) {
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + max_file_bytes, '\n'));
    return at(file, line, "the file is longer than " + std::to_string(max_file_bytes >> 20) + " MiB");
  }
  EnvFile env;
  std::map<std::string, std::string> known;
  size_t expanded_bytes = 0;
  std::istringstream lines(text);
  int number = 0;
  for (std::string raw; std::getline(lines, raw);) {
    ++number;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto assignment = parse_assignment(line);
    if (!assignment) {
      // abra.sh holds shell functions too; only `export` lines matter there.
      if (line.rfind("export ", 0) != 0 && file.size() >= 3 && file.compare(file.size() - 3, 3, ".sh") == 0) continue;
      return at(file, number, "not a KEY=value line: " + line.substr(0, 60));
    }
    EnvEntry entry{assignment->key, {}, {}, number};
    const std::string& rest = assignment->value;
    LineContext here{known, base, file, number};
    bool quoted = !rest.empty() && (rest[0] == '"' || rest[0] == '\'');
    CCCI_TRY_STATUS(quoted ? read_quoted_value(rest, here, entry) : read_plain_value(rest, here, entry));
    expanded_bytes += entry.key.size() + entry.value.size() + entry.comment.size();
    if (expanded_bytes > max_expanded_bytes) {
      return at(file, number,
                "the values add up to more than " + std::to_string(max_expanded_bytes >> 20) + " MiB after expansion");
    }
    known[entry.key] = entry.value;
    env.entries.push_back(std::move(entry));
  }
  return env;
}

Result<std::optional<size_t>> comment_number(const EnvEntry& entry, std::string_view name, size_t max,
                                             const std::string& file) {
  std::string word = std::string(name) + "=";
  for (size_t at_word = entry.comment.find(word); at_word != std::string::npos;
       at_word = entry.comment.find(word, at_word + 1)) {
    size_t start = at_word + word.size();
    size_t end = start;
    while (end < entry.comment.size() && ascii_digit(entry.comment[end])) ++end;
    if (end == start) continue;
    std::string digits = entry.comment.substr(start, end - start);
    size_t value = 0;
    for (char c : digits) {
      value = value * 10 + static_cast<size_t>(c - '0');
      if (value > max)
        return at(file, entry.line, word + digits.substr(0, 20) + " is more than " + std::to_string(max));
    }
    return std::optional<size_t>(value);
  }
  return std::optional<size_t>();
}

Result<EnvFile> read_env_file(const std::filesystem::path& path, const std::map<std::string, std::string>& base) {
  std::error_code error;  // a FIFO would block the open, a device never end
  if (auto status = std::filesystem::status(path, error);
      std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return at(path.string(), 1, "not a regular file (a device, FIFO or directory is never read)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::not_found, path.string() + ": cannot read");
  // Past the limit is enough to report it; a huge or endless file is never read whole.
  std::string text;
  std::array<char, 1 << 16> chunk;
  while (text.size() <= max_file_bytes) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<size_t>(in.gcount()));
    if (!in) break;
  }
  return parse_env_file(text, path.string(), base);
}

Status set_env_values(const std::filesystem::path& path, const std::map<std::string, std::string>& values) {
  // Every value must read back as itself: a name, and no byte double quotes cannot carry.
  for (const auto& [key, value] : values) {
    if (!assignment_at(key + "=", 0))
      return make_error(ErrorKind::spec, path.string() + ": cannot set '" + key + "': not a variable name");
    if (value.find_first_of(std::string_view("\r\0", 2)) != std::string::npos) {
      return make_error(ErrorKind::spec, path.string() + ": cannot set " + key +
                                             ": a carriage return or NUL cannot be written to an env file");
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::not_found, path.string() + ": cannot read");
  auto quoted = [](const std::string& value) {
    std::string out = "\"";
    for (char c : value) {
      if (c == '\n') {
        out += "\\n";  // a raw newline would end the line and start another assignment
        continue;
      }
      if (c == '"' || c == '\\' || c == '$') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string text;
  std::map<std::string, bool> written;
  for (std::string line; std::getline(in, line);) {
    auto assignment = parse_assignment(line);
    if (assignment && values.count(assignment->key)) {
      const std::string& key = assignment->key;
      if (written[key]) continue;  // a key set twice keeps one line, the new value
      line = key + "=" + quoted(values.at(key));
      written[key] = true;
    }
    text += line + "\n";
  }
  for (const auto& [key, value] : values) {
    if (!written[key]) text += key + "=" + quoted(value) + "\n";
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return make_error(ErrorKind::infra, path.string() + ": cannot write");
  return ok_status();
}

}  // namespace ccci::harness
