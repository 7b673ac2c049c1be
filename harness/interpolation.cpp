#include "harness/interpolation.hpp"

#include <algorithm>
#include <cctype>

namespace ccci::harness {
namespace {

Error at(const Mark& mark, const std::string& message) {
  return make_error(ErrorKind::spec, to_string(mark) + ": " + message);
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// Reads `${...}` starting after the `${`, honouring nested braces in the default part.
size_t closing_brace(std::string_view text, size_t from) {
  int depth = 1;
  for (size_t i = from; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

Result<std::string> braced(std::string_view inner, const std::map<std::string, std::string>& env, const Mark& mark) {
  size_t name_end = 0;
  while (name_end < inner.size() && name_char(inner[name_end])) ++name_end;
  std::string name(inner.substr(0, name_end));
  if (name.empty()) return at(mark, "invalid interpolation ${" + std::string(inner) + "}");
  auto found = env.find(name);
  bool set = found != env.end();
  bool non_empty = set && !found->second.empty();
  std::string_view op = inner.substr(name_end);
  if (op.empty()) return set ? found->second : std::string();
  auto rest = [&](size_t skip) { return op.substr(skip); };
  if (op.rfind(":-", 0) == 0) return non_empty ? found->second : interpolate(rest(2), env, mark);
  if (op.rfind("-", 0) == 0) return set ? found->second : interpolate(rest(1), env, mark);
  if (op.rfind(":?", 0) == 0 || op.rfind("?", 0) == 0) {
    bool colon = op[0] == ':';
    if (colon ? non_empty : set) return found->second;
    CCCI_TRY(std::string message, interpolate(rest(colon ? 2 : 1), env, mark));
    return at(mark, "required variable " + name + " is missing a value: " + message);
  }
  if (op.rfind(":+", 0) == 0) return non_empty ? interpolate(rest(2), env, mark) : Result<std::string>(std::string());
  if (op.rfind("+", 0) == 0) return set ? interpolate(rest(1), env, mark) : Result<std::string>(std::string());
  return at(mark, "invalid interpolation ${" + std::string(inner) + "}");
}

}  // namespace

Result<std::string> interpolate(std::string_view text, const std::map<std::string, std::string>& env,
                                const Mark& mark) {
  // Defaults nest (`${A:-${B:-…}}`) and each level recurses through braced() and rescans the
  // rest of the text: a hostile scalar must not nest deep enough to exhaust stack or time.
  constexpr int max_nesting = 16;
  static thread_local int nesting = 0;
  if (nesting >= max_nesting)
    return at(mark, "interpolation nested more than " + std::to_string(max_nesting) + " levels deep");
  ++nesting;
  struct LeaveLevel {
    ~LeaveLevel() { --nesting; }
  } leave_level;
  // An interpolated scalar is held to the bound of a written one.
  constexpr size_t max_bytes = YamlLimits::max_scalar_bytes;
  std::string out;
  auto append = [&](const std::string& value) {
    if (value.size() > max_bytes - std::min(out.size(), max_bytes)) return false;
    out += value;
    return true;
  };
  auto too_long = [&] {
    return at(mark, "interpolation makes the value longer than " + std::to_string(max_bytes >> 10) + " KiB");
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = closing_brace(text, i + 2);
      if (close == std::string_view::npos) return at(mark, "unterminated ${ in " + std::string(text));
      CCCI_TRY(std::string value, braced(text.substr(i + 2, close - i - 2), env, mark));
      if (!append(value)) return too_long();
      i = close;
    } else if (i + 1 < text.size() && name_char(text[i + 1])) {
      size_t end = i + 1;
      while (end < text.size() && name_char(text[end])) ++end;
      auto found = env.find(std::string(text.substr(i + 1, end - i - 1)));
      if (found != env.end() && !append(found->second)) return too_long();
      i = end - 1;
    } else {
      return at(mark, "invalid interpolation: a lone $ in " + std::string(text) + " (write $$ for a dollar)");
    }
  }
  return out;
}

Status interpolate_tree(YamlNode& node, const std::map<std::string, std::string>& env) {
  // One file's interpolated scalars together stay within a bound: `${BIG}` written 100,000
  // times must not become gigabytes (with at most 16 files, a model stays within 128 MiB).
  constexpr size_t max_file_bytes = size_t{8} << 20;
  size_t budget = max_file_bytes;
  auto walk = [&](auto& self, YamlNode& at_node) -> Status {
    if (at_node.is_scalar()) {
      CCCI_TRY(at_node.scalar, interpolate(at_node.scalar, env, at_node.mark));
      if (at_node.scalar.size() > budget) {
        return at(at_node.mark,
                  "interpolated values exceed " + std::to_string(max_file_bytes >> 20) + " MiB in this file");
      }
      budget -= at_node.scalar.size();
    }
    for (auto& item : at_node.items) CCCI_TRY_STATUS(self(self, item));
    for (auto& [key, value] : at_node.entries) CCCI_TRY_STATUS(self(self, value));
    return ok_status();
  };
  return walk(walk, node);
}

}  // namespace ccci::harness
