#include "harness/env_file.hpp"

#include <fstream>
#include <regex>
#include <sstream>

namespace ccci::harness {
namespace {

Error at(const std::string& file, int line, const std::string& message) {
  return make_error(ErrorKind::spec, file + ":" + std::to_string(line) + ": " + message);
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string lookup(const std::string& name, const std::map<std::string, std::string>& known,
                   const std::map<std::string, std::string>& base) {
  if (auto found = known.find(name); found != known.end()) return found->second;
  if (auto found = base.find(name); found != base.end()) return found->second;
  return {};
}

/// Expands $VAR and ${VAR} in `text`.
Result<std::string> expand(std::string_view text, const std::map<std::string, std::string>& known,
                           const std::map<std::string, std::string>& base, const std::string& file, int line) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) return at(file, line, "unterminated ${ in value");
      std::string name(text.substr(i + 2, close - i - 2));
      out += lookup(name, known, base);
      i = close;
    } else if (name_char(text[i + 1])) {
      size_t end = i + 1;
      while (end < text.size() && name_char(text[end])) ++end;
      out += lookup(std::string(text.substr(i + 1, end - i - 1)), known, base);
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

Result<EnvFile> parse_env_file(const std::string& text, const std::string& file, const std::map<std::string, std::string>& base) {
  static const std::regex assignment(R"(^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$)");
  EnvFile env;
  std::map<std::string, std::string> known;
  std::istringstream lines(text);
  int number = 0;
  for (std::string raw; std::getline(lines, raw);) {
    ++number;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    std::smatch match;
    if (!std::regex_match(line, match, assignment)) {
      // abra.sh holds shell functions too; only `export` lines matter there.
      if (line.rfind("export ", 0) != 0 && file.size() >= 3 && file.compare(file.size() - 3, 3, ".sh") == 0) continue;
      return at(file, number, "not a KEY=value line: " + line.substr(0, 60));
    }
    EnvEntry entry{match[1], {}, {}, number};
    std::string rest = match[2];
    if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
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
      if (i >= rest.size()) return at(file, number, std::string("unterminated ") + quote + " quote");
      std::string after = trim(rest.substr(i + 1));
      if (!after.empty() && after[0] != '#') return at(file, number, "text after the closing quote");
      if (!after.empty()) entry.comment = trim(after.substr(1));
      if (quote == '\'') {
        entry.value = raw_value;
      } else {
        // `\$` survives expansion as a literal dollar.
        std::string literal;
        std::string expanded;
        size_t start = 0;
        for (size_t pos = raw_value.find("\\$"); ; pos = raw_value.find("\\$", start)) {
          CCCI_TRY(std::string part, expand(raw_value.substr(start, pos == std::string::npos ? std::string::npos : pos - start),
                                            known, base, file, number));
          expanded += part;
          if (pos == std::string::npos) break;
          expanded += '$';
          start = pos + 2;
        }
        entry.value = expanded;
      }
    } else {
      size_t hash = rest.find(" #");
      if (hash != std::string::npos) {
        entry.comment = trim(rest.substr(hash + 2));
        rest = rest.substr(0, hash);
      }
      CCCI_TRY(entry.value, expand(trim(rest), known, base, file, number));
    }
    known[entry.key] = entry.value;
    env.entries.push_back(std::move(entry));
  }
  return env;
}

Result<EnvFile> read_env_file(const std::filesystem::path& path, const std::map<std::string, std::string>& base) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::not_found, path.string() + ": cannot read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_env_file(buffer.str(), path.string(), base);
}

Status set_env_values(const std::filesystem::path& path, const std::map<std::string, std::string>& values) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::not_found, path.string() + ": cannot read");
  static const std::regex assignment(R"(^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=.*$)");
  auto quoted = [](const std::string& value) {
    std::string out = "\"";
    for (char c : value) {
      if (c == '"' || c == '\\' || c == '$') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string text;
  std::map<std::string, bool> written;
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_match(line, match, assignment) && values.count(match[1])) {
      std::string key = match[1];
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
