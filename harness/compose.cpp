#include "harness/compose.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace ccci::harness {
namespace {

Error at(const Mark& mark, const std::string& message) {
  return make_error(ErrorKind::spec, to_string(mark) + ": " + message);
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// ---- interpolation ------------------------------------------------------------------------

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

// ---- nodes ---------------------------------------------------------------------------------

using Env = std::map<std::string, std::string>;

YamlNode node_of(YamlNode::Kind kind, const Mark& mark) {
  YamlNode node;
  node.kind = kind;
  node.mark = mark;
  return node;
}
YamlNode null_node(const Mark& mark) { return node_of(YamlNode::Kind::null, mark); }
YamlNode mapping_node(const Mark& mark) { return node_of(YamlNode::Kind::mapping, mark); }
/// A string, quoted so that "" stays a string rather than reading as null.
YamlNode string_node(std::string text, const Mark& mark) {
  YamlNode node = node_of(YamlNode::Kind::scalar, mark);
  node.scalar = std::move(text);
  node.quoted = true;
  return node;
}

/// What docker's merge counts as empty: null, "", or an empty list or mapping.
bool is_empty(const YamlNode& node) {
  if (node.is_null()) return true;
  if (node.is_scalar()) return node.scalar.empty();
  return node.items.empty() && node.entries.empty();
}

YamlNode* value_of(YamlNode& map, const std::string& key) {
  for (auto& entry : map.entries) {
    if (entry.first.scalar == key) return &entry.second;
  }
  return nullptr;
}

/// Sets `key` in the mapping `map`, replacing an earlier entry of that key.
void set_entry(YamlNode& map, const YamlNode& key, YamlNode value) {
  if (YamlNode* existing = value_of(map, key.scalar))
    *existing = std::move(value);
  else
    map.entries.emplace_back(key, std::move(value));
}

/// A `K=V` list, a mapping or nothing, as a mapping: `K=V` gives the string V, a bare `K` null.
YamlNode as_mapping(const YamlNode& node) {
  if (node.is_mapping()) return node;
  YamlNode map = mapping_node(node.mark);
  for (const auto& item : node.items) {
    auto eq = item.scalar.find('=');
    YamlNode value =
        eq == std::string::npos ? null_node(item.mark) : string_node(item.scalar.substr(eq + 1), item.mark);
    set_entry(map, string_node(item.scalar.substr(0, eq), item.mark), std::move(value));
  }
  return map;
}

/// A list of names (service `networks`, `depends_on`), or a mapping of them, as a mapping.
YamlNode names_mapping(const YamlNode& node) {
  if (node.is_mapping()) return node;
  YamlNode map = mapping_node(node.mark);
  for (const auto& item : node.items) set_entry(map, item, null_node(item.mark));
  return map;
}

std::string scalar_identity(const YamlNode& node) {
  if (node.is_scalar()) return node.scalar;
  if (const auto* source = node.find("source")) return source->scalar;
  if (const auto* target = node.find("target")) return target->scalar;
  return {};
}

std::string volume_target(const YamlNode& node) {
  if (node.is_mapping()) {
    const auto* target = node.find("target");
    return target ? target->scalar : "";
  }
  std::vector<std::string> parts;
  std::stringstream in(node.scalar);
  for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
  return parts.size() >= 2 ? parts[1] : parts.empty() ? "" : parts[0];
}

// ---- environment: resolved per file, before merging, as docker's loader does ---------------

/// What the env_files of one compose file may cost together: every service may name many, each
/// read again, and every variable is set by a linear search (`set_entry`).
struct EnvFileBudget {
  size_t bytes = size_t{16} << 20;
  size_t variables = YamlLimits::max_entries;
};

/// Docker's env_file format (its kvfile package): `KEY=value` kept as written, quotes and trailing
/// blanks included; a bare `KEY` takes the app env's value or is left out; leading whitespace is
/// trimmed; blank lines and `#` comments are skipped; a key holding a blank is an error.
Result<std::vector<std::pair<std::string, std::string>>> read_env_file(const std::filesystem::path& path,
                                                                       const Env& env, const Mark& mark,
                                                                       EnvFileBudget& budget) {
  // The recipe names this file: a device (`/dev/zero`: 16 GB and counting), a FIFO (blocks the
  // open) or a huge file is refused before it is opened.
  std::error_code error;
  if (auto status = std::filesystem::status(path, error); std::filesystem::exists(status)) {
    size_t size = std::filesystem::is_regular_file(status) ? std::filesystem::file_size(path, error) : SIZE_MAX;
    if (size > (size_t{1} << 20))
      return at(mark, "env_file " + path.string() + " is not a regular file of at most 1 MiB");
    if (size > budget.bytes)
      return at(mark, "env_file " + path.string() + ": this file's env_files exceed 16 MiB together");
    budget.bytes -= size;
  }
  std::ifstream in(path);
  if (!in) return at(mark, "env_file " + path.string() + " cannot be read");
  std::vector<std::pair<std::string, std::string>> vars;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    line.erase(0, std::min(line.size(), line.find_first_not_of(" \t\n\v\f\r")));
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    std::string key = line.substr(0, eq);
    std::string where = "env_file " + path.string() + " line " + std::to_string(number);
    if (key.empty()) return at(mark, where + ": no variable name");
    if (key.find_first_of(" \t") != std::string::npos)
      return at(mark, where + ": variable '" + key + "' contains whitespaces");
    if (budget.variables-- == 0) {
      return at(mark, where + ": this file's env_files set more than " + std::to_string(YamlLimits::max_entries) +
                          " variables");
    }
    if (eq != std::string::npos) {
      vars.emplace_back(key, line.substr(eq + 1));
    } else if (auto found = env.find(key); found != env.end()) {
      vars.emplace_back(key, found->second);
    }
  }
  return vars;
}

/// Docker's updateEnvironment: a variable without a value, or with an empty one, takes the app
/// env's value when the app env sets it; otherwise it keeps what was written (null stays null).
YamlNode resolved_value(const std::string& key, const YamlNode& written, const Env& env) {
  auto found = env.find(key);
  if (is_empty(written) && found != env.end()) return string_node(found->second, written.mark);
  return written.is_null() ? null_node(written.mark) : string_node(written.scalar, written.mark);
}

/// Replaces a service's `environment` by what docker makes of its `env_file`s and `environment`
/// in this file: the env files in order, then `environment` over them, each value resolved.
Status resolve_environment(YamlNode& service, const std::filesystem::path& working_dir, const Env& env,
                           EnvFileBudget& budget) {
  if (!service.is_mapping()) return ok_status();
  const YamlNode* files = service.find("env_file");
  YamlNode* environment = value_of(service, "environment");
  if (!environment && (!files || is_empty(*files))) return ok_status();
  YamlNode resolved = mapping_node(environment ? environment->mark : files->mark);
  if (files) {
    std::vector<YamlNode> list = files->is_sequence() ? files->items : std::vector<YamlNode>{*files};
    for (const auto& file : list) {
      if (!file.is_scalar() || file.is_null()) continue;
      CCCI_TRY(auto vars, read_env_file(working_dir / file.scalar, env, file.mark, budget));
      for (const auto& [key, value] : vars) {
        set_entry(resolved, string_node(key, file.mark), resolved_value(key, string_node(value, file.mark), env));
      }
    }
  }
  if (environment) {
    for (const auto& [key, value] : as_mapping(*environment).entries)
      set_entry(resolved, key, resolved_value(key.scalar, value, env));
    *environment = std::move(resolved);
  } else {
    service.entries.emplace_back(string_node("environment", resolved.mark), std::move(resolved));
  }
  return ok_status();
}

Status resolve_environments(YamlNode& root, const std::filesystem::path& working_dir, const Env& env) {
  YamlNode* services = value_of(root, "services");
  if (!services || !services->is_mapping()) return ok_status();
  EnvFileBudget budget;
  for (auto& entry : services->entries) CCCI_TRY_STATUS(resolve_environment(entry.second, working_dir, env, budget));
  return ok_status();
}

// ---- merging, later files over earlier ones, as docker's loader merges ---------------------

/// Service lists that accumulate across files.
bool appends(const std::string& key) {
  static const std::set<std::string> keys{"ports",          "dns",     "extra_hosts", "cap_add", "cap_drop", "expose",
                                          "external_links", "devices", "env_file"};
  return keys.count(key) > 0;
}
/// Top-level sections whose entries a later file replaces whole.
bool top_level_resources(const std::string& key) {
  return key == "volumes" || key == "networks" || key == "secrets" || key == "configs";
}

enum class EmptyOverrides { yes, no };

/// Merges `over` into `base` entry by entry, `K=V` lists counting as mappings; a later entry
/// replaces an earlier one of the same key whole. With EmptyOverrides::no, a later null or "" does
/// not replace a non-empty earlier value (docker's `environment`, whose values are pointers).
void merge_map(YamlNode& base, const YamlNode& over, EmptyOverrides empty) {
  base = as_mapping(base);
  for (const auto& [key, value] : as_mapping(over).entries) {
    YamlNode* existing = value_of(base, key.scalar);
    if (!existing)
      base.entries.emplace_back(key, value);
    else if (empty == EmptyOverrides::yes || !is_empty(value) || is_empty(*existing))
      *existing = value;
  }
}

/// Service `networks` and `depends_on`: the union of the names, list or mapping form alike; a
/// later entry with settings replaces the earlier one's.
void merge_names(YamlNode& base, const YamlNode& over) {
  base = names_mapping(base);
  for (const auto& [key, value] : names_mapping(over).entries) {
    YamlNode* existing = value_of(base, key.scalar);
    if (!existing)
      base.entries.emplace_back(key, value);
    else if (!value.is_null())
      *existing = value;
  }
}

/// Replaces the item of the same identity (a volume's target, a secret's source) or appends.
void merge_by(YamlNode& base, const YamlNode& over, std::string (*identity)(const YamlNode&)) {
  // Indexed, not searched per item: 3,000 hostile volumes took 8 s, the 10,000 allowed ~90 s.
  std::unordered_map<std::string, size_t> first_with_id;
  for (size_t i = 0; i < base.items.size(); ++i) first_with_id.emplace(identity(base.items[i]), i);
  for (const auto& item : over.items) {
    auto [same, added] = first_with_id.emplace(identity(item), base.items.size());
    if (added)
      base.items.push_back(item);
    else
      base.items[same->second] = item;
  }
}

void merge_sequence(YamlNode& base, const YamlNode& over, const std::string& key) {
  if (key == "volumes") return merge_by(base, over, volume_target);
  if (key == "secrets" || key == "configs") return merge_by(base, over, scalar_identity);
  if (appends(key)) {
    std::unordered_set<std::string> identities;  // indexed too, as merge_by
    for (const auto& b : base.items) identities.insert(scalar_identity(b));
    for (const auto& item : over.items) {
      if (item.is_scalar() && identities.count(scalar_identity(item))) continue;
      identities.insert(scalar_identity(item));
      base.items.push_back(item);
    }
    return;
  }
  base = over;  // command, entrypoint and every other list: the later file replaces
}

void merge_struct(YamlNode& base, const YamlNode& over);

/// One field of a service (or of a mapping inside one, such as `deploy`).
void merge_field(YamlNode& base, const YamlNode& over, const std::string& key) {
  if (key == "environment") return merge_map(base, over, EmptyOverrides::no);
  if (key == "labels") return merge_map(base, over, EmptyOverrides::yes);  // a later "" blanks a label
  if (key == "networks" || key == "depends_on") return merge_names(base, over);
  if (is_empty(over)) return;  // docker: an empty value (`image: ""`) does not override
  if (base.is_mapping() && over.is_mapping()) return merge_struct(base, over);
  if (base.is_sequence() && over.is_sequence()) return merge_sequence(base, over, key);
  base = over;
}

void merge_struct(YamlNode& base, const YamlNode& over) {
  for (const auto& [key, value] : over.entries) {
    YamlNode* existing = value_of(base, key.scalar);
    if (existing)
      merge_field(*existing, value, key.scalar);
    else
      base.entries.emplace_back(key, value);
  }
}

void merge_file(YamlNode& base, const YamlNode& over) {
  for (const auto& [key, value] : over.entries) {
    YamlNode* existing = value_of(base, key.scalar);
    if (!existing) {
      base.entries.emplace_back(key, value);
    } else if (key.scalar == "services" && existing->is_mapping() && value.is_mapping()) {
      for (const auto& [name, service] : value.entries) {
        YamlNode* earlier = value_of(*existing, name.scalar);
        if (!earlier || !earlier->is_mapping())
          set_entry(*existing, name, service);
        else if (service.is_mapping())
          merge_struct(*earlier, service);
      }
    } else if (top_level_resources(key.scalar)) {
      merge_map(*existing, value, EmptyOverrides::yes);
    } else if (!value.is_null()) {
      *existing = value;
    }
  }
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

// ---- the model ------------------------------------------------------------------------------

std::map<std::string, std::string> string_map(const YamlNode* node) {
  std::map<std::string, std::string> out;
  if (!node) return out;
  for (const auto& [k, v] : as_mapping(*node).entries) out[k.scalar] = v.is_null() ? "" : v.scalar;
  return out;
}

std::map<std::string, std::optional<std::string>> environment_map(const YamlNode* node) {
  std::map<std::string, std::optional<std::string>> out;
  if (!node) return out;
  for (const auto& [k, v] : as_mapping(*node).entries)
    out[k.scalar] = v.is_null() ? std::nullopt : std::optional(v.scalar);
  return out;
}

std::vector<std::string> names_of(const YamlNode* node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node->is_mapping()) {
    for (const auto& [k, v] : node->entries) out.push_back(k.scalar);
  } else {
    for (const auto& item : node->items) out.push_back(scalar_identity(item));
  }
  return out;
}

VolumeMount mount_of(const YamlNode& node) {
  VolumeMount mount;
  if (node.is_mapping()) {
    if (const auto* type = node.find("type")) mount.type = type->scalar;
    if (const auto* source = node.find("source")) mount.source = source->scalar;
    if (const auto* target = node.find("target")) mount.target = target->scalar;
  } else {
    std::vector<std::string> parts;
    std::stringstream in(node.scalar);
    for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
    if (parts.size() == 1) {
      mount.target = parts[0];
    } else {
      mount.source = parts[0];
      mount.target = parts[1];
    }
  }
  if (mount.type.empty()) {
    bool path = !mount.source.empty() && (mount.source[0] == '/' || mount.source[0] == '.' || mount.source[0] == '~');
    mount.type = path ? "bind" : "volume";
  }
  return mount;
}

/// `external:` as docker reads it: a mapping (the legacy `{name: …}`) or a boolean. Docker casts
/// an interpolated value with y/yes/true/on; a literal must already be a YAML boolean.
bool external_flag(const YamlNode& node) {
  if (node.is_mapping()) return true;
  std::string text = node.scalar;
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return !node.is_null() && (text == "true" || text == "yes" || text == "y" || text == "on");
}

Result<std::map<std::string, TopLevelResource>> resources(const YamlNode* node, const std::string& kind) {
  std::map<std::string, TopLevelResource> out;
  if (!node || !node->is_mapping()) return out;
  for (const auto& [k, v] : node->entries) {
    TopLevelResource resource;
    if (v.is_mapping()) {
      if (const auto* name = v.find("name"); name && !name->is_null()) resource.name = name->scalar;
      if (const auto* external = v.find("external")) {
        resource.external = external_flag(*external);
        const auto* legacy = external->is_mapping() ? external->find("name") : nullptr;
        if (legacy && !legacy->is_null() && !legacy->scalar.empty()) {
          if (!resource.name.empty()) {
            return at(v.mark, kind + " " + k.scalar + ": " + kind + ".external.name and " + kind +
                                  ".name conflict; only use " + kind + ".name");
          }
          resource.name = legacy->scalar;
        }
      }
    }
    out[k.scalar] = resource;
  }
  return out;
}

Result<ComposeModel> build_model(const YamlNode& root) {
  ComposeModel model;
  CCCI_TRY(model.volumes, resources(root.find("volumes"), "volume"));
  CCCI_TRY(model.networks, resources(root.find("networks"), "network"));
  CCCI_TRY(model.secrets, resources(root.find("secrets"), "secret"));
  CCCI_TRY(model.configs, resources(root.find("configs"), "config"));
  const YamlNode* services = root.find("services");
  if (!services || !services->is_mapping()) return model;
  for (const auto& [key, node] : services->entries) {
    ComposeService service;
    service.name = key.scalar;
    if (const auto* image = node.find("image"); image && !image->is_null()) service.image = image->scalar;
    service.environment = environment_map(node.find("environment"));
    service.labels = string_map(node.find("labels"));
    if (const auto* deploy = node.find("deploy")) {
      service.deploy_labels = string_map(deploy->find("labels"));
      if (const auto* mode = deploy->find("endpoint_mode")) service.endpoint_mode = mode->scalar;
    }
    if (const auto* volumes = node.find("volumes")) {
      for (const auto& item : volumes->items) service.volumes.push_back(mount_of(item));
    }
    service.networks = names_of(node.find("networks"));
    service.secrets = names_of(node.find("secrets"));
    service.configs = names_of(node.find("configs"));
    service.depends_on = names_of(node.find("depends_on"));
    if (const auto* ports = node.find("ports")) {
      for (const auto& item : ports->items)
        service.ports.push_back(item.is_scalar() ? item.scalar : scalar_identity(item));
    }
    model.services[service.name] = std::move(service);
  }
  for (const auto& [name, service] : model.services) {
    for (const auto& dependency : service.depends_on) {
      if (!model.services.count(dependency)) {
        model.warnings.push_back("service " + name + " depends on " + dependency + ", which is not defined");
      }
    }
  }
  return model;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
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

Result<ComposeModel> load_compose(const std::filesystem::path& recipe_dir,
                                  const std::map<std::string, std::string>& env) {
  // Each file is held to YamlLimits, and the recipe's env cannot list one file thousands of times.
  constexpr size_t max_files = 16;
  if (auto listed = env.find("COMPOSE_FILE"); listed != env.end() && split(listed->second, ':').size() > max_files) {
    return make_error(ErrorKind::spec, "COMPOSE_FILE names more than " + std::to_string(max_files) + " files");
  }
  std::string files = "compose.yml";
  if (auto found = env.find("COMPOSE_FILE"); found != env.end() && !found->second.empty()) files = found->second;
  YamlNode merged;
  std::filesystem::path working_dir;  // docker reads env_files relative to the first file's folder
  bool first = true;
  for (const auto& file : split(files, ':')) {
    CCCI_TRY(YamlNode root, load_yaml_file(recipe_dir / file));
    if (!root.is_mapping()) return at(root.mark, "a compose file must be a mapping");
    CCCI_TRY_STATUS(interpolate_tree(root, env));
    if (first) working_dir = (recipe_dir / file).parent_path();
    CCCI_TRY_STATUS(resolve_environments(root, working_dir, env));
    if (first)
      merged = std::move(root);
    else
      merge_file(merged, root);
    first = false;
  }
  return build_model(merged);
}

std::vector<std::string> ComposeModel::images() const {
  std::set<std::string> unique;
  for (const auto& [name, service] : services) {
    if (!service.image.empty()) unique.insert(service.image);
  }
  return {unique.begin(), unique.end()};
}

std::vector<std::string> ComposeModel::service_names() const {
  std::vector<std::string> names;
  for (const auto& [name, service] : services) names.push_back(name);
  return names;
}

std::string TopLevelResource::docker_name(const std::string& stack, const std::string& key) const {
  if (!name.empty()) return name;
  return external ? key : stack + "_" + key;
}

std::string ComposeModel::volume_name(const std::string& stack, const std::string& key) const {
  auto found = volumes.find(key);
  return found != volumes.end() ? found->second.docker_name(stack, key) : stack + "_" + key;
}

bool ComposeModel::backup_enabled() const {
  return std::any_of(services.begin(), services.end(), [](const auto& entry) {
    auto flag = entry.second.deploy_labels.find("backupbot.backup");
    return flag != entry.second.deploy_labels.end() && flag->second == "true";
  });
}

std::vector<std::string> ComposeModel::backup_paths(const std::string& stack) const {
  if (!backup_enabled()) return {};
  std::map<std::string, std::string> labels;  // every service's deploy labels, together
  for (const auto& [name, service] : services) {
    for (const auto& [key, value] : service.deploy_labels) labels[key] = value;
  }
  std::set<std::string> paths;
  for (const auto& [name, service] : services) {
    for (const auto& mount : service.volumes) {
      if (mount.type != "volume" || mount.source.empty() || !volumes.count(mount.source)) continue;
      auto excluded = labels.find("backupbot.backup.volumes." + mount.source);
      if (excluded != labels.end() && excluded->second == "false") continue;
      std::string root = "/var/lib/docker/volumes/" + volume_name(stack, mount.source) + "/_data";
      auto only = labels.find("backupbot.backup.volumes." + mount.source + ".path");
      if (only == labels.end()) {
        paths.insert(root);
        continue;
      }
      for (const auto& path : split(only->second, ',')) paths.insert(root + "/" + path);
    }
  }
  return {paths.begin(), paths.end()};
}

std::optional<int> ComposeModel::traefik_port(const std::string& service) const {
  auto found = services.find(service);
  if (found == services.end()) return std::nullopt;
  for (const auto& [key, value] : found->second.deploy_labels) {
    if (key.rfind("traefik.http.services.", 0) == 0 && key.size() > 30 &&
        key.compare(key.size() - 25, 25, ".loadbalancer.server.port") == 0) {
      int port = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (error != std::errc() || end != value.data() + value.size() || port < 1 || port > 65535) return std::nullopt;
      return port;
    }
  }
  return std::nullopt;
}

}  // namespace ccci::harness
