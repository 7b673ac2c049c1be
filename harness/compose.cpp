#include "harness/compose.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

namespace ccci::harness {
namespace {

Error at(const Mark& mark, const std::string& message) { return make_error(ErrorKind::spec, to_string(mark) + ": " + message); }

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

// ---- merging ------------------------------------------------------------------------------

/// Keys whose list form is `K=V` and that merge as maps.
bool merges_as_map(const std::string& key) { return key == "environment" || key == "labels"; }
/// Service lists that accumulate across files.
bool appends(const std::string& key) {
  static const std::set<std::string> keys{"ports", "secrets", "configs", "dns", "extra_hosts", "cap_add", "cap_drop",
                                          "expose", "external_links", "devices", "env_file"};
  return keys.count(key) > 0;
}

std::string scalar_identity(const YamlNode& node) {
  if (node.is_scalar()) return node.scalar;
  if (const auto* source = node.find("source")) return source->scalar;
  if (const auto* target = node.find("target")) return target->scalar;
  return {};
}

/// A `K=V` list (or a map) as a mapping node.
YamlNode as_mapping(const YamlNode& node) {
  if (!node.is_sequence()) return node;
  YamlNode map;
  map.kind = YamlNode::Kind::mapping;
  map.mark = node.mark;
  for (const auto& item : node.items) {
    YamlNode key = item, value = item;
    auto eq = item.scalar.find('=');
    key.scalar = item.scalar.substr(0, eq);
    value.scalar = eq == std::string::npos ? "" : item.scalar.substr(eq + 1);
    if (eq == std::string::npos) value.kind = YamlNode::Kind::null;
    map.entries.emplace_back(key, value);
  }
  return map;
}

/// A short `depends_on` list as a mapping of service → {}.
YamlNode depends_on_mapping(const YamlNode& node) {
  if (!node.is_sequence()) return node;
  YamlNode map;
  map.kind = YamlNode::Kind::mapping;
  map.mark = node.mark;
  for (const auto& item : node.items) map.entries.emplace_back(item, YamlNode{YamlNode::Kind::mapping, item.mark, {}, false, {}, {}});
  return map;
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

void merge(YamlNode& base, const YamlNode& over, const std::string& key, int depth);

void merge_sequence(YamlNode& base, const YamlNode& over, const std::string& key) {
  if (key == "volumes") {
    for (const auto& item : over.items) {
      std::string target = volume_target(item);
      auto same = std::find_if(base.items.begin(), base.items.end(), [&](const YamlNode& b) { return volume_target(b) == target; });
      if (same != base.items.end()) *same = item;
      else base.items.push_back(item);
    }
    return;
  }
  if (appends(key) || key == "networks") {
    for (const auto& item : over.items) {
      bool seen = std::any_of(base.items.begin(), base.items.end(),
                              [&](const YamlNode& b) { return scalar_identity(b) == scalar_identity(item) && item.is_scalar(); });
      if (!seen) base.items.push_back(item);
    }
    return;
  }
  base = over;  // command, entrypoint and every other list: the later file replaces
}

void merge(YamlNode& base, const YamlNode& over, const std::string& key, int depth) {
  if (merges_as_map(key)) {
    base = as_mapping(base);
    YamlNode map = as_mapping(over);
    merge(base, map, "", depth + 1);
    return;
  }
  if (key == "depends_on") {
    base = depends_on_mapping(base);
    merge(base, depends_on_mapping(over), "", depth + 1);
    return;
  }
  if (base.is_mapping() && over.is_mapping()) {
    for (const auto& [k, v] : over.entries) {
      auto existing = std::find_if(base.entries.begin(), base.entries.end(),
                                   [&key = k](const auto& entry) { return entry.first.scalar == key.scalar; });
      if (existing == base.entries.end()) base.entries.emplace_back(k, v);
      else merge(existing->second, v, k.scalar, depth + 1);
    }
    return;
  }
  if (base.is_sequence() && over.is_sequence()) {
    merge_sequence(base, over, key);
    return;
  }
  base = over;
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
        return at(at_node.mark, "interpolated values exceed " + std::to_string(max_file_bytes >> 20) + " MiB in this file");
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
  YamlNode map = as_mapping(*node);
  for (const auto& [k, v] : map.entries) out[k.scalar] = v.is_null() && !v.quoted ? "" : v.scalar;
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

std::map<std::string, TopLevelResource> resources(const YamlNode* node) {
  std::map<std::string, TopLevelResource> out;
  if (!node || !node->is_mapping()) return out;
  for (const auto& [k, v] : node->entries) {
    TopLevelResource resource;
    if (v.is_mapping()) {
      if (const auto* name = v.find("name")) resource.name = name->scalar;
      if (const auto* external = v.find("external")) resource.external = external->is_mapping() || external->scalar == "true";
    }
    out[k.scalar] = resource;
  }
  return out;
}

ComposeModel build_model(const YamlNode& root) {
  ComposeModel model;
  model.volumes = resources(root.find("volumes"));
  model.networks = resources(root.find("networks"));
  model.secrets = resources(root.find("secrets"));
  model.configs = resources(root.find("configs"));
  const YamlNode* services = root.find("services");
  if (!services || !services->is_mapping()) return model;
  for (const auto& [key, node] : services->entries) {
    ComposeService service;
    service.name = key.scalar;
    if (const auto* image = node.find("image")) service.image = image->scalar;
    service.environment = string_map(node.find("environment"));
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
      for (const auto& item : ports->items) service.ports.push_back(item.is_scalar() ? item.scalar : scalar_identity(item));
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

Result<std::string> interpolate(std::string_view text, const std::map<std::string, std::string>& env, const Mark& mark) {
  // Defaults nest (`${A:-${B:-…}}`) and each level recurses through braced() and rescans the
  // rest of the text: a hostile scalar must not nest deep enough to exhaust stack or time.
  constexpr int max_nesting = 16;
  static thread_local int nesting = 0;
  if (nesting >= max_nesting) return at(mark, "interpolation nested more than " + std::to_string(max_nesting) + " levels deep");
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
  auto too_long = [&] { return at(mark, "interpolation makes the value longer than " + std::to_string(max_bytes >> 10) + " KiB"); };
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

Result<ComposeModel> load_compose(const std::filesystem::path& recipe_dir, const std::map<std::string, std::string>& env) {
  // Each file is held to YamlLimits, and the recipe's env cannot list one file thousands of times.
  constexpr size_t max_files = 16;
  if (auto listed = env.find("COMPOSE_FILE"); listed != env.end() && split(listed->second, ':').size() > max_files) {
    return make_error(ErrorKind::spec, "COMPOSE_FILE names more than " + std::to_string(max_files) + " files");
  }
  std::string files = "compose.yml";
  if (auto found = env.find("COMPOSE_FILE"); found != env.end() && !found->second.empty()) files = found->second;
  YamlNode merged;
  bool first = true;
  for (const auto& file : split(files, ':')) {
    CCCI_TRY(YamlNode root, load_yaml_file(recipe_dir / file));
    if (!root.is_mapping()) return at(root.mark, "a compose file must be a mapping");
    CCCI_TRY_STATUS(interpolate_tree(root, env));
    if (first) merged = std::move(root);
    else merge(merged, root, "", 0);
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

std::string ComposeModel::volume_name(const std::string& stack, const std::string& key) const {
  auto found = volumes.find(key);
  if (found != volumes.end() && !found->second.name.empty()) return found->second.name;
  return stack + "_" + key;
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
