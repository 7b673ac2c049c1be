#include "runner/spec.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "harness/json_document.hpp"
#include "harness/regex.hpp"
#include "harness/text.hpp"
#include "runner/http_template.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::Mark;
using harness::Result;
using harness::Status;
using harness::YamlNode;

harness::Error at(const Mark& mark, const std::string& message) {
  return harness::make_error(ErrorKind::spec, harness::to_string(mark) + ": " + message);
}

/// A value quoted for a message: control characters as \xNN, cut after 80 bytes.
std::string shown(std::string_view value) { return harness::quoted(value, '\'', 80); }

// ---- the spec's name languages, as character-class loops (libstdc++'s regular expressions
// recurse per character, and a long scalar overflows the stack) ----

/// Names, keys, tags: far longer than any real one, short enough to quote in a message.
constexpr size_t max_name_length = 128;
/// Steps of one http check: a flow longer than this is a script's job.
constexpr size_t max_http_steps = 20;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_lower_or_digit(c) || is_upper(c); }

/// The language `[first][rest]*`, at most max_name_length long.
template <class First, class Rest>
bool is_name(std::string_view text, First first, Rest rest) {
  return !text.empty() && text.size() <= max_name_length && first(text.front()) &&
         std::all_of(text.begin() + 1, text.end(), rest);
}

bool is_recipe_name(std::string_view text) {
  return is_name(text, is_lower_or_digit, [](char c) { return is_lower_or_digit(c) || c == '-'; });
}
bool is_service_name(std::string_view text) {
  return is_name(text, is_lower_or_digit, [](char c) { return is_lower_or_digit(c) || c == '_' || c == '-'; });
}
bool is_check_name(std::string_view text) {
  auto check_char = [](char c) { return is_lower_or_digit(c) || c == '_'; };
  return is_name(text, check_char, check_char);
}
bool is_variable_name(std::string_view text) {
  return is_name(
      text, [](char c) { return is_upper(c) || c == '_'; },
      [](char c) { return is_upper(c) || is_digit(c) || c == '_'; });
}
bool is_version_tag(std::string_view text) {
  return is_name(text, is_alnum, [](char c) { return is_alnum(c) || c == '.' || c == '+' || c == '_' || c == '-'; });
}

/// An HTTP header name: RFC 9110 token characters.
bool is_header_name(std::string_view text) {
  auto token_char = [](char c) {
    return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  };
  return is_name(text, token_char, token_char);
}

/// `-?[0-9]{1,9}` as an int (nine digits always fit), or nullopt.
std::optional<int> whole_number(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), is_digit)) return std::nullopt;
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return negative ? -value : value;
}

/// Reads the keys of one mapping; finish() rejects every key nobody asked for.
class Fields {
 public:
  Fields(const YamlNode& node, std::string what) : node_(node), what_(std::move(what)) {}

  static Result<Fields> of(const YamlNode& node, const std::string& what) {
    if (!node.is_mapping() && !node.is_null())
      return at(node.mark, what + " must be a mapping, not a " + std::string(node.kind_name()));
    return Fields(node, what);
  }

  const YamlNode* get(std::string_view key) {
    known_.insert(std::string(key));
    return node_.is_mapping() ? node_.find(key) : nullptr;
  }

  Status finish() const {
    if (!node_.is_mapping()) return harness::ok_status();
    for (const auto& [key, value] : node_.entries) {
      if (!key.is_scalar() || !known_.count(key.scalar)) {
        std::string names;
        for (const auto& name : known_) names += (names.empty() ? "" : ", ") + name;
        return at(key.mark, "unknown key " + shown(key.scalar) + " in " + what_ + " (known: " + names + ")");
      }
    }
    return harness::ok_status();
  }

  const std::string& what() const { return what_; }

 private:
  const YamlNode& node_;
  std::string what_;
  std::set<std::string> known_;
};

Result<std::string> text(const YamlNode& node, const std::string& what, bool allow_empty = false) {
  if (!node.is_scalar() || (node.is_null() && !node.quoted)) {
    return at(node.mark, what + " must be a string, not a " + std::string(node.kind_name()));
  }
  if (node.scalar.empty() && !allow_empty) return at(node.mark, what + " must not be empty");
  return node.scalar;
}

/// An unquoted `true` or `false`; YAML 1.1's yes/no/on/off are refused, not guessed.
Result<bool> boolean(const YamlNode& node, const std::string& what) {
  if (node.is_scalar() && !node.quoted && (node.scalar == "true" || node.scalar == "false"))
    return node.scalar == "true";
  return at(node.mark, what + " must be true or false");
}

Result<int> integer(const YamlNode& node, const std::string& what, int low, int high) {
  std::optional<int> number = node.is_scalar() && !node.quoted ? whole_number(node.scalar) : std::nullopt;
  if (!number) return at(node.mark, what + " must be a whole number");
  int value = *number;
  if (value < low || value > high) {
    return at(node.mark, what + " must be between " + std::to_string(low) + " and " + std::to_string(high));
  }
  return value;
}

