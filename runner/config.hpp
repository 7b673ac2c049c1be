#pragma once
/// Config: what one ccci-run is asked to do, from the environment contract and flags.
///
/// Sources, strongest first: a flag (`--recipe x` or `--recipe=x`), our variable (RECIPE, PR,
/// REF, SRC, STAGES, OUT, CCCI_*), Drone's variable (DRONE_REPO_NAME, DRONE_PULL_REQUEST on a
/// pull_request event, DRONE_COMMIT_SHA, DRONE_REPO), the default. Validation is strict and runs
/// before anything else; every problem is ErrorKind::usage naming the variable or flag and the
/// offending value, so a hostile value never reaches a subprocess.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/result.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

/// doctor: `ccci-run doctor`, no RECIPE needed. last_green: `ccci-run last-green RECIPE [--clear]`.
/// reap: `ccci-run reap`, no RECIPE needed (runner/reap_command.hpp).
enum class Mode { run, plan_only, help, doctor, last_green, reap };

struct Config {
  Mode mode = Mode::run;
  bool clear_last_green = false;  ///< `last-green RECIPE --clear`: remove the record
  std::string recipe;
  std::optional<int> pr;
  std::optional<std::string> ref;  ///< lowercase hex, 7–40
  std::string src;                 ///< owner/repo; default coop-cloud/<recipe>
  std::vector<Tier> stages;        ///< canonical order; install always included
  std::filesystem::path out = "out";
  std::filesystem::path recipes_dir = "recipes";
  bool require_spec = false;  ///< CCCI_REQUIRE_SPEC=1: a recipe without recipes/<recipe>/recipe.yml is an error
  std::string git_base = "https://git.coopcloud.tech";
  std::filesystem::path state_dir = "/var/lib/ccci";
  /// A run's expiry is its start plus this; `ccci-run reap` reports a live run past it.
  std::chrono::minutes run_expiry{180};
  std::chrono::milliseconds teardown_timeout{std::chrono::minutes(10)};  ///< the teardown's budget
  std::string gateway_host;                                              ///< empty: connect by DNS
  int gateway_port = 0;                                                  ///< 0: keep the URL's port
  /// How long a run waits for its recipe and PR's lock and for a slot (runner/run_admission.hpp).
  std::chrono::seconds lock_wait{1800};
  int capacity = 0;  ///< concurrent runs on the host; 0: unlimited
  /// --keep-on-failure, CCCI_KEEP_ON_FAILURE=1: a red run (not interrupted) leaves its deployment
  /// up for debugging until its expiry (run_expiry) instead of tearing it down.
  bool keep_on_failure = false;
  /// `ccci-run reap --run <run id>`: reap only that run, now, even when it is kept.
  std::optional<std::string> reap_run;
  std::optional<std::filesystem::path> ca_bundle;
  std::string domain_suffix = "ci.coopcloud.tech";
  /// The operator's abra home, where `abra server add` registered the server and the catalogue
  /// lives: ABRA_DIR, else $HOME/.abra; nullopt when neither is set. Each run's own home is made
  /// from it under <state_dir>/abra/runs/<run id> (runner/abra_home.hpp).
  std::optional<std::filesystem::path> abra_dir;
  std::string abra = "abra";
  std::string server = "default";
  std::string proxy_network = "proxy";  ///< the overlay network the gateway and every app share
  bool pull_images = true;              ///< CCCI_PULL=never: only images already on the host
  /// A warm Keycloak (runner/dependencies.hpp WarmProvider): both set, or neither.
  std::optional<std::string> warm_keycloak_url;
  std::optional<std::filesystem::path> warm_keycloak_admin_password_file;
  std::map<std::string, std::string> sources;  ///< setting → "flag --pr", "env PR", "default", …
};

harness::Result<Config> parse_config(const std::map<std::string, std::string>& env,
                                     const std::vector<std::string>& args);

/// Makes the artifact directory OUT (and its missing parents) and proves it writable by creating
/// and removing a probe file: run before anything spawns, so a bad OUT costs no git or docker
/// work. A file in the way, a parent that cannot be created or an unwritable directory is
/// ErrorKind::usage naming OUT, where its value came from and why.
harness::Status make_out_dir(const Config& config);

/// Where the recipe's git repo lives: "<git_base>/<src>" for a local directory or file:// base,
/// "<git_base>/<src>.git" otherwise.
std::string repo_url(const Config& config);

/// The variable of every setting (RECIPE, PR, …, CCCI_PULL), in the order --help lists them.
std::vector<std::string_view> setting_variables();

/// `ccci-run --help`.
std::string help_text();

}  // namespace ccci::runner
