#include "harness/compose.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/compose_tree.hpp"
#include "harness/interpolation.hpp"
#include "harness/text.hpp"

namespace ccci::harness {
namespace {

using compose_tree::as_mapping;
using compose_tree::is_empty;
using compose_tree::mapping_node;
using compose_tree::null_node;
using compose_tree::scalar_identity;
using compose_tree::set_entry;
using compose_tree::string_node;
using compose_tree::value_of;
using Env = std::map<std::string, std::string>;

Error at(const Mark& mark, const std::string& message) {
  return make_error(ErrorKind::spec, to_string(mark) + ": " + message);
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

/// The shapes the model reads, refused as docker's loader refuses them (same words), so a file
/// docker would not deploy never yields a model that silently lacks its services.
Status check_shape(const YamlNode& root) {
  auto mapping_or_null = [](const YamlNode* node) { return !node || node->is_mapping() || node->is_null(); };
  for (const char* section : {"services", "volumes", "networks", "secrets", "configs"}) {
    const YamlNode* node = root.find(section);
    if (!mapping_or_null(node)) return at(node->mark, std::string(section) + " must be a mapping");
  }
  const YamlNode* services = root.find("services");
  if (!services || !services->is_mapping()) return ok_status();
  for (const auto& [key, service] : services->entries) {
    if (!service.is_mapping()) return at(service.mark, "services." + key.scalar + " must be a mapping");
    const YamlNode* deploy = service.find("deploy");
    if (!mapping_or_null(deploy))
      return at(deploy->mark, "services." + key.scalar + ".deploy must be a mapping or null");
  }
  return ok_status();
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

/// The non-empty parts of a list like COMPOSE_FILE ("a.yml::b.yml" → a.yml, b.yml).
std::vector<std::string> non_empty_parts(const std::string& text, char separator) {
  auto parts = split(text, separator);
  std::erase_if(parts, [](const std::string& part) { return part.empty(); });
  return parts;
}

}  // namespace

Result<ComposeModel> load_compose(const std::filesystem::path& recipe_dir,
                                  const std::map<std::string, std::string>& env) {
  // Each file is held to YamlLimits, and the recipe's env cannot list one file thousands of times.
  constexpr size_t max_files = 16;
  if (auto listed = env.find("COMPOSE_FILE");
      listed != env.end() && non_empty_parts(listed->second, ':').size() > max_files) {
    return make_error(ErrorKind::spec, "COMPOSE_FILE names more than " + std::to_string(max_files) + " files");
  }
  std::string files = "compose.yml";
  if (auto found = env.find("COMPOSE_FILE"); found != env.end() && !found->second.empty()) files = found->second;
  YamlNode merged;
  std::filesystem::path working_dir;  // docker reads env_files relative to the first file's folder
  bool first = true;
  for (const auto& file : non_empty_parts(files, ':')) {
    CCCI_TRY(YamlNode root, load_yaml_file(recipe_dir / file));
    if (!root.is_mapping()) return at(root.mark, "a compose file must be a mapping");
    CCCI_TRY_STATUS(check_shape(root));
    CCCI_TRY_STATUS(interpolate_tree(root, env));
    if (first) working_dir = (recipe_dir / file).parent_path();
    CCCI_TRY_STATUS(resolve_environments(root, working_dir, env));
    if (first)
      merged = std::move(root);
    else
      compose_tree::merge_file(merged, root);
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

std::vector<VolumeBackup> ComposeModel::volume_backups(const std::string& stack) const {
  if (!backup_enabled()) return {};
  std::map<std::string, std::string> labels;  // every service's deploy labels, together
  for (const auto& [name, service] : services) {
    for (const auto& [key, value] : service.deploy_labels) labels[key] = value;
  }
  std::map<std::string, VolumeBackup> by_key;
  for (const auto& [name, service] : services) {  // by name, so the first service's image is kept
    for (const auto& mount : service.volumes) {
      if (mount.type != "volume" || mount.source.empty() || !volumes.count(mount.source)) continue;
      if (by_key.count(mount.source)) continue;
      VolumeBackup backup{mount.source, volume_name(stack, mount.source), service.image, false, false, {}};
      auto excluded = labels.find("backupbot.backup.volumes." + mount.source);
      backup.excluded = excluded != labels.end() && excluded->second == "false";
      if (auto only = labels.find("backupbot.backup.volumes." + mount.source + ".path"); only != labels.end()) {
        backup.restricted = true;
        backup.paths = non_empty_parts(only->second, ',');
      }
      by_key.emplace(mount.source, std::move(backup));
    }
  }
  std::vector<VolumeBackup> backups;
  for (auto& [key, backup] : by_key) backups.push_back(std::move(backup));
  return backups;
}

std::vector<std::string> ComposeModel::backup_paths(const std::string& stack) const {
  std::set<std::string> paths;
  for (const auto& backup : volume_backups(stack)) {
    if (backup.excluded) continue;
    std::string root = "/var/lib/docker/volumes/" + backup.volume + "/_data";
    if (!backup.restricted) paths.insert(root);
    for (const auto& path : backup.paths) paths.insert(root + "/" + path);
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
