#pragma once
/// RecipeSpec: what ccci knows about a recipe, from `recipes/<recipe>/recipe.yml` (documented key
/// by key in docs/recipe-spec.md). Loading is strict: malformed YAML, unknown keys, wrong types
/// and meaningless values are ErrorKind::spec naming file:line:col. Names, keys and tags are at
/// most 128 characters, durations at most max_spec_duration; the document itself is held to
/// harness::YamlLimits. A recipe without a recipe.yml is not enrolled: it gets the default spec
/// (an empty recipe.yml's), which runs the generic checks only.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/result.hpp"
#include "harness/yaml.hpp"
#include "runner/dependency_spec.hpp"
#include "runner/operations.hpp"
#include "runner/outcome.hpp"
#include "runner/previous_overlay.hpp"

namespace ccci::runner {

struct HealthSpec {
  std::string path = "/";
  std::vector<int> ok{200};
};

/// Who judges that a deploy converged. abra: abra's own monitor (the default). ccci: abra deploys
/// with `--no-converge-checks` and ccci waits itself, within timeouts.deploy (runner/convergence.hpp),
/// for recipes whose services abra gives up on while still in their healthcheck's start period.
enum class ConvergenceJudge { abra, ccci };

struct SpecTimeouts {
  std::chrono::milliseconds deploy{std::chrono::minutes(15)};
  std::chrono::milliseconds http{std::chrono::minutes(2)};
  std::chrono::milliseconds backup{std::chrono::minutes(10)};
  /// How long a write check after a restore may keep answering 5xx or failing to connect before
  /// it fails (runner/spec_steps.hpp, "write-ready window").
  std::chrono::milliseconds write_ready{std::chrono::seconds(60)};
};

/// `json:` in an http step: the value at an RFC 6901 pointer of the JSON body must equal this.
struct JsonExpectation {
  std::string pointer;
  std::string expected;  ///< compact JSON text of the expected value (a string, number, bool or null)
};

/// `capture:` in an http step: a value of the response kept for later steps as `${name}`.
enum class CaptureFrom { json, header, match };
struct HttpCapture {
  std::string name;
  CaptureFrom from = CaptureFrom::json;
  std::string source;  ///< a JSON pointer, a header name, or an ERE whose first group is kept
};

/// An HTTPS request to the app (through the gateway) and what its answer must be. path, body and
/// header values may use `${name}` for a value captured by an earlier step (`$$` is a `$`).
struct HttpStep {
  std::string method = "GET";
  std::string path;
  std::string body;
  std::map<std::string, std::string> headers;
  int status = 200;
  std::optional<std::string> body_contains;
  std::optional<std::string> body_not_contains;
  std::optional<std::string> body_matches;             ///< POSIX ERE, searched anywhere in the body
  std::vector<JsonExpectation> json;                   ///< the body must be JSON
  std::map<std::string, std::string> headers_contain;  ///< header name → a substring of its value
  std::vector<HttpCapture> captures;
};

/// An http check or seed: one or more steps run in order, sharing one cookie jar and captures.
/// `converge`: the whole check is retried (fresh jar) until it passes, within that bound.
struct HttpCheck {
  std::vector<HttpStep> steps;
  std::optional<std::chrono::milliseconds> converge;