Result<std::vector<const YamlNode*>> sequence(const YamlNode& node, const std::string& what) {
  if (!node.is_sequence()) return at(node.mark, what + " must be a list, not a " + std::string(node.kind_name()));
  std::vector<const YamlNode*> items;
  for (const auto& item : node.items) items.push_back(&item);
  return items;
}

Result<std::vector<std::string>> strings(const YamlNode& node, const std::string& what) {
  CCCI_TRY(auto items, sequence(node, what));
  std::vector<std::string> out;
  for (const auto* item : items) {
    CCCI_TRY(std::string value, text(*item, "each entry of " + what, true));
    out.push_back(value);
  }
  return out;
}

Result<std::chrono::milliseconds> duration(const YamlNode& node, const std::string& what) {
  CCCI_TRY(std::string value, text(node, what));
  auto parsed = parse_duration(value);
  if (!parsed || parsed->count() <= 0) {
    return at(node.mark, what + " " + shown(value) + " is not a duration like 500ms, 90s, 15m or 1h");
  }
  if (*parsed > max_spec_duration)
    return at(node.mark, what + " " + shown(value) + " is longer than the maximum of 24h");
  return *parsed;
}

Result<std::string> relative_path(const YamlNode& node, const std::string& what) {
  CCCI_TRY(std::string value, text(node, what));
  std::filesystem::path path(value);
  bool escapes = std::any_of(path.begin(), path.end(), [](const auto& part) { return part == ".."; });
  if (path.is_absolute() || escapes) return at(node.mark, what + " must be a path inside the recipe's spec folder");
  return value;
}

/// A POSIX ERE from the spec, refused at load when it is malformed or too costly (harness/regex.hpp).
Result<std::string> regex(const YamlNode& node, const std::string& what, harness::RegexGroups groups) {
  CCCI_TRY(std::string pattern, text(node, what));
  auto compiled = harness::Regex::compile(pattern, groups);
  if (!compiled.ok()) return at(node.mark, what + ": " + compiled.error().message);
  if (groups == harness::RegexGroups::kept && compiled->groups() < 1)
    return at(node.mark, what + " needs a parenthesised group: its first group is the captured value");
  return pattern;
}

/// A scalar as compact JSON: unquoted true/false/null and JSON numbers are themselves, anything
/// else (and anything quoted) is a string.
std::string scalar_as_json(const YamlNode& node) {
  if (!node.quoted) {
    if (node.scalar == "true" || node.scalar == "false" || node.scalar == "null") return node.scalar;
    auto number = harness::parse_json_document(node.scalar);
    if (number.ok() && number->is_number()) return node.scalar;
  }
  boost::json::value string;
  string.emplace_string() = node.scalar;
  return harness::json_shown(string, std::string::npos);
}

Result<std::vector<JsonExpectation>> json_expectations(const YamlNode& node, const std::string& what) {
  CCCI_TRY(Fields fields, Fields::of(node, what));
  std::vector<JsonExpectation> out;
  for (const auto& [key, value] : node.entries) {
    if (!harness::is_json_pointer(key.scalar) || key.scalar.size() > max_name_length)
      return at(key.mark, what + ": " + shown(key.scalar) + " is not a JSON pointer like /id or /items/0/name");
    // `~`, `null` and an empty unquoted value are YAML's null.
    bool null = value.is_null() && !value.quoted;
    if (!null && !value.is_scalar())
      return at(value.mark, what + "." + key.scalar + " must be a string, number, bool or null");
    out.push_back({key.scalar, null ? "null" : scalar_as_json(value)});
  }
  if (out.empty()) return at(node.mark, what + " must map at least one JSON pointer to a value");
  return out;
}

Result<std::vector<HttpCapture>> captures(const YamlNode& node, const std::string& what) {
  CCCI_TRY(Fields fields, Fields::of(node, what));
  std::vector<HttpCapture> out;
  for (const auto& [key, value] : node.entries) {
    if (!is_capture_name(key.scalar))
      return at(key.mark, what + ": " + shown(key.scalar) + " is not a capture name (lower-case letters, digits, _)");
    std::string item = what + "." + key.scalar;
    CCCI_TRY(Fields from, Fields::of(value, item));
    const YamlNode* json = from.get("json");
    const YamlNode* header = from.get("header");
    const YamlNode* match = from.get("match");
    CCCI_TRY_STATUS(from.finish());
    if ((json != nullptr) + (header != nullptr) + (match != nullptr) != 1)
      return at(value.mark, item + " needs exactly one of json, header, match");
    HttpCapture capture{key.scalar, CaptureFrom::json, {}};
    if (json) {
      CCCI_TRY(capture.source, text(*json, item + ".json", true));
      if (!harness::is_json_pointer(capture.source)) return at(json->mark, item + ".json must be a JSON pointer");
    } else if (header) {
      capture.from = CaptureFrom::header;
      CCCI_TRY(capture.source, text(*header, item + ".header"));
      if (!is_header_name(capture.source)) return at(header->mark, item + ".header must be a header name");
    } else {
      capture.from = CaptureFrom::match;
      CCCI_TRY(capture.source, regex(*match, item + ".match", harness::RegexGroups::kept));
    }
    out.push_back(std::move(capture));
  }
  return out;
}

