#include "runner/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "harness/text.hpp"
#include "runner/reaper.hpp"
#include "runner/spec.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;
using harness::Result;
using harness::Status;

/// One setting: its flag, our variable and (optionally) the Drone variable mapped onto it.
struct Setting {
  std::string_view flag;
  std::string_view variable;
  std::string_view drone = {};
};

constexpr Setting recipe_setting{"--recipe", "RECIPE", "DRONE_REPO_NAME"};
constexpr Setting pr_setting{"--pr", "PR", "DRONE_PULL_REQUEST"};
constexpr Setting ref_setting{"--ref", "REF", "DRONE_COMMIT_SHA"};
constexpr Setting src_setting{"--src", "SRC", "DRONE_REPO"};
constexpr Setting stages_setting{"--stages", "STAGES"};
constexpr Setting out_setting{"--out", "OUT"};
constexpr Setting recipes_dir_setting{"--recipes-dir", "CCCI_RECIPES_DIR"};
constexpr Setting require_spec_setting{"--require-spec", "CCCI_REQUIRE_SPEC"};
constexpr Setting git_base_setting{"--git-base", "CCCI_GIT_BASE"};
constexpr Setting state_dir_setting{"--state-dir", "CCCI_STATE_DIR"};
constexpr Setting gateway_setting{"--gateway", "CCCI_GATEWAY"};
constexpr Setting ca_setting{"--ca-bundle", "CCCI_CA_BUNDLE"};
constexpr Setting suffix_setting{"--domain-suffix", "CCCI_DOMAIN_SUFFIX"};
constexpr Setting abra_dir_setting{"--abra-dir", "ABRA_DIR"};
constexpr Setting abra_setting{"--abra", "CCCI_ABRA"};
constexpr Setting server_setting{"--server", "CCCI_SERVER"};
constexpr Setting pull_setting{"--pull", "CCCI_PULL"};
constexpr Setting proxy_network_setting{"--proxy-network", "CCCI_PROXY_NETWORK"};
constexpr Setting run_expiry_setting{"--run-expiry", "CCCI_RUN_EXPIRY"};
constexpr Setting teardown_timeout_setting{"--teardown-timeout", "CCCI_TEARDOWN_TIMEOUT"};
constexpr Setting lock_wait_setting{"--lock-wait", "CCCI_LOCK_WAIT"};
constexpr Setting capacity_setting{"--capacity", "CCCI_CAPACITY"};
constexpr Setting keep_on_failure_setting{"--keep-on-failure", "CCCI_KEEP_ON_FAILURE"};
constexpr Setting warm_keycloak_url_setting{"--warm-keycloak-url", "CCCI_WARM_KEYCLOAK_URL"};
constexpr Setting warm_keycloak_password_setting{"--warm-keycloak-admin-password-file",
                                                 "CCCI_WARM_KEYCLOAK_ADMIN_PASSWORD_FILE"};

constexpr Setting all_settings[] = {recipe_setting,
                                    pr_setting,
                                    ref_setting,
                                    src_setting,
                                    stages_setting,
                                    out_setting,
                                    recipes_dir_setting,
                                    require_spec_setting,
                                    git_base_setting,
                                    state_dir_setting,
                                    gateway_setting,
                                    ca_setting,
                                    suffix_setting,
                                    abra_dir_setting,
                                    abra_setting,
                                    server_setting,
                                    pull_setting,
                                    proxy_network_setting,
                                    run_expiry_setting,
                                    teardown_timeout_setting,
                                    lock_wait_setting,
                                    capacity_setting,
                                    keep_on_failure_setting,
                                    warm_keycloak_url_setting,
                                    warm_keycloak_password_setting};

/// Printable form of a value for error messages: control characters escaped, long values cut.
std::string shown(std::string_view value) { return harness::quoted(value, '\'', 80); }

class Sources {
 public:
  Sources(const std::map<std::string, std::string>& env, std::map<std::string, std::string> flags)
      : env_(env), flags_(std::move(flags)) {}