  HttpCheck() = default;
  HttpCheck(HttpStep step) { steps.push_back(std::move(step)); }  // NOLINT: a single step is a check
};

/// A command run inside a service's running container and what it must do.
struct ExecStep {
  std::string service;
  std::vector<std::string> argv;
  int exit_code = 0;
  std::optional<std::string> stdout_contains;
};

/// A program from the recipe's spec folder, run on the host with the run's facts in its env.
struct ScriptCheck {
  std::filesystem::path path;  ///< relative to the spec folder
  std::vector<std::string> args;
};

/// A Playwright flow from the recipe's spec folder.
struct BrowserCheck {
  std::filesystem::path path;  ///< relative to the spec folder
};

/// `oidc_login: {dep: keycloak}`: harness::check_password_login for the identity that dep's
/// provider provisioned for this run (runner/dependencies.hpp).
struct OidcLoginCheck {
  std::string dep;
};

struct SpecCheck {
  std::string name;
  std::variant<HttpCheck, ExecStep, ScriptCheck, BrowserCheck, OidcLoginCheck> kind;
  harness::Mark mark;
  /// `writes`: the check changes the app's data, so after a restore it gets the write-ready
  /// window. Defaults to true for http checks with a step whose method is not GET or HEAD, false otherwise.
  bool writes = false;
};

struct SeedStep {
  std::variant<HttpCheck, ExecStep> kind;
  harness::Mark mark;
};

struct RecipeSpec {
  std::filesystem::path dir;  ///< the spec's folder, recipes/<recipe>
  bool enrolled = true;       ///< false: recipes/<recipe>/recipe.yml does not exist; every default applies
  HealthSpec health;
  SpecTimeouts timeouts;
  ConvergenceJudge converge = ConvergenceJudge::abra;  ///< `deploy.converge`
  std::map<std::string, std::string> env;
  std::vector<std::string> deps;             ///< the recipes of `dependencies`, in order
  std::vector<DependencySpec> dependencies;  ///< `deps:` in full (runner/dependency_spec.hpp)
  std::optional<std::string> pinned_base;    ///< nullopt: auto
  /// `upgrade.apply_env`: before the head's deploy, the keys and secrets the head's .env.sample adds
  /// are added to the app (runner/env_upgrade.hpp). Off is the negative control's lever.
  bool upgrade_apply_env = true;
  std::map<std::string, std::string> upgrade_env;  ///< `upgrade.env`: set in the app's .env on top, before the head
  /// `upgrade.prune`: after the head's deploy, services the head no longer defines are removed.
  /// Off, orphans_pruned fails when one is left: the negative control's lever.
  bool upgrade_prune = true;
  std::map<Tier, std::string> not_applicable;
  std::map<SeedOp, std::vector<SeedStep>> seeds;
  std::map<Tier, std::vector<SpecCheck>> checks;
  /// `check_concurrency`: how many of a tier's checks run at once (1: one after another, in order).
  int check_concurrency = 4;
  /// `previous/<version>/compose.<name>.yml`: overlays for deploying old published bases
  /// (runner/previous_overlay.hpp); read by load_spec, enrolled or not.
  std::vector<PreviousOverlay> previous;
};

/// A tier's checks share the host with the app they test: a few at once is faster, many is load.
inline constexpr int max_check_concurrency = 8;

/// The longest timeout a spec may ask for: a CI run longer than a day is a mistake, and every
/// duration stays far from overflowing when a clock adds it (nanoseconds) to now.
inline constexpr std::chrono::milliseconds max_spec_duration = std::chrono::hours(24);

/// Loads `<recipes_dir>/<recipe>/recipe.yml`. A missing file is the default spec with
/// `enrolled = false`; a file that exists and is malformed is ErrorKind::spec (file:line:col). A
/// recipes_dir that is not a directory, or a file whose existence cannot be told (permissions, a
/// name too long), is ErrorKind::spec too: neither may pass for "not enrolled". A malformed
/// `previous/` folder is ErrorKind::spec naming the path.
harness::Result<RecipeSpec> load_spec(const std::filesystem::path& recipes_dir, const std::string& recipe);
harness::Result<RecipeSpec> parse_spec(const harness::YamlNode& root);
/// The spec in `text`; `file` names it in marks and messages.
harness::Result<RecipeSpec> parse_spec(std::string_view text, const std::string& file);

/// A file that holds only `checks:` (tiers → checks, as in recipe.yml): a recipe repository's own
/// `.ccci/checks.yml` (runner/repo_local.hpp). Any other key is ErrorKind::spec (file:line:col).
harness::Result<std::map<Tier, std::vector<SpecCheck>>> parse_checks_file(const harness::YamlNode& root);

/// "500ms", "90s", "15m", "1h" (one to seven digits and a unit); not capped, see max_spec_duration.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// One line for plans: "GET /cgi-bin/health → 200", "3 http steps: POST /login → 200, …", "exec in db: sqlite3 …",
/// "script checks/x.sh".
std::string describe(const SpecCheck& check);

}  // namespace ccci::runner