Result<HttpStep> http_step(const YamlNode& node, const std::string& what) {
  CCCI_TRY(Fields fields, Fields::of(node, what));
  HttpStep step;
  if (const auto* v = fields.get("method")) {
    CCCI_TRY(step.method, text(*v, what + ".method"));
    static const std::set<std::string> methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    if (!methods.count(step.method))
      return at(v->mark, what + ".method must be one of GET, HEAD, POST, PUT, PATCH, DELETE");
  }
  const auto* path = fields.get("path");
  if (!path) return at(node.mark, what + " needs a path");
  CCCI_TRY(step.path, text(*path, what + ".path"));
  if (step.path.front() != '/') return at(path->mark, what + ".path must start with /");
  if (const auto* v = fields.get("body")) {
    CCCI_TRY(step.body, text(*v, what + ".body", true));
  }
  if (const auto* v = fields.get("headers")) {
    CCCI_TRY(Fields headers, Fields::of(*v, what + ".headers"));
    for (const auto& [key, value] : v->entries) {
      // Both go into the request as `name: value` lines: no CR, LF or NUL may start another.
      if (!is_header_name(key.scalar))
        return at(key.mark, what + ".headers: " + shown(key.scalar) + " is not a header name");
      CCCI_TRY(std::string header, text(value, what + ".headers." + key.scalar, true));
      if (header.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        return at(value.mark, what + ".headers." + key.scalar + " must not contain a line break or NUL");
      }
      step.headers[key.scalar] = header;
    }
  }
  if (const auto* v = fields.get("status")) {
    CCCI_TRY(step.status, integer(*v, what + ".status", 100, 599));
  }
  if (const auto* v = fields.get("body_contains")) {
    CCCI_TRY(step.body_contains, text(*v, what + ".body_contains"));
  }
  if (const auto* v = fields.get("body_not_contains")) {
    CCCI_TRY(step.body_not_contains, text(*v, what + ".body_not_contains"));
  }
  if (const auto* v = fields.get("body_matches")) {
    CCCI_TRY(step.body_matches, regex(*v, what + ".body_matches", harness::RegexGroups::ignored));
  }
  if (const auto* v = fields.get("json")) {
    CCCI_TRY(step.json, json_expectations(*v, what + ".json"));
  }
  if (const auto* v = fields.get("headers_contain")) {
    CCCI_TRY(Fields expected, Fields::of(*v, what + ".headers_contain"));
    for (const auto& [key, value] : v->entries) {
      if (!is_header_name(key.scalar))
        return at(key.mark, what + ".headers_contain: " + shown(key.scalar) + " is not a header name");
      CCCI_TRY(step.headers_contain[key.scalar], text(value, what + ".headers_contain." + key.scalar, true));
    }
  }
  if (const auto* v = fields.get("capture")) {
    CCCI_TRY(step.captures, captures(*v, what + ".capture"));
  }
  CCCI_TRY_STATUS(fields.finish());
  return step;
}

/// Every `${name}` in a step's path, body and header values must be captured by an earlier step.
Status check_references(const YamlNode& node, const HttpStep& step, const std::set<std::string>& captured,
                        const std::string& what) {
  // Each text with the node it came from, so an error points at the value itself.
  const YamlNode* headers = node.find("headers");
  std::vector<std::tuple<std::string, const std::string*, const YamlNode*>> texts = {
      {"path", &step.path, node.find("path")}, {"body", &step.body, node.find("body")}};
  for (const auto& [name, value] : step.headers)
    texts.emplace_back("headers." + name, &value, headers ? headers->find(name) : nullptr);
  for (const auto& [field, value, source] : texts) {
    const Mark& mark = source ? source->mark : node.mark;
    auto names = template_names(*value);
    if (!names.ok()) return at(mark, what + "." + field + ": " + names.error().message);
    for (const auto& name : *names) {
      if (!captured.count(name))
        return at(mark, what + "." + field + " uses ${" + name + "}, which no earlier step captures");
    }
  }
  return harness::ok_status();
}

