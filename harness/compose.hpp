#pragma once
/// ComposeModel: the app's compose files as docker would deploy them — the only place ccci
/// understands compose. Files come from COMPOSE_FILE (colon-separated, default compose.yml) in
/// order; every scalar is interpolated from the app env (harness/interpolation.hpp); each file's
/// `env_file`s and `environment` are resolved against the app env; files merge the way docker's
/// loader merges them (harness/compose_tree.hpp; docs/compose-model.md, which also lists where we
/// knowingly differ). Unlike docker, a `depends_on` naming an undefined service is a warning, not
/// an error, so images and services can still be listed. Errors are ErrorKind::spec naming
/// file:line:col.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/result.hpp"
#include "harness/yaml.hpp"

namespace ccci::harness {

struct VolumeMount {
  std::string type;    ///< "volume", "bind" or "tmpfs"
  std::string source;  ///< a volume key, a host path, or empty (anonymous)
  std::string target;
};

struct ComposeService {
  std::string name;
  std::string image;
  /// As docker resolves it: a variable listed without a value (`- VAR`, `VAR:`) or with an empty
  /// one takes the app env's value when the app env sets VAR; a valueless one the app env does not
  /// set is std::nullopt (docker prints it as null and passes the bare name to the service).
  std::map<std::string, std::optional<std::string>> environment;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> deploy_labels;
  std::string endpoint_mode;
  std::vector<VolumeMount> volumes;
  std::vector<std::string> networks;
  std::vector<std::string> secrets;
  std::vector<std::string> configs;
  std::vector<std::string> depends_on;
  std::vector<std::string> ports;
};

/// A top-level volume, network, secret or config.
struct TopLevelResource {
  std::string name;  ///< the `name:` written (or the legacy `external: {name: …}`), or empty
  bool external = false;
  /// The name docker gives it in stack `stack`: `name`, else the key itself when external (docker
  /// looks an external resource up by its key), else "<stack>_<key>".
  std::string docker_name(const std::string& stack, const std::string& key) const;
};

/// How a backup-bot-two backup of a stack treats one named volume its services mount (abra-cli.md §5).
struct VolumeBackup {
  std::string key;                 ///< the compose key
  std::string volume;              ///< its docker name in the stack (ComposeModel::volume_name)
  std::string image;               ///< the image of the first service, by name, that mounts it
  bool excluded = false;           ///< `backupbot.backup.volumes.<key>=false`
  bool restricted = false;         ///< a `backupbot.backup.volumes.<key>.path` label names what is taken
  std::vector<std::string> paths;  ///< that label's p1,p2, relative to the volume's root
};

class ComposeModel {
 public:
  std::map<std::string, ComposeService> services;
  std::map<std::string, TopLevelResource> volumes, networks, secrets, configs;
  std::vector<std::string> warnings;

  std::vector<std::string> images() const;         ///< unique, sorted
  std::vector<std::string> service_names() const;  ///< sorted
  /// Whether any service carries `backupbot.backup=true`.
  bool backup_enabled() const;
  /// The paths a backup-bot-two snapshot of stack `stack` must hold (abra-cli.md §5): with
  /// `backupbot.backup=true` on any service, every named volume any service mounts, as
  /// /var/lib/docker/volumes/<volume>/_data, or .../_data/<p> for `…volumes.<v>.path=p1,p2`;
  /// a volume labelled `backupbot.backup.volumes.<v>=false` is left out. Empty when off.
  std::vector<std::string> backup_paths(const std::string& stack) const;
  /// Every named volume a service mounts and what a backup takes of it; empty when backups are off.
  std::vector<VolumeBackup> volume_backups(const std::string& stack) const;
  /// The docker name of a volume key (TopLevelResource::docker_name; "<stack>_<key>" if undeclared).
  std::string volume_name(const std::string& stack, const std::string& key) const;
  /// The port from `traefik.http.services.*.loadbalancer.server.port`, if any.
  std::optional<int> traefik_port(const std::string& service) const;
};

Result<ComposeModel> load_compose(const std::filesystem::path& recipe_dir,
                                  const std::map<std::string, std::string>& env);

}  // namespace ccci::harness
