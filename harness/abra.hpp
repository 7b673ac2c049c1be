#pragma once
/// AbraDriver: the abra operations ccci needs, as argv built for the ProcessRunner (never a shell).
///
/// Every command is non-interactive (`--no-input`, plus `--force` where abra would confirm a
/// destruction), keeps ccci's recipe checkout (`--chaos` on every command that loads the recipe,
/// except a release `app new`/`deploy`) and runs with the settings' environment plus ABRA_DIR;
/// `backup create`, `restore` and `secret insert` run under a pseudo-terminal (docker needs one). Every domain, recipe,
/// version, secret and snapshot argument is validated before anything is spawned; a hostile value (leading '-',
/// whitespace, control characters, a domain that is not DNS labels) is ErrorKind::usage.
///
/// How a failure is classified (the kind decides fail vs error; see docs/abra-contract.md), from
/// abra's own FATA/ERRO lines only, never from service output abra echoes:
/// - abra refuses a flag ccci passes ("unknown flag"): ErrorKind::infra naming the flag.
/// - abra could not be started, was killed by a signal, or its output names an unreachable
///   docker daemon: ErrorKind::infra. Our own wall-clock limit ran out: ErrorKind::timeout.
/// - abra exited non-zero: the operation decides. A deploy, backup or restore that abra reports
///   as failed means the recipe did not come up / back up / restore: ErrorKind::check_failed.
///   Setup and teardown commands (app new, secrets, undeploy, rm) fail because of the
///   environment: ErrorKind::infra. "Not deployed" / "no such snapshot" are ErrorKind::not_found.
/// Messages carry abra's FATA/ERRO lines, then the tail of its stderr (of a secret command's
/// stdout, where generated values are, only abra's own lines through the redactor); the
/// Logger's redactor masks secrets when the message is logged.
/// Every secret value abra prints (`secret generate`, `app new -S`) or is given (`secret insert`)
/// is registered with AbraSettings::redactor before the command's outcome is returned, so nothing
/// the run prints afterwards can show it. What abra prints is read by harness/abra_output.hpp.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/abra_output.hpp"
#include "harness/process.hpp"
#include "harness/result.hpp"

namespace ccci::harness {

class Redactor;

/// Whether `abra app new` also generates and inserts every secret the recipe declares.
enum class SecretGeneration { skip, generate_all };
/// Whether a deploy may replace an app that is already deployed (an in-place upgrade).
enum class Force { no, yes };
/// Whether abra waits for the stack's services to converge before it exits.
enum class ConvergeChecks { wait, skip };
/// Whether abra may fetch the recipe's remote (ccci prepares the checkout itself: offline).
enum class RecipeFetch { offline, online };
/// `abra app backup list`: the app's volume paths, or every path in the snapshot.
enum class BackupListScope { volumes, all_paths };

/// A release deploy checks out a tag (or the .env-pinned / latest one when `version` is empty);
/// a chaos deploy ships the recipe checkout exactly as it is on disk.
struct DeployMode {
  enum class Kind { release, chaos };
  Kind kind = Kind::release;
  std::optional<std::string> version;  ///< release only

  static DeployMode release(std::optional<std::string> version = std::nullopt) {
    return DeployMode{Kind::release, std::move(version)};
  }
  static DeployMode chaos() { return DeployMode{Kind::chaos, std::nullopt}; }
};

struct DeployOptions {
  DeployMode mode;
  Force force = Force::no;
  ConvergeChecks converge = ConvergeChecks::wait;
  std::optional<std::chrono::milliseconds> timeout;  ///< empty: AbraTimeouts::deploy
};

struct AbraTimeouts {
  std::chrono::milliseconds command{std::chrono::minutes(5)};  ///< app new, secrets, undeploy, rm
  std::chrono::milliseconds deploy{std::chrono::minutes(60)};
  std::chrono::milliseconds backup{std::chrono::minutes(60)};  ///< backup create and restore
  std::chrono::milliseconds query{std::chrono::minutes(2)};    ///< snapshots, list
};

struct AbraSettings {
  std::filesystem::path executable = "abra";
  std::filesystem::path abra_dir;  ///< required: one ABRA_DIR per run
  std::string server = "default";  ///< the abra server the apps live on
  Environment env;                 ///< passed through to abra; ABRA_DIR is set on top
  RecipeFetch fetch = RecipeFetch::offline;
  AbraTimeouts timeouts;
  Redactor* redactor = nullptr;  ///< learns every secret value abra prints or is given
};

class AbraDriver {
 public:
  virtual ~AbraDriver() = default;

  /// With a version abra checks that release tag out; without one the app is created in chaos
  /// mode on the recipe checkout exactly as ccci prepared it.
  virtual Status app_new(const std::string& recipe, const std::optional<std::string>& version,
                         const std::string& domain, SecretGeneration secrets) = 0;
  virtual Status deploy(const std::string& domain, const DeployOptions& options) = 0;
  virtual Status undeploy(const std::string& domain) = 0;
  /// Deletes the app's secrets, volumes and .env; abra refuses while it is deployed.
  virtual Status remove(const std::string& domain) = 0;
  virtual Status volume_remove(const std::string& domain) = 0;
  virtual Status secret_generate_all(const std::string& domain) = 0;
  /// Inserts the secret's value from `value_file` (never from argv, where `ps` would show it).
  virtual Status secret_insert(const std::string& domain, const std::string& name, const std::string& version,
                               const std::filesystem::path& value_file) = 0;

  virtual Status backup_create(const std::string& domain) = 0;
  /// Oldest first; empty when backupbot reports none for the app.
  virtual Result<std::vector<Snapshot>> backup_snapshots(const std::string& domain) = 0;
  /// Paths inside `snapshot` (empty: the latest one of the app).
  virtual Result<std::vector<std::string>> backup_list(const std::string& domain,
                                                       const std::optional<std::string>& snapshot,
                                                       BackupListScope scope) = 0;
  /// Restores `snapshot` (empty: the latest one that holds the app).
  virtual Status restore(const std::string& domain, const std::optional<std::string>& snapshot) = 0;

  /// $ABRA_DIR/servers/<server>/<domain>.env
  virtual std::filesystem::path app_env_path(const std::string& domain) const = 0;
  /// $ABRA_DIR/recipes/<recipe>
  virtual std::filesystem::path recipe_dir(const std::string& recipe) const = 0;
  /// $ABRA_DIR/logs/<server>: abra writes a log of its commands there (docs/abra-contract.md).
  virtual std::filesystem::path logs_dir() const = 0;
};

std::unique_ptr<AbraDriver> make_abra_driver(ProcessRunner& runner, AbraSettings settings);

/// One abra subcommand ccci runs ("app deploy") and every flag it may pass to it, as spelled in
/// argv ("--chaos"). `ccci-run doctor` looks for each flag in `abra <command> --help`.
struct AbraCommandFlags {
  std::string command;
  std::vector<std::string> flags;
};
std::vector<AbraCommandFlags> abra_flags_in_use();

/// abra's stack name for an app: dots become underscores, cut to 45 characters. (An explicit
/// STACK_NAME in the app's .env would win in abra; ccci never sets one.)
std::string stack_name_for(std::string_view domain);

/// usage errors for values that must never reach abra's argv.
Status validate_domain(std::string_view domain);
Status validate_recipe_name(std::string_view recipe);

}  // namespace ccci::harness