/// `http:` as one step (a mapping) or several (a list of mappings).
Result<HttpCheck> http_check(const YamlNode& node, const std::string& what) {
  HttpCheck result;
  std::vector<std::pair<const YamlNode*, std::string>> nodes;
  if (node.is_sequence()) {
    if (node.items.empty()) return at(node.mark, what + " must list at least one step");
    if (node.items.size() > max_http_steps)
      return at(node.mark, what + " has more than " + std::to_string(max_http_steps) + " steps");
    for (size_t i = 0; i < node.items.size(); ++i)
      nodes.emplace_back(&node.items[i], what + "[" + std::to_string(i) + "]");
  } else {
    nodes.emplace_back(&node, what);
  }
  std::set<std::string> captured;
  for (const auto& [item, item_what] : nodes) {
    CCCI_TRY(HttpStep step, http_step(*item, item_what));
    CCCI_TRY_STATUS(check_references(*item, step, captured, item_what));
    for (const auto& capture : step.captures) captured.insert(capture.name);
    result.steps.push_back(std::move(step));
  }
  return result;
}

Result<ExecStep> exec_step(const YamlNode& node, const std::string& what) {
  CCCI_TRY(Fields fields, Fields::of(node, what));
  ExecStep step;
  const auto* service = fields.get("service");
  const auto* run = fields.get("run");
  if (!service || !run) return at(node.mark, what + " needs a service and a run list");
  CCCI_TRY(step.service, text(*service, what + ".service"));
  if (!is_service_name(step.service)) return at(service->mark, what + ".service must be a compose service name");
  CCCI_TRY(step.argv, strings(*run, what + ".run"));
  if (step.argv.empty()) return at(run->mark, what + ".run must not be empty");
  if (const auto* v = fields.get("exit_code")) {
    CCCI_TRY(step.exit_code, integer(*v, what + ".exit_code", 0, 255));
  }
  if (const auto* v = fields.get("stdout_contains")) {
    CCCI_TRY(step.stdout_contains, text(*v, what + ".stdout_contains"));
  }
  CCCI_TRY_STATUS(fields.finish());
  return step;
}

std::string default_name(const std::string& prefix) {
  std::string out;
  for (char c : prefix) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return out;
}

Result<SpecCheck> check(const YamlNode& node, const std::string& what) {
  CCCI_TRY(Fields fields, Fields::of(node, what));
  SpecCheck result;
  result.mark = node.mark;
  const YamlNode* name = fields.get("name");
  const YamlNode* http = fields.get("http");
  const YamlNode* exec = fields.get("exec");
  const YamlNode* script = fields.get("script");
  const YamlNode* browser = fields.get("browser");
  const YamlNode* oidc_login = fields.get("oidc_login");
  const YamlNode* args = fields.get("args");
  const YamlNode* writes = fields.get("writes");
  const YamlNode* converge = fields.get("converge");
  CCCI_TRY_STATUS(fields.finish());
  int kinds =
      (http != nullptr) + (exec != nullptr) + (script != nullptr) + (browser != nullptr) + (oidc_login != nullptr);
  if (kinds != 1) return at(node.mark, what + " needs exactly one of http, exec, script, browser, oidc_login");
  if (args && !script) return at(args->mark, what + ".args belongs to a script check");
  if (converge && !http) return at(converge->mark, what + ".converge belongs to an http check");
  if (http) {
    CCCI_TRY(HttpCheck steps, http_check(*http, what + ".http"));
    const HttpStep& first = steps.steps.front();
    result.name = default_name("http_" + first.method + "_" + first.path);
    result.writes = std::any_of(steps.steps.begin(), steps.steps.end(),
                                [](const HttpStep& step) { return step.method != "GET" && step.method != "HEAD"; });
    if (converge) {
      CCCI_TRY(steps.converge, duration(*converge, what + ".converge"));
    }
    result.kind = std::move(steps);
  } else if (exec) {
    CCCI_TRY(ExecStep step, exec_step(*exec, what + ".exec"));
    result.name = default_name("exec_" + step.service + "_" + std::filesystem::path(step.argv[0]).filename().string());
    result.kind = step;
  } else if (script) {
    ScriptCheck step;
    CCCI_TRY(std::string path, relative_path(*script, what + ".script"));
    step.path = path;
    if (args) {
      CCCI_TRY(step.args, strings(*args, what + ".args"));
    }
    result.kind = step;
  } else if (browser) {
    CCCI_TRY(std::string path, relative_path(*browser, what + ".browser"));
    result.kind = BrowserCheck{path};
  } else {
    CCCI_TRY(Fields login, Fields::of(*oidc_login, what + ".oidc_login"));
    const YamlNode* dep = login.get("dep");
    CCCI_TRY_STATUS(login.finish());
    if (dep == nullptr) return at(oidc_login->mark, what + ".oidc_login needs a dep");
    OidcLoginCheck step;
    CCCI_TRY(step.dep, text(*dep, what + ".oidc_login.dep"));
    result.name = default_name("oidc_login_" + step.dep);
    result.kind = step;
  }
  if (writes) {
    if (oidc_login) return at(writes->mark, what + ".writes does not apply to an oidc_login check");
    if (browser) return at(writes->mark, what + ".writes does not apply to a browser check");
    CCCI_TRY(result.writes, boolean(*writes, what + ".writes"));
  }
  if (name) {
    CCCI_TRY(result.name, text(*name, what + ".name"));
    if (!is_check_name(result.name)) return at(name->mark, what + ".name must be lowercase letters, digits and _");
  } else if (script || browser) {
    return at(node.mark, what + " needs a name");
  }
  return result;
}