  /// The value of a setting and where it came from; nullopt when absent everywhere.
  std::optional<std::pair<std::string, std::string>> lookup(const Setting& setting) const {
    if (auto flag = flags_.find(std::string(setting.flag)); flag != flags_.end()) {
      return std::pair{flag->second, "flag " + std::string(setting.flag)};
    }
    if (auto value = non_empty(setting.variable)) return std::pair{*value, "env " + std::string(setting.variable)};
    if (!setting.drone.empty()) {
      // DRONE_PULL_REQUEST is only meaningful on a pull_request event.
      bool applies = setting.drone != "DRONE_PULL_REQUEST" || non_empty("DRONE_BUILD_EVENT") == "pull_request";
      if (auto value = non_empty(setting.drone); value && applies)
        return std::pair{*value, "env " + std::string(setting.drone)};
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> non_empty(std::string_view name) const {
    auto found = env_.find(std::string(name));
    if (found == env_.end() || found->second.empty()) return std::nullopt;
    return found->second;
  }

  const std::map<std::string, std::string>& env_;
  std::map<std::string, std::string> flags_;
};

/// No setting needs more (PATH_MAX is 4096); anything longer is refused before it is looked at.
constexpr size_t max_setting_length = 4096;

harness::Error usage(const Setting& setting, std::string_view source, std::string_view value, std::string_view why) {
  return make_error(ErrorKind::usage, std::string(setting.variable) + " (" + std::string(source) +
                                          ") = " + shown(value) + ": " + std::string(why));
}

// ---- the settings' languages, as character-class loops (libstdc++'s regular expressions recurse per character) ----

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
bool is_alnum(char c) { return is_lower_or_digit(c) || (c >= 'A' && c <= 'Z'); }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_word_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; }

/// The language `[first][rest]*`.
template <class First, class Rest>
bool is_word(std::string_view text, First first, Rest rest) {
  return !text.empty() && first(text.front()) && std::all_of(text.begin() + 1, text.end(), rest);
}

/// `[alnum]([alnum-]*[alnum])?`: one DNS label, `alnum` deciding the letters allowed.
template <class Alnum>
bool is_dns_label(std::string_view label, Alnum alnum) {
  if (label.empty() || !alnum(label.front()) || !alnum(label.back())) return false;
  return std::all_of(label.begin(), label.end(), [&](char c) { return alnum(c) || c == '-'; });
}

/// Labels joined by dots, at least `min_labels` of them.
template <class Alnum>
bool is_dns_name(std::string_view name, Alnum alnum, size_t min_labels) {
  size_t labels = 0;
  for (size_t start = 0;; ++labels) {
    size_t dot = name.find('.', start);
    if (!is_dns_label(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start),
                      alnum)) {
      return false;
    }
    if (dot == std::string_view::npos) return labels + 1 >= min_labels;
    start = dot + 1;
  }
}

