#include "runner/http_template.hpp"

#include <algorithm>
#include <array>

namespace ccci::runner {
namespace {

constexpr size_t max_name_length = 128;

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_unreserved(char c) {
  return is_lower(c) || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/// One piece of a template: literal text, or a name to look up.
struct Piece {
  std::string text;
  bool is_name = false;
};

harness::Result<std::vector<Piece>> pieces(std::string_view text) {
  std::vector<Piece> out;
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size() || (text[i + 1] != '$' && text[i + 1] != '{')) {
      literal += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      literal += '$';
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return harness::make_error(harness::ErrorKind::spec, "'${' without a closing '}' (write $$ for a literal $)");
    }
    std::string name(text.substr(i + 2, close - i - 2));
    if (!is_capture_name(name)) {
      return harness::make_error(
          harness::ErrorKind::spec,
          "'${" + name.substr(0, 40) + "}' is not a capture name (lower-case letters, digits, _)");
    }
    if (!literal.empty()) out.push_back({std::move(literal), false});
    literal.clear();
    out.push_back({std::move(name), true});
    i = close;
  }
  if (!literal.empty()) out.push_back({std::move(literal), false});
  return out;
}

}  // namespace

bool is_capture_name(std::string_view name) {
  return !name.empty() && name.size() <= max_name_length && (is_lower(name.front()) || name.front() == '_') &&
         std::all_of(name.begin(), name.end(), [](char c) { return is_lower(c) || is_digit(c) || c == '_'; });
}

harness::Result<std::vector<std::string>> template_names(std::string_view text) {
  CCCI_TRY(auto parts, pieces(text));
  std::vector<std::string> names;
  for (auto& part : parts) {
    if (part.is_name) names.push_back(std::move(part.text));
  }
  return names;
}

std::string path_escaped(std::string_view value) {
  static constexpr std::array<char, 16> hex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                               '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
  std::string out;
  for (char c : value) {
    if (is_unreserved(c) || c == '/') {
      out += c;
      continue;
    }
    auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += hex.at(byte >> 4U);
    out += hex.at(byte & 0xFU);
  }
  return out;
}

harness::Result<std::string> substitute(std::string_view text, const std::map<std::string, std::string>& values,
                                        TemplateEscape escape) {
  CCCI_TRY(auto parts, pieces(text));
  std::string out;
  for (const auto& part : parts) {
    if (!part.is_name) {
      out += part.text;
      continue;
    }
    auto value = values.find(part.text);
    if (value == values.end()) {
      return harness::make_error(harness::ErrorKind::spec, "${" + part.text + "} was not captured by an earlier step");
    }
    out += escape == TemplateEscape::path ? path_escaped(value->second) : value->second;
  }
  return out;
}

}  // namespace ccci::runner