Result<SeedStep> seed_step(const YamlNode& node, const std::string& what) {
  CCCI_TRY(Fields fields, Fields::of(node, what));
  const YamlNode* http = fields.get("http");
  const YamlNode* exec = fields.get("exec");
  CCCI_TRY_STATUS(fields.finish());
  if ((http != nullptr) == (exec != nullptr)) return at(node.mark, what + " needs exactly one of http, exec");
  SeedStep step;
  step.mark = node.mark;
  if (http) {
    CCCI_TRY(HttpCheck h, http_check(*http, what + ".http"));
    step.kind = std::move(h);
  } else {
    CCCI_TRY(ExecStep e, exec_step(*exec, what + ".exec"));
    step.kind = e;
  }
  return step;
}

Result<Tier> tier_key(const YamlNode& key, const std::string& what) {
  auto tier = tier_from_string(key.scalar);
  if (!tier)
    return at(key.mark, "unknown tier " + shown(key.scalar) + " in " + what +
                            " (tiers: install, upgrade, backup, restore, custom)");
  return *tier;
}

Status read_checks(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(Fields fields, Fields::of(node, "checks"));
  for (const auto& [key, value] : node.entries) {
    CCCI_TRY(Tier tier, tier_key(key, "checks"));
    std::string what = "checks." + key.scalar;
    CCCI_TRY(auto items, sequence(value, what));
    std::set<std::string> names;
    for (size_t i = 0; i < items.size(); ++i) {
      CCCI_TRY(SpecCheck parsed, check(*items[i], what + "[" + std::to_string(i) + "]"));
      if (!names.insert(parsed.name).second)
        return at(items[i]->mark, "a second check named '" + parsed.name + "' in " + what);
      spec.checks[tier].push_back(std::move(parsed));
    }
  }
  return harness::ok_status();
}

Status read_seeds(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(Fields fields, Fields::of(node, "seeds"));
  const std::pair<const char*, SeedOp> ops[] = {
      {"pre_upgrade", SeedOp::pre_upgrade}, {"pre_backup", SeedOp::pre_backup}, {"pre_restore", SeedOp::pre_restore}};
  for (const auto& [name, op] : ops) {
    const YamlNode* steps = fields.get(name);
    if (!steps) continue;
    std::string what = std::string("seeds.") + name;
    CCCI_TRY(auto items, sequence(*steps, what));
    for (size_t i = 0; i < items.size(); ++i) {
      CCCI_TRY(SeedStep step, seed_step(*items[i], what + "[" + std::to_string(i) + "]"));
      spec.seeds[op].push_back(std::move(step));
    }
  }
  return fields.finish();
}

Status read_health(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(Fields h, Fields::of(node, "health"));
  if (const auto* path = h.get("path")) {
    CCCI_TRY(spec.health.path, text(*path, "health.path"));
    if (spec.health.path.front() != '/') return at(path->mark, "health.path must start with /");
  }
  if (const auto* ok = h.get("ok")) {
    CCCI_TRY(auto items, sequence(*ok, "health.ok"));
    if (items.empty()) return at(ok->mark, "health.ok must list at least one status");
    spec.health.ok.clear();
    for (const auto* item : items) {
      CCCI_TRY(int status, integer(*item, "each health.ok status", 100, 599));
      spec.health.ok.push_back(status);
    }
  }
  return h.finish();
}

Status read_timeouts(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(Fields t, Fields::of(node, "timeouts"));
  if (const auto* v = t.get("deploy")) {
    CCCI_TRY(spec.timeouts.deploy, duration(*v, "timeouts.deploy"));
  }
  if (const auto* v = t.get("http")) {
    CCCI_TRY(spec.timeouts.http, duration(*v, "timeouts.http"));
  }
  if (const auto* v = t.get("backup")) {
    CCCI_TRY(spec.timeouts.backup, duration(*v, "timeouts.backup"));
  }
  if (const auto* v = t.get("write_ready")) {
    CCCI_TRY(spec.timeouts.write_ready, duration(*v, "timeouts.write_ready"));
  }
  return t.finish();
}