/// The value of 1 to `max_digits` decimal digits (at most 9, so it fits an int), or -1.
int small_number(std::string_view digits, size_t max_digits) {
  if (digits.empty() || digits.size() > max_digits || !std::all_of(digits.begin(), digits.end(), is_digit)) return -1;
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

/// What parse_flags found besides the settings' flags.
struct FlagResult {
  std::map<std::string, std::string> flags;
  std::optional<std::string> reap_run;  ///< `reap --run <id>`, not yet validated
};

Result<FlagResult> parse_flags(const std::vector<std::string>& args, Mode& mode, bool& clear_last_green) {
  FlagResult found;
  auto& flags = found.flags;
  bool last_green = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      mode = Mode::help;
      continue;
    }
    if (i == 0 && arg == "doctor") {
      if (mode != Mode::help) mode = Mode::doctor;
      continue;
    }
    if (i == 0 && arg == "reap") {
      if (mode != Mode::help) mode = Mode::reap;
      continue;
    }
    if (i == 0 && arg == "last-green") {
      last_green = true;
      if (mode != Mode::help) mode = Mode::last_green;
      continue;
    }
    // `last-green RECIPE`: the recipe is read as --recipe, so it is validated as one.
    if (last_green && i == 1 && !arg.starts_with("-")) {
      flags["--recipe"] = arg;
      continue;
    }
    if (arg == "--clear") {
      if (!last_green)
        return make_error(ErrorKind::usage, "flag --clear belongs to `ccci-run last-green RECIPE --clear`");
      clear_last_green = true;
      continue;
    }
    if (arg == "--plan") {
      if (mode == Mode::doctor)
        return make_error(ErrorKind::usage, "flag --plan belongs to a run, not to `ccci-run doctor`");
      if (mode == Mode::reap)
        return make_error(ErrorKind::usage, "flag --plan belongs to a run, not to `ccci-run reap`");
      if (last_green) return make_error(ErrorKind::usage, "flag --plan belongs to a run, not to `ccci-run last-green`");
      if (mode != Mode::help) mode = Mode::plan_only;
      continue;
    }
    if (arg == "--run" || arg.starts_with("--run=")) {
      if (mode != Mode::reap && mode != Mode::help)
        return make_error(ErrorKind::usage, "flag --run belongs to `ccci-run reap --run <run id>`");
      if (found.reap_run) return make_error(ErrorKind::usage, "flag --run given twice");
      if (arg != "--run")
        found.reap_run = arg.substr(6);
      else if (i + 1 < args.size())
        found.reap_run = args[++i];
      else
        return make_error(ErrorKind::usage, "flag --run needs a run id");
      continue;
    }
    // A switch: given bare it means 1; --keep-on-failure=0|1 is read as any other flag.
    if (arg == keep_on_failure_setting.flag) {
      if (flags.count(arg)) return make_error(ErrorKind::usage, "flag " + arg + " given twice");
      flags[arg] = "1";
      continue;
    }
    std::string name = arg.substr(0, arg.find('='));
    auto known = std::find_if(std::begin(all_settings), std::end(all_settings),
                              [&](const Setting& s) { return s.flag == name; });
    if (known == std::end(all_settings)) {
      return make_error(ErrorKind::usage, "unknown argument " + shown(arg));
    }
    std::string value;
    if (name.size() < arg.size()) {
      value = arg.substr(name.size() + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return make_error(ErrorKind::usage, "flag " + name + " needs a value");
    }
    if (flags.count(name)) return make_error(ErrorKind::usage, "flag " + name + " given twice");
    flags[name] = value;
  }
  return found;
}

/// Why a value is not in its setting's language; read_setting names the setting and the value.
harness::Error invalid(std::string why) { return make_error(ErrorKind::usage, std::move(why)); }

/// Reads one setting, if given: bounds and control characters first, then `parse` (value text →
/// Result<T>); on success `store` takes the parsed value and config.sources records where it came
/// from. A parse error becomes a usage error naming the setting, its source and the value.
template <class Parse, class Store>
Status read_setting(const Sources& sources, const Setting& setting, Config& config, Parse parse, Store store) {
  auto found = sources.lookup(setting);
  if (!found) return harness::ok_status();
  const auto& [value, source] = *found;
  if (value.size() > max_setting_length) {
    return usage(setting, source, value, "longer than " + std::to_string(max_setting_length) + " characters");
  }
  if (harness::has_control_characters(value))
    return usage(setting, source, value, "control characters are not allowed");
  config.sources[std::string(setting.variable)] = source;
  auto parsed = parse(value);
  if (!parsed.ok()) return usage(setting, source, value, parsed.error().message);
  store(std::move(parsed).value());
  return harness::ok_status();
}

/// read_setting for a setting that is one member of Config.
template <class Parse, class Member>
Status read_setting_into(const Sources& sources, const Setting& setting, Config& config, Parse parse, Member& member) {
  return read_setting(sources, setting, config, parse, [&](auto value) { member = std::move(value); });
}

Result<std::string> parse_recipe(const std::string& value) {
  if (value.size() > 40) return invalid("a recipe name has at most 40 characters");
  if (!is_word(value, is_lower_or_digit, [](char c) { return is_lower_or_digit(c) || c == '-'; }))
    return invalid("a recipe name is lowercase letters, digits and '-', starting with a letter or digit");
  return value;
}

Result<int> parse_pr(const std::string& value) {
  int number = small_number(value, 9);
  if (number < 1 || value.front() == '0')
    return invalid("a PR is a positive integer of at most 9 digits, without sign or leading zeros");
  return number;
}

/// A commit id, lowercased.
Result<std::string> parse_ref(const std::string& value) {
  bool commit_id = value.size() >= 7 && value.size() <= 40 && std::all_of(value.begin(), value.end(), is_hex_digit);
  if (!commit_id) return invalid("a ref is a commit id: 7 to 40 hexadecimal digits");
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

Result<std::string> parse_src(const std::string& value) {
  std::string_view text = value;
  size_t slash = text.find('/');
  bool owner_repo = slash != std::string_view::npos && is_word(text.substr(0, slash), is_alnum, is_word_char) &&
                    is_word(text.substr(slash + 1), is_alnum, is_word_char);
  if (!owner_repo || value.find("..") != std::string::npos) {
    return invalid("SRC is owner/repo, each part letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  if (value.size() > 4 && value.compare(value.size() - 4, 4, ".git") == 0) return invalid("give the repo without .git");
  return value;
}

struct Stages {
  std::vector<Tier> tiers;  ///< canonical order, install included
  bool install_implied = false;
};

Result<Stages> parse_stages(const std::string& value) {
  std::vector<Tier> wanted;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    std::string name = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto tier = tier_from_string(name);
    if (!tier) return invalid("unknown stage " + shown(name) + "; stages are install,upgrade,backup,restore,custom");
    if (std::find(wanted.begin(), wanted.end(), *tier) != wanted.end())
      return invalid("stage '" + name + "' given twice");
    wanted.push_back(*tier);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  Stages stages;
  for (Tier tier : all_tiers) {
    bool asked = std::find(wanted.begin(), wanted.end(), tier) != wanted.end();
    // One deployment serves every tier, so every tier needs the install.
    if (asked || tier == Tier::install) stages.tiers.push_back(tier);
  }
  stages.install_implied = std::find(wanted.begin(), wanted.end(), Tier::install) == wanted.end();
  return stages;
}

Result<std::filesystem::path> parse_path(const std::string& value) {
  if (value.empty()) return invalid("a path must not be empty");
  return std::filesystem::path(value);
}

Result<std::string> parse_executable(const std::string& value) {
  if (value.front() == '-') return invalid("an executable path must not start with '-'");
  CCCI_TRY(auto path, parse_path(value));
  return path.string();
}

/// An https URL without whitespace, control characters, a query or a fragment; a trailing '/' dropped.
Result<std::string> parse_https_url(const std::string& value) {
  bool plain =
      std::all_of(value.begin(), value.end(), [](char c) { return c > ' ' && c < 127 && c != '?' && c != '#'; });
  if (value.rfind("https://", 0) != 0 || value.size() <= 8 || value.size() > 512 || !plain)
    return invalid("an https:// URL without spaces, query or fragment");
  return value.back() == '/' ? value.substr(0, value.size() - 1) : value;
}

Result<std::string> parse_server(const std::string& value) {
  if (!is_word(value, is_alnum, is_word_char)) return invalid("a server name is letters, digits, '.', '_' or '-'");
  return value;
}

Result<std::string> parse_network_name(const std::string& value) {
  if (!is_word(value, is_alnum, is_word_char)) return invalid("a network name is letters, digits, '.', '_' or '-'");
  return value;
}

struct Gateway {
  std::string host;
  int port = 0;  ///< 0: keep the URL's port
};

Result<Gateway> parse_gateway(const std::string& value) {
  std::string_view text = value;
  size_t colon = text.find(':');
  std::string_view host = text.substr(0, colon);
  int port = colon == std::string_view::npos ? 0 : small_number(text.substr(colon + 1), 5);
  if (!is_dns_name(host, is_alnum, 1) || port < 0)
    return invalid("a gateway is host[:port], the host a DNS name or IPv4 address");
  if (colon != std::string_view::npos && (port < 1 || port > 65535)) return invalid("a gateway port is 1 to 65535");
  return Gateway{std::string(host), port};
}

Result<std::string> parse_domain_suffix(const std::string& value) {
  if (!is_dns_name(value, is_lower_or_digit, 2))
    return invalid("a domain suffix is lowercase DNS labels, at least two");
  return value;
}

Result<std::string> parse_git_base(const std::string& value) {
  if (value.empty() || value.front() == '-') return invalid("a git base is a URL or an absolute directory");
  return value;
}

/// CCCI_PULL: whether images the host lacks are pulled.
Result<bool> parse_pull(const std::string& value) {
  if (value != "missing" && value != "never") return invalid("CCCI_PULL is missing (pull absent images) or never");
  return value == "missing";
}

/// CCCI_REQUIRE_SPEC: whether a recipe without recipes/<recipe>/recipe.yml is refused.
Result<bool> parse_require_spec(const std::string& value) {
  if (value != "1" && value != "0")
    return invalid(
        "CCCI_REQUIRE_SPEC is 1 (a recipe without a spec is an error) or 0 (it runs the generic checks only)");
  return value == "1";
}

/// CCCI_RUN_EXPIRY: minutes, 1 to a week.
Result<std::chrono::minutes> parse_run_expiry(const std::string& value) {
  int minutes = small_number(value, 5);
  if (minutes < 1 || minutes > 7 * 24 * 60)
    return invalid("CCCI_RUN_EXPIRY is a number of minutes from 1 to 10080 (a week)");
  return std::chrono::minutes(minutes);
}

/// CCCI_TEARDOWN_TIMEOUT: a duration from 10s to 1h.
Result<std::chrono::milliseconds> parse_teardown_timeout(const std::string& value) {
  auto parsed = parse_duration(value);
  if (!parsed || *parsed < std::chrono::seconds(10) || *parsed > std::chrono::hours(1))
    return invalid("CCCI_TEARDOWN_TIMEOUT is a duration like 90s or 10m, from 10s to 1h");
  return *parsed;
}

/// CCCI_KEEP_ON_FAILURE: 1 keeps a red run's deployment for debugging, 0 tears it down.
Result<bool> parse_keep_on_failure(const std::string& value) {
  if (value != "1" && value != "0")
    return invalid("CCCI_KEEP_ON_FAILURE is 1 (keep a red run's deployment for debugging) or 0 (tear it down)");
  return value == "1";
}

/// `reap --run`: a run id as the run directories are named.
Result<std::string> parse_reap_run(const std::string& value) {
  if (value.size() > max_setting_length || harness::has_control_characters(value) || !is_run_id(value))
    return make_error(ErrorKind::usage, "flag --run = " + shown(value) +
                                            ": a run id is lowercase letters, digits and '-', at most 80 "
                                            "characters, as under <state-dir>/runs/");
  return value;
}

/// CCCI_LOCK_WAIT: seconds, 0 (do not wait) to a day.
Result<std::chrono::seconds> parse_lock_wait(const std::string& value) {
  int seconds = small_number(value, 6);
  if (seconds < 0 || seconds > 24 * 60 * 60)
    return invalid("CCCI_LOCK_WAIT is a number of seconds from 0 (do not wait) to 86400 (a day)");
  return std::chrono::seconds(seconds);
}

/// CCCI_CAPACITY: concurrent runs on the host, 0 (unlimited) to 64.
Result<int> parse_capacity(const std::string& value) {
  int capacity = small_number(value, 3);
  if (capacity < 0 || capacity > 64) return invalid("CCCI_CAPACITY is a number of runs from 1 to 64, or 0 (unlimited)");
  return capacity;
}

/// What is tested and where it comes from: RECIPE, PR, REF, SRC, STAGES.
Status read_subject(const Sources& sources, Config& config) {
  CCCI_TRY_STATUS(read_setting_into(sources, recipe_setting, config, parse_recipe, config.recipe));
  CCCI_TRY_STATUS(read_setting_into(sources, pr_setting, config, parse_pr, config.pr));
  CCCI_TRY_STATUS(read_setting_into(sources, ref_setting, config, parse_ref, config.ref));
  CCCI_TRY_STATUS(read_setting_into(sources, src_setting, config, parse_src, config.src));
  return read_setting(sources, stages_setting, config, parse_stages, [&](Stages stages) {
    config.stages = std::move(stages.tiers);
    if (stages.install_implied) config.sources["STAGES:install"] = "implied";
  });
}

/// Where things are read and written: OUT, the recipes (and whether one must be there), the git
/// base, the state.
Status read_places(const Sources& sources, Config& config) {
  CCCI_TRY_STATUS(read_setting_into(sources, out_setting, config, parse_path, config.out));
  CCCI_TRY_STATUS(read_setting_into(sources, recipes_dir_setting, config, parse_path, config.recipes_dir));
  CCCI_TRY_STATUS(read_setting_into(sources, require_spec_setting, config, parse_require_spec, config.require_spec));
  CCCI_TRY_STATUS(read_setting_into(sources, git_base_setting, config, parse_git_base, config.git_base));
  CCCI_TRY_STATUS(read_setting_into(sources, state_dir_setting, config, parse_path, config.state_dir));
  CCCI_TRY_STATUS(read_setting_into(sources, run_expiry_setting, config, parse_run_expiry, config.run_expiry));
  CCCI_TRY_STATUS(
      read_setting_into(sources, teardown_timeout_setting, config, parse_teardown_timeout, config.teardown_timeout));
  CCCI_TRY_STATUS(read_setting_into(sources, lock_wait_setting, config, parse_lock_wait, config.lock_wait));
  CCCI_TRY_STATUS(
      read_setting_into(sources, keep_on_failure_setting, config, parse_keep_on_failure, config.keep_on_failure));
  return read_setting_into(sources, capacity_setting, config, parse_capacity, config.capacity);
}

/// How the deployment is reached and driven: gateway, CA, domains, abra, images.
Status read_deployment(const Sources& sources, Config& config) {
  CCCI_TRY_STATUS(read_setting(sources, gateway_setting, config, parse_gateway, [&](Gateway gateway) {
    config.gateway_host = std::move(gateway.host);
    if (gateway.port) config.gateway_port = gateway.port;
  }));
  CCCI_TRY_STATUS(read_setting_into(sources, ca_setting, config, parse_path, config.ca_bundle));
  CCCI_TRY_STATUS(read_setting_into(sources, suffix_setting, config, parse_domain_suffix, config.domain_suffix));
  CCCI_TRY_STATUS(read_setting_into(sources, abra_dir_setting, config, parse_path, config.abra_dir));
  CCCI_TRY_STATUS(read_setting_into(sources, abra_setting, config, parse_executable, config.abra));
  CCCI_TRY_STATUS(read_setting_into(sources, server_setting, config, parse_server, config.server));
  CCCI_TRY_STATUS(read_setting_into(sources, proxy_network_setting, config, parse_network_name, config.proxy_network));
  CCCI_TRY_STATUS(
      read_setting_into(sources, warm_keycloak_url_setting, config, parse_https_url, config.warm_keycloak_url));
  CCCI_TRY_STATUS(read_setting_into(sources, warm_keycloak_password_setting, config, parse_path,
                                    config.warm_keycloak_admin_password_file));
  if (config.warm_keycloak_url.has_value() != config.warm_keycloak_admin_password_file.has_value())
    return harness::make_error(ErrorKind::usage,
                               "CCCI_WARM_KEYCLOAK_URL and CCCI_WARM_KEYCLOAK_ADMIN_PASSWORD_FILE go together");
  return read_setting_into(sources, pull_setting, config, parse_pull, config.pull_images);
}

}  // namespace

harness::Result<Config> parse_config(const std::map<std::string, std::string>& env,
                                     const std::vector<std::string>& args) {
  Config config;
  CCCI_TRY(auto flags, parse_flags(args, config.mode, config.clear_last_green));
  if (flags.reap_run) {
    CCCI_TRY(config.reap_run, parse_reap_run(*flags.reap_run));
  }
  Sources sources(env, std::move(flags.flags));
  for (Tier tier : all_tiers) config.stages.push_back(tier);
  CCCI_TRY_STATUS(read_subject(sources, config));
  CCCI_TRY_STATUS(read_places(sources, config));
  CCCI_TRY_STATUS(read_deployment(sources, config));

  if (config.mode == Mode::help || config.mode == Mode::doctor || config.mode == Mode::reap) return config;
  if (config.recipe.empty() && config.mode == Mode::last_green) {
    return make_error(ErrorKind::usage,
                      "RECIPE is required: last-green names it, as in `ccci-run last-green RECIPE [--clear]`");
  }
  if (config.recipe.empty()) {
    return make_error(ErrorKind::usage, "RECIPE is required (or --recipe, or Drone's DRONE_REPO_NAME)");
  }
  if (config.src.empty()) {
    config.src = "coop-cloud/" + config.recipe;
    config.sources["SRC"] = "default";
  }
  // abra's own default home. HOME is no setting of ours: a value no setting would accept is ignored.
  if (auto home = env.find("HOME"); !config.abra_dir && home != env.end() && !home->second.empty() &&
                                    home->second.size() <= max_setting_length &&
                                    !harness::has_control_characters(home->second)) {
    config.abra_dir = std::filesystem::path(home->second) / ".abra";
    config.sources["ABRA_DIR"] = "default $HOME/.abra";
  }
  return config;
}

harness::Status make_out_dir(const Config& config) {
  auto source = config.sources.find("OUT");
  std::string from = source == config.sources.end() ? "default" : source->second;
  auto refuse = [&](const std::string& why) { return usage(out_setting, from, config.out.string(), why); };
  std::error_code error;
  auto status = std::filesystem::status(config.out, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(status)) {
    return refuse(std::filesystem::is_regular_file(status) ? "the artifact directory is a file"
                                                           : "the artifact directory is not a directory");
  }
  std::filesystem::create_directories(config.out, error);
  if (error) return refuse("the artifact directory cannot be created: " + error.message());
  // access(2) says yes to root even where nothing can be written (/proc, read-only mounts): try it.
  std::string probe = (config.out / ".ccci-write-probe-XXXXXX").string();
  int fd = ::mkstemp(probe.data());
  if (fd < 0) return refuse("the artifact directory is not writable: " + std::string(std::strerror(errno)));
  ::close(fd);
  ::unlink(probe.c_str());
  return harness::ok_status();
}

std::vector<std::string_view> setting_variables() {
  std::vector<std::string_view> variables;
  for (const Setting& setting : all_settings) variables.push_back(setting.variable);
  return variables;
}

std::string repo_url(const Config& config) {
  const std::string& base = config.git_base;
  std::error_code unreadable;  // a name too long or a path we may not stat is no local directory
  bool local = base.front() == '/' || base.rfind("file://", 0) == 0 || std::filesystem::is_directory(base, unreadable);
  return base + "/" + config.src + (local ? "" : ".git");
}

std::string help_text() {
  return R"(ccci-run — the CI test orchestrator for Co-op Cloud recipes

Deploys a recipe once to Docker Swarm through abra, resolves the upgrade base (pinned version →
last-green → target-branch tip → skip), runs the install, upgrade, backup, restore and custom
tiers, tears everything down and writes junit/*.xml, results.json and summary.md to OUT.

Usage:
  RECIPE=discourse PR=4 ccci-run          a PR head
  RECIPE=custom-html ccci-run             the recipe's default branch
  RECIPE=discourse PR=4 ccci-run --plan   print the resolved plan and write plan.json; deploy nothing
  ccci-run doctor                         check the host (docs/operator-first-run.md)
  ccci-run last-green RECIPE [--clear]    print (or remove) the recipe's last-green record in the state dir
  ccci-run reap                           remove what dead runs left on this host (also done at every run's start)
  ccci-run reap --run RUN_ID              remove one dead run now, also one kept for debugging
  ccci-run exec SERVICE -- ARGV...        in a script check: ARGV in the app's running SERVICE container
  ccci-run http [--method M] [--data B] [--header 'K: V'] [--status-only] PATH
                                          in a script check: a request to the app through the gateway

Settings (flag, then variable, then Drone's variable, then the default):
  --recipe, RECIPE          recipe name, [a-z0-9][a-z0-9-]*, at most 40 characters (Drone: DRONE_REPO_NAME)
  --pr, PR                  pull request number; its head is refs/pull/<PR>/head of SRC
                            (Drone: DRONE_PULL_REQUEST, only when DRONE_BUILD_EVENT=pull_request)
  --ref, REF                head commit, 7–40 hex digits; resolved from the repo when absent (Drone: DRONE_COMMIT_SHA)
  --src, SRC                owner/repo of the recipe mirror (Drone: DRONE_REPO; default coop-cloud/<recipe>)
  --stages, STAGES          comma list of install,upgrade,backup,restore,custom (default: all;
                            install is always included: every tier runs on its one deployment)
  --out, OUT                artifact directory (default ./out)
  --recipes-dir, CCCI_RECIPES_DIR   enrolled recipe specs, <dir>/<recipe>/recipe.yml (default ./recipes);
                                    a recipe without one is not enrolled and runs the generic checks only
  --require-spec, CCCI_REQUIRE_SPEC 1: a recipe that is not enrolled is a spec error (exit 2) before
                                    anything is deployed; 0: generic checks only (default)
  --git-base, CCCI_GIT_BASE         where recipe repos live: <base>/<SRC>.git, or <dir>/<SRC> for a
                                    local directory (default https://git.coopcloud.tech)
  --state-dir, CCCI_STATE_DIR       ccci's state: last-green records, each run's own abra home
                                    under <state-dir>/abra/runs/<run id>, and each run's lock and
                                    creation journal under <state-dir>/runs/<run id> (default /var/lib/ccci)
  --run-expiry, CCCI_RUN_EXPIRY     minutes after its start a run counts as overdue (default 180): a live
                                    run past it is reported by `ccci-run reap`, never removed
  --teardown-timeout, CCCI_TEARDOWN_TIMEOUT   the teardown's budget, 10s to 1h (default 10m): abra's
                                    undeploy and remove while it lasts, then docker removes what is
                                    left of the run's stack by name (given 30s at least); anything
                                    still there is named as an infrastructure error
  --lock-wait, CCCI_LOCK_WAIT       seconds a run waits for another run of its recipe and PR to end, and
                                    for a free slot under CCCI_CAPACITY, before it gives up as an
                                    infrastructure error naming the holder (default 1800; 0: no wait)
  --capacity, CCCI_CAPACITY         at most this many runs deploy on the host at once; the others wait in
                                    order of arrival, up to CCCI_LOCK_WAIT (default 0: unlimited)
  --keep-on-failure, CCCI_KEEP_ON_FAILURE=1   a red run (a tier failed or errored; not interrupted)
                                    leaves its deployment up for debugging instead of tearing it down;
                                    the verdict is unchanged. The end of the run prints its URL, its
                                    stacks, when it is reaped (its expiry, CCCI_RUN_EXPIRY) and the
                                    `ccci-run reap --run <run id>` that removes it sooner (default 0)
  --gateway, CCCI_GATEWAY           host[:port] every https://<domain> request connects to (default: DNS)
  --ca-bundle, CCCI_CA_BUNDLE       PEM bundle certificates are verified against (default: system store)
  --domain-suffix, CCCI_DOMAIN_SUFFIX   apps are deployed at <name>-<nonce>.<suffix> (default ci.coopcloud.tech)
  --abra-dir, ABRA_DIR              the host's abra home, as for abra itself (default $HOME/.abra):
                                    `abra server add` registered the server there (servers/<server>),
                                    and its catalogue/ is shared with every run; each run deploys
                                    from a home of its own made from it
  --abra, CCCI_ABRA                 the abra executable (default abra, from PATH)
  --server, CCCI_SERVER             the abra server apps are deployed to (default default)
  --pull, CCCI_PULL                 missing: pull images the host lacks before deploying (default);
                                    never: the host's images are all there are (an absent one fails the tier)
  --proxy-network, CCCI_PROXY_NETWORK   the overlay network the gateway and the apps share (default proxy;
                                    `ccci-run doctor` checks it, recipes name it in their compose files)
  --warm-keycloak-url, CCCI_WARM_KEYCLOAK_URL   an operator's running Keycloak (https://…): a recipe's
                                    `keycloak` dependency is not deployed, each run provisions a realm
                                    ccci-<nonce> there and removes it at teardown (default: deploy one per run)
  --warm-keycloak-admin-password-file, CCCI_WARM_KEYCLOAK_ADMIN_PASSWORD_FILE   the file holding that
                                    Keycloak's master-realm `admin` password (required with the URL)
  --plan                    print the plan and stop
  doctor                    as the first argument: check this host meets ccci's assumptions (docker,
                            swarm, proxy network, abra and its flags, server, backups, gateway, disk);
                            exit 0 when every required check passes, 3 otherwise
  last-green RECIPE         as the first arguments: print RECIPE's last-green record (the base PR
                            runs upgrade from), or say there is none; exit 0. With --clear: remove it
  reap                      as the first argument: for each run under <state-dir>/runs whose lock is
                            free (its process is gone), remove the stacks (services, containers,
                            volumes, secrets, configs, networks) and directories its journal names,
                            then the run's directory; print each removed thing; leave live runs
                            alone. Exit 0 when every dead run was reaped, 3 when something could not
                            be removed (docs/operator-first-run.md has a systemd timer for it).
                            A dead run kept for debugging (--keep-on-failure) is left until its
                            expiry. With --run RUN_ID: only that run, removed now even when kept;
                            a live run is refused (exit 3)
  --help, -h                this text

Exit codes: 0 green, 1 a check failed, 2 usage or spec error, 3 infrastructure error,
130/143 interrupted by SIGINT/SIGTERM (after teardown).
)";
}

}  // namespace ccci::runner