Status read_deploy(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(Fields d, Fields::of(node, "deploy"));
  if (const auto* converge = d.get("converge")) {
    CCCI_TRY(std::string judge, text(*converge, "deploy.converge"));
    if (judge == "abra") {
      spec.converge = ConvergenceJudge::abra;
    } else if (judge == "ccci") {
      spec.converge = ConvergenceJudge::ccci;
    } else {
      return at(converge->mark, "deploy.converge must be abra or ccci, not " + shown(judge));
    }
  }
  return d.finish();
}

/// A mapping of variable names to values for the app's .env (`env`, `upgrade.env`).
Result<std::map<std::string, std::string>> env_values(const YamlNode& node, const std::string& what) {
  CCCI_TRY(Fields e, Fields::of(node, what));
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : node.entries) {
    if (!is_variable_name(key.scalar))
      return at(key.mark, what + " key " + shown(key.scalar) + " must be an upper-case variable name");
    CCCI_TRY(values[key.scalar], text(value, what + "." + key.scalar, true));
    // The value goes into the app's .env, one line per variable: see set_env_values.
    if (values[key.scalar].find_first_of(std::string_view("\r\0", 2)) != std::string::npos) {
      return at(value.mark, what + "." + key.scalar + " must not contain a carriage return or NUL");
    }
  }
  return values;
}

Status read_env(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(spec.env, env_values(node, "env"));
  return harness::ok_status();
}

/// A template of a dependency's sso mapping: a string whose `${NAME}`s are facts of the closed list.
Result<std::string> dependency_template(const YamlNode& node, const std::string& what, TemplatePlace place) {
  CCCI_TRY(std::string value, text(node, what));
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    return at(node.mark, what + " must be one line without NUL");
  if (auto problem = dependency_template_problem(value, place)) return at(node.mark, what + ": " + *problem);
  return value;
}

Result<SsoMapping> sso_mapping(const YamlNode& node, const std::string& what) {
  CCCI_TRY(Fields fields, Fields::of(node, what));
  SsoMapping sso;
  if (const auto* client_id = fields.get("client_id")) {
    CCCI_TRY(sso.client_id, text(*client_id, what + ".client_id"));
    if (!is_check_name(sso.client_id) && !is_recipe_name(sso.client_id))
      return at(client_id->mark, what + ".client_id must be lowercase letters, digits, - and _");
  }
  if (const auto* uris = fields.get("redirect_uris")) {
    CCCI_TRY(auto items, sequence(*uris, what + ".redirect_uris"));
    for (const auto* item : items) {
      CCCI_TRY(auto uri, dependency_template(*item, "each of " + what + ".redirect_uris", TemplatePlace::redirect_uri));
      sso.redirect_uris.push_back(uri);
    }
  }
  if (const auto* env = fields.get("env")) {
    CCCI_TRY(Fields e, Fields::of(*env, what + ".env"));
    for (const auto& [key, value] : env->entries) {
      if (!is_variable_name(key.scalar))
        return at(key.mark, what + ".env key " + shown(key.scalar) + " must be an upper-case variable name");
      CCCI_TRY(sso.env[key.scalar], dependency_template(value, what + ".env." + key.scalar, TemplatePlace::env));
    }
  }
  if (const auto* secrets = fields.get("secrets")) {
    CCCI_TRY(Fields e, Fields::of(*secrets, what + ".secrets"));
    for (const auto& [key, value] : secrets->entries) {
      if (!is_service_name(key.scalar))
        return at(key.mark, what + ".secrets key " + shown(key.scalar) + " must be a secret name (a-z, 0-9, _, -)");
      CCCI_TRY(sso.secrets[key.scalar],
               dependency_template(value, what + ".secrets." + key.scalar, TemplatePlace::secret));
    }
  }
  CCCI_TRY_STATUS(fields.finish());
  return sso;
}

/// One entry of `deps:`: a recipe name, or a mapping with recipe, provider, env and sso.
Result<DependencySpec> dependency(const YamlNode& node) {
  DependencySpec dep;
  dep.mark = node.mark;
  const YamlNode* recipe = &node;
  const YamlNode* provider = nullptr;
  const YamlNode* env = nullptr;
  const YamlNode* sso = nullptr;
  std::optional<Fields> fields;
  if (node.is_mapping()) {
    fields.emplace(node, "a dep");
    recipe = fields->get("recipe");
    provider = fields->get("provider");
    env = fields->get("env");
    sso = fields->get("sso");
    CCCI_TRY_STATUS(fields->finish());
    if (recipe == nullptr) return at(node.mark, "a dep needs a recipe");
  }
  CCCI_TRY(dep.recipe, text(*recipe, "each dep"));
  if (!is_recipe_name(dep.recipe)) return at(recipe->mark, "dep " + shown(dep.recipe) + " is not a recipe name");
  if (provider) {
    CCCI_TRY(dep.provider, text(*provider, "dep " + dep.recipe + ".provider"));
    if (!is_known_provider(dep.provider))
      return at(provider->mark,
                "dep " + dep.recipe + ".provider " + shown(dep.provider) + " is not one ccci has (keycloak)");
  } else if (is_known_provider(dep.recipe)) {
    dep.provider = dep.recipe;
  }
  if (env) {
    CCCI_TRY(dep.env, env_values(*env, "dep " + dep.recipe + ".env"));
  }
  if (sso) {
    if (dep.provider.empty()) return at(sso->mark, "dep " + dep.recipe + ".sso needs a provider (keycloak)");
    CCCI_TRY(dep.sso, sso_mapping(*sso, "dep " + dep.recipe + ".sso"));
  }
  return dep;
}

Status read_deps(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(auto items, sequence(node, "deps"));
  std::set<std::string> taken;  // parent env keys and secrets, each mapped by one dep only
  for (const auto* item : items) {
    CCCI_TRY(DependencySpec dep, dependency(*item));
    if (std::find(spec.deps.begin(), spec.deps.end(), dep.recipe) != spec.deps.end())
      return at(item->mark, "dep " + shown(dep.recipe) + " listed twice");
    for (const auto& names : {dep.sso.env, dep.sso.secrets}) {
      for (const auto& [name, value] : names) {
        if (!taken.insert(name).second)
          return at(item->mark, "dep " + dep.recipe + " maps " + name + ", which another dep maps already");
      }
    }
    spec.deps.push_back(dep.recipe);
    spec.dependencies.push_back(std::move(dep));
  }
  return harness::ok_status();
}

/// An oidc_login check must name a declared dep that has a provider.
Status check_oidc_logins(const RecipeSpec& spec) {
  for (const auto& [tier, checks] : spec.checks) {
    for (const auto& check : checks) {
      const auto* login = std::get_if<OidcLoginCheck>(&check.kind);
      if (login == nullptr) continue;
      auto dep = std::find_if(spec.dependencies.begin(), spec.dependencies.end(),
                              [&](const DependencySpec& d) { return d.recipe == login->dep; });
      if (dep == spec.dependencies.end())
        return at(check.mark, "check " + check.name + ": oidc_login.dep " + shown(login->dep) + " is not in deps");
      if (dep->provider.empty())
        return at(check.mark, "check " + check.name + ": dep " + login->dep + " has no identity provider");
    }
  }
  return harness::ok_status();
}

Status read_upgrade(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(Fields u, Fields::of(node, "upgrade"));
  if (const auto* base = u.get("base")) {
    CCCI_TRY(std::string value, text(*base, "upgrade.base"));
    if (value != "auto" && !is_version_tag(value)) return at(base->mark, "upgrade.base must be auto or a version tag");
    if (value != "auto") spec.pinned_base = value;
  }
  if (const auto* apply = u.get("apply_env")) {
    CCCI_TRY(spec.upgrade_apply_env, boolean(*apply, "upgrade.apply_env"));
  }
  if (const auto* env = u.get("env")) {
    CCCI_TRY(spec.upgrade_env, env_values(*env, "upgrade.env"));
  }
  if (const auto* prune = u.get("prune")) {
    CCCI_TRY(spec.upgrade_prune, boolean(*prune, "upgrade.prune"));
  }
  return u.finish();
}

Status read_not_applicable(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(Fields n, Fields::of(node, "not_applicable"));
  for (const auto& [key, value] : node.entries) {
    CCCI_TRY(Tier tier, tier_key(key, "not_applicable"));
    if (tier == Tier::install) return at(key.mark, "install cannot be n/a: every other tier stands on it");
    CCCI_TRY(spec.not_applicable[tier], text(value, "not_applicable." + key.scalar));
  }
  return harness::ok_status();
}

/// Checks after not_applicable: a tier that is n/a cannot have checks.
Status read_checks_of_applicable_tiers(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY_STATUS(read_checks(node, spec));
  for (const auto& [key, value] : node.entries) {
    auto tier = tier_from_string(key.scalar);
    if (tier && spec.not_applicable.count(*tier)) {
      return at(key.mark, "tier " + key.scalar + " is n/a in this spec but has checks");
    }
  }
  return harness::ok_status();
}

Status read_check_concurrency(const YamlNode& node, RecipeSpec& spec) {
  CCCI_TRY(spec.check_concurrency, integer(node, "check_concurrency", 1, max_check_concurrency));
  return harness::ok_status();
}

Status read_top_level(const YamlNode& root, RecipeSpec& spec) {
  CCCI_TRY(Fields fields, Fields::of(root, "the recipe spec"));
  // In this order: checks are read after not_applicable, which they must not contradict.
  const std::pair<const char*, Status (*)(const YamlNode&, RecipeSpec&)> sections[] = {
      {"health", read_health},
      {"timeouts", read_timeouts},
      {"deploy", read_deploy},
      {"env", read_env},
      {"deps", read_deps},
      {"upgrade", read_upgrade},
      {"not_applicable", read_not_applicable},
      {"seeds", read_seeds},
      {"checks", read_checks_of_applicable_tiers},
      {"check_concurrency", read_check_concurrency}};
  for (const auto& [name, read] : sections) {
    if (const auto* section = fields.get(name)) CCCI_TRY_STATUS(read(*section, spec));
  }
  CCCI_TRY_STATUS(fields.finish());
  return check_oidc_logins(spec);
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits < 1 || digits > 7) return std::nullopt;
  std::string_view unit = text.substr(digits);
  if (unit != "ms" && unit != "s" && unit != "m" && unit != "h") return std::nullopt;
  long long value = 0;  // seven digits: at most 9,999,999 h, about 3.6e13 ms, far inside 64 bits
  for (char c : text.substr(0, digits)) value = value * 10 + (c - '0');
  if (unit == "ms") return std::chrono::milliseconds(value);
  if (unit == "s") return std::chrono::seconds(value);
  if (unit == "m") return std::chrono::minutes(value);
  return std::chrono::hours(value);
}

harness::Result<RecipeSpec> parse_spec(const YamlNode& root) {
  RecipeSpec spec;
  CCCI_TRY_STATUS(read_top_level(root, spec));
  return spec;
}

harness::Result<std::map<Tier, std::vector<SpecCheck>>> parse_checks_file(const YamlNode& root) {
  CCCI_TRY(Fields fields, Fields::of(root, "a checks file"));
  RecipeSpec spec;
  if (const auto* checks = fields.get("checks")) CCCI_TRY_STATUS(read_checks(*checks, spec));
  CCCI_TRY_STATUS(fields.finish());
  return spec.checks;
}

harness::Result<RecipeSpec> parse_spec(std::string_view text, const std::string& file) {
  CCCI_TRY(YamlNode root, harness::parse_yaml(text, file));
  return parse_spec(root);
}

harness::Result<RecipeSpec> load_spec(const std::filesystem::path& recipes_dir, const std::string& recipe) {
  auto file = recipes_dir / recipe / "recipe.yml";
  std::error_code unreadable;  // filesystem calls never throw here; an error is reported, never taken for absence
  if (!std::filesystem::is_directory(recipes_dir, unreadable)) {
    std::string why = unreadable ? unreadable.message() : "not a directory";
    return harness::make_error(ErrorKind::spec, "the recipes directory " + recipes_dir.string() + " (" + why +
                                                    ") cannot say whether recipe " + recipe + " is enrolled");
  }
  bool present = std::filesystem::exists(file, unreadable);
  if (unreadable) {
    return harness::make_error(ErrorKind::spec, "recipe " + recipe + ": cannot tell whether " + file.string() +
                                                    " exists: " + unreadable.message());
  }
  RecipeSpec spec;
  if (present) {
    CCCI_TRY(YamlNode root, harness::load_yaml_file(file));
    CCCI_TRY(spec, parse_spec(root));
  } else {
    spec.enrolled = false;  // every default, as an empty recipe.yml: generic checks only
  }
  spec.dir = recipes_dir / recipe;
  CCCI_TRY(spec.previous, discover_previous_overlays(spec.dir));
  return spec;
}

std::string describe(const SpecCheck& check) {
  struct Describe {
    static std::string step(const HttpStep& s) {
      std::string text = s.method + " " + s.path + " → " + std::to_string(s.status);
      if (s.body_contains) text += ", body contains \"" + *s.body_contains + "\"";
      if (s.body_matches) text += ", body matches /" + *s.body_matches + "/";
      for (const auto& json : s.json) text += ", " + json.pointer + " = " + json.expected;
      return text;
    }
    std::string operator()(const HttpCheck& c) const {
      std::string text;
      if (c.steps.size() > 1) text = std::to_string(c.steps.size()) + " http steps: ";
      for (size_t i = 0; i < c.steps.size(); ++i) text += (i ? "; " : "") + step(c.steps[i]);
      if (c.converge) text += " (converges within " + harness::format_duration(*c.converge) + ")";
      return text;
    }
    std::string operator()(const ExecStep& s) const {
      std::string text = "exec in " + s.service + ":";
      for (const auto& arg : s.argv) text += " " + arg;
      return text;
    }
    std::string operator()(const ScriptCheck& s) const { return "script " + s.path.string(); }
    std::string operator()(const BrowserCheck& s) const { return "browser flow " + s.path.string(); }
    std::string operator()(const OidcLoginCheck& s) const { return "OIDC password login through dep " + s.dep; }
  };
  return std::visit(Describe{}, check.kind);
}

}  // namespace ccci::runner
