#include "harness/abra.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <initializer_list>
#include <span>
#include <sstream>

#include "harness/redactor.hpp"
#include "harness/text.hpp"

namespace ccci::harness {
namespace {

// ---------------------------------------------------------------------------------------------
// Every abra spelling ccci uses, in one place. Sources and confidence: docs/abra-contract.md,
// citing /work/shared/reference/abra-cli.md. Change a spelling here and nowhere else.
namespace spelling {
constexpr std::string_view app = "app";
constexpr std::string_view app_new = "new";
constexpr std::string_view deploy = "deploy";
constexpr std::string_view undeploy = "undeploy";
constexpr std::string_view remove = "rm";  // §8 "app rm D -f -n"; alias of `remove`
constexpr std::string_view volume = "volume";
constexpr std::string_view volume_remove = "rm";  // §8 "app volume rm D -f -n"
constexpr std::string_view secret = "secret";
constexpr std::string_view secret_generate = "generate";
constexpr std::string_view secret_insert = "insert";
constexpr std::string_view backup = "backup";
constexpr std::string_view backup_create = "create";
constexpr std::string_view backup_snapshots = "snapshots";
constexpr std::string_view backup_list = "list";
constexpr std::string_view restore = "restore";

// Long names only: they say what they do in logs, and a short letter can mean different things
// under different commands (-s is --server under `app new`, --snapshot under `backup list`).
constexpr std::string_view no_input = "--no-input";                      // §7 global-style; [OBS] on deploy
constexpr std::string_view server = "--server";                          // §1, §8
constexpr std::string_view domain = "--domain";                          // §1, §8
constexpr std::string_view generate_secrets = "--secrets";               // §1, §8
constexpr std::string_view chaos = "--chaos";                            // §2 [OBS]
constexpr std::string_view force = "--force";                            // §2 [OBS] (--force), §8 rm/volume rm
constexpr std::string_view offline = "--offline";                        // §2 [OBS], §5 restore [OBS]
constexpr std::string_view no_converge_checks = "--no-converge-checks";  // §2 [LIB] -c; long name [RECALL]
constexpr std::string_view all_secrets = "--all";                        // §3, §8 "secret rm D --all -n"
constexpr std::string_view value_from_file = "--file";                   // §3 "secret insert … [--file/-f]"
constexpr std::string_view snapshot = "--snapshot";                      // §5
constexpr std::string_view all_paths = "--all";                          // §5
}  // namespace spelling

// ---------------------------------------------------------------------------------------------
// How a failed abra command is classified. Rules are matched, case-insensitively, against
// abra's own FATA/ERRO lines only (abra_error_lines), never against the service or backupbot
// log lines abra echoes; the first match wins; otherwise the operation's default applies. An
// "unknown flag" from abra's parser comes before every rule: ccci and that abra disagree.
struct OutputRule {
  std::string_view needle;
  ErrorKind kind;
  bool warnings = false;  ///< also matched in abra's WARN lines
};

// The environment, whatever the operation: no docker, no disk.
constexpr std::array environment_rules{
    OutputRule{"cannot connect to the docker daemon", ErrorKind::infra},
    OutputRule{"is the docker daemon running", ErrorKind::infra},
    OutputRule{"error during connect", ErrorKind::infra},
    OutputRule{"permission denied while trying to connect", ErrorKind::infra},
    OutputRule{"connection refused", ErrorKind::infra},
    OutputRule{"no space left on device", ErrorKind::infra},
    // docker's refusal to run `exec -it` without a terminal: ccci ran the command wrongly (§10).
    OutputRule{"the input device is not a tty", ErrorKind::infra},
};

struct Operation {
  std::string_view name;
  ErrorKind default_kind;  ///< a non-zero exit that no rule explains
  std::span<const OutputRule> rules;
  bool stdout_may_hold_secrets = false;
  /// backup create, restore and secret insert run docker with a terminal: cc-ci ran them under
  /// `script`, and docker refuses `the input device is not a TTY` without one (abra-cli.md §10).
  Terminal terminal = Terminal::none;
};

constexpr std::array app_new_rules{
    OutputRule{"env.sample", ErrorKind::check_failed},  // the recipe ships no usable .env.sample
};
// A deploy abra reports as failed ("FATA deploy failed", converge timeout, a missing secret, a
// lint error) is the recipe failing to come up. A dirty tree or an app already deployed is
// ccci's own doing, so it is the harness's error.
constexpr std::array deploy_rules{
    OutputRule{"unstaged changes", ErrorKind::infra},
    OutputRule{"already deployed", ErrorKind::infra},
};
constexpr std::array undeploy_rules{
    OutputRule{"not deployed", ErrorKind::not_found},
};
constexpr std::array remove_rules{
    OutputRule{"cannot find app", ErrorKind::not_found},
    OutputRule{"does not exist", ErrorKind::not_found},
};
constexpr std::array backupbot_rules{
    OutputRule{"no backupbot discovered", ErrorKind::infra},
    OutputRule{"no snapshots", ErrorKind::not_found, true},  // `backup snapshots`: "WARN No Snapshots found"
};

constexpr Operation op_app_new{"abra app new", ErrorKind::infra, app_new_rules};
constexpr Operation op_app_new_with_secrets{"abra app new", ErrorKind::infra, app_new_rules, true};
constexpr Operation op_deploy{"abra app deploy", ErrorKind::check_failed, deploy_rules};
constexpr Operation op_undeploy{"abra app undeploy", ErrorKind::infra, undeploy_rules};
constexpr Operation op_remove{"abra app rm", ErrorKind::infra, remove_rules};
constexpr Operation op_volume_remove{"abra app volume rm", ErrorKind::infra, {}};
constexpr Operation op_secret_generate{"abra app secret generate", ErrorKind::infra, {}, true};
constexpr Operation op_secret_insert{"abra app secret insert", ErrorKind::infra, {}, true, Terminal::pseudo};
// backupbot runs the recipe's own hooks; their failure is the recipe's.
constexpr Operation op_backup_create{"abra app backup create", ErrorKind::check_failed, backupbot_rules, false,
                                     Terminal::pseudo};
constexpr Operation op_backup_snapshots{"abra app backup snapshots", ErrorKind::infra, backupbot_rules};
constexpr Operation op_backup_list{"abra app backup list", ErrorKind::infra, backupbot_rules};
constexpr Operation op_restore{"abra app restore", ErrorKind::check_failed, backupbot_rules, false, Terminal::pseudo};

// ---------------------------------------------------------------------------------------------
// Argument validation: a hostile value must never reach abra's argv.

bool all_of_charset(std::string_view text, std::string_view extra) {
  return std::all_of(text.begin(), text.end(), [&](unsigned char c) {
    return std::isalnum(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

/// A token starts with an alphanumeric (so never with '-') and uses only `extra` besides them.
Status validate_token(std::string_view what, std::string_view value, std::size_t max_size, std::string_view extra) {
  bool ok = !value.empty() && value.size() <= max_size && std::isalnum(static_cast<unsigned char>(value.front())) &&
            all_of_charset(value, extra);
  if (ok) return ok_status();
  return make_error(ErrorKind::usage, "invalid " + std::string(what) + " " + printable(value) + ": expected up to " +
                                          std::to_string(max_size) + " letters, digits or [" + std::string(extra) +
                                          "], starting with a letter or digit");
}

Status validate_version(std::string_view version) { return validate_token("recipe version", version, 128, "._+-"); }

Status validate_snapshot(std::string_view snapshot) { return validate_token("snapshot id", snapshot, 64, ""); }

Status validate_value_file(const std::filesystem::path& file) {
  const std::string& text = file.native();
  bool has_control = std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
  if (file.is_absolute() && !has_control) return ok_status();
  return make_error(ErrorKind::usage,
                    "secret value file must be an absolute path without control characters: " + printable(text));
}

// ---------------------------------------------------------------------------------------------

class RealAbraDriver final : public AbraDriver {
 public:
  RealAbraDriver(ProcessRunner& runner, AbraSettings settings) : runner_(runner), settings_(std::move(settings)) {}

  Status app_new(const std::string& recipe, const std::optional<std::string>& version, const std::string& domain,
                 SecretGeneration secrets) override {
    CCCI_TRY_STATUS(validate_recipe_name(recipe));
    if (version) CCCI_TRY_STATUS(validate_version(*version));
    CCCI_TRY_STATUS(validate_domain(domain));
    CCCI_TRY_STATUS(validate_token("abra server name", settings_.server, 253, "._-"));
    std::vector<std::string> args{str(spelling::app), str(spelling::app_new), recipe};
    if (version) args.push_back(*version);
    append(args, {spelling::server});
    args.push_back(settings_.server);
    append(args, {spelling::domain});
    args.push_back(domain);
    if (secrets == SecretGeneration::generate_all) append(args, {spelling::generate_secrets});
    // Without a version abra would check out the latest tag over the checkout ccci prepared.
    if (!version) append(args, {spelling::chaos});
    append(args, {spelling::no_input});
    if (settings_.fetch == RecipeFetch::offline) append(args, {spelling::offline});
    const Operation& op = secrets == SecretGeneration::generate_all ? op_app_new_with_secrets : op_app_new;
    return status_of(run_abra(op, std::move(args), settings_.timeouts.command));
  }

  Status deploy(const std::string& domain, const DeployOptions& options) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    const DeployMode& mode = options.mode;
    if (mode.kind == DeployMode::Kind::chaos && mode.version) {
      return make_error(ErrorKind::usage, "a chaos deploy ships the checkout; it takes no version");
    }
    if (mode.version) CCCI_TRY_STATUS(validate_version(*mode.version));
    std::vector<std::string> args{str(spelling::app), str(spelling::deploy), domain};
    if (mode.version) args.push_back(*mode.version);
    if (mode.kind == DeployMode::Kind::chaos) append(args, {spelling::chaos});
    if (options.force == Force::yes) append(args, {spelling::force});
    append(args, {spelling::no_input});
    if (settings_.fetch == RecipeFetch::offline) append(args, {spelling::offline});
    if (options.converge == ConvergeChecks::skip) append(args, {spelling::no_converge_checks});
    return status_of(run_abra(op_deploy, std::move(args), options.timeout.value_or(settings_.timeouts.deploy)));
  }

  Status undeploy(const std::string& domain) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    return status_of(run_abra(op_undeploy,
                              {str(spelling::app), str(spelling::undeploy), domain, str(spelling::no_input)},
                              settings_.timeouts.command));
  }

  Status remove(const std::string& domain) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    return status_of(run_abra(
        op_remove, {str(spelling::app), str(spelling::remove), domain, str(spelling::force), str(spelling::no_input)},
        settings_.timeouts.command));
  }

  Status volume_remove(const std::string& domain) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    return status_of(run_abra(op_volume_remove,
                              {str(spelling::app), str(spelling::volume), str(spelling::volume_remove), domain,
                               str(spelling::force), str(spelling::no_input)},
                              settings_.timeouts.command));
  }

  Status secret_generate_all(const std::string& domain) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    std::vector<std::string> args{
        str(spelling::app),         str(spelling::secret),  str(spelling::secret_generate), domain,
        str(spelling::all_secrets), str(spelling::no_input)};
    append_keep_checkout(args);
    return status_of(run_abra(op_secret_generate, std::move(args), settings_.timeouts.command));
  }

  Status secret_insert(const std::string& domain, const std::string& name, const std::string& version,
                       const std::filesystem::path& value_file) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    CCCI_TRY_STATUS(validate_token("secret name", name, 64, "_-"));
    CCCI_TRY_STATUS(validate_token("secret version", version, 32, "._-"));
    CCCI_TRY_STATUS(validate_value_file(value_file));
    if (settings_.redactor) {
      std::ifstream in(value_file, std::ios::binary);
      std::ostringstream value;
      value << in.rdbuf();
      settings_.redactor->add_secret(value.str());
    }
    std::vector<std::string> args{str(spelling::app),
                                  str(spelling::secret),
                                  str(spelling::secret_insert),
                                  domain,
                                  name,
                                  version,
                                  str(spelling::value_from_file),
                                  value_file.string(),
                                  str(spelling::no_input)};
    append_keep_checkout(args);
    return status_of(run_abra(op_secret_insert, std::move(args), settings_.timeouts.command));
  }

  Status backup_create(const std::string& domain) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    std::vector<std::string> args{str(spelling::app), str(spelling::backup), str(spelling::backup_create), domain,
                                  str(spelling::no_input)};
    append_keep_checkout(args);
    return status_of(run_abra(op_backup_create, std::move(args), settings_.timeouts.backup));
  }

  Result<std::vector<Snapshot>> backup_snapshots(const std::string& domain) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    std::vector<std::string> args{str(spelling::app), str(spelling::backup), str(spelling::backup_snapshots), domain,
                                  str(spelling::no_input)};
    append_keep_checkout(args);
    auto completion = run_abra(op_backup_snapshots, std::move(args), settings_.timeouts.query);
    if (!completion && completion.error().kind == ErrorKind::not_found) return std::vector<Snapshot>{};
    if (!completion) return completion.error();
    return parse_snapshot_lines(completion->out);
  }

  Result<std::vector<std::string>> backup_list(const std::string& domain, const std::optional<std::string>& snapshot,
                                               BackupListScope scope) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    if (snapshot) CCCI_TRY_STATUS(validate_snapshot(*snapshot));
    std::vector<std::string> args{str(spelling::app), str(spelling::backup), str(spelling::backup_list), domain};
    if (snapshot) {
      append(args, {spelling::snapshot});
      args.push_back(*snapshot);
    }
    if (scope == BackupListScope::all_paths) append(args, {spelling::all_paths});
    append(args, {spelling::no_input});
    append_keep_checkout(args);
    CCCI_TRY(auto completion, run_abra(op_backup_list, std::move(args), settings_.timeouts.query));
    // A listing cut at the process runner's cap would miss its oldest lines: never judge coverage on it.
    if (completion.dropped > 0) {
      return make_error(ErrorKind::infra, "abra app backup list printed more than ccci keeps (" +
                                              std::to_string(default_max_output >> 20) + " MiB a stream; " +
                                              std::to_string(completion.dropped) + " bytes dropped)");
    }
    return parse_backup_paths(completion.out);
  }

  Status restore(const std::string& domain, const std::optional<std::string>& snapshot) override {
    CCCI_TRY_STATUS(validate_domain(domain));
    if (snapshot) CCCI_TRY_STATUS(validate_snapshot(*snapshot));
    std::vector<std::string> args{str(spelling::app), str(spelling::restore), domain};
    if (snapshot) {
      append(args, {spelling::snapshot});
      args.push_back(*snapshot);
    }
    // [OBS] cc-ci: -n -C -o.
    append(args, {spelling::no_input});
    append_keep_checkout(args);
    return status_of(run_abra(op_restore, std::move(args), settings_.timeouts.backup));
  }

  std::filesystem::path app_env_path(const std::string& domain) const override {
    return settings_.abra_dir / "servers" / settings_.server / (domain + ".env");
  }

  std::filesystem::path recipe_dir(const std::string& recipe) const override {
    return settings_.abra_dir / "recipes" / recipe;
  }

  std::filesystem::path logs_dir() const override { return settings_.abra_dir / "logs" / settings_.server; }

 private:
  static std::string str(std::string_view text) { return std::string(text); }

  static void append(std::vector<std::string>& args, std::initializer_list<std::string_view> flags) {
    for (auto flag : flags) args.emplace_back(flag);
  }

  /// Every command that loads the recipe checks out the version the app's .env pins unless
  /// --chaos ([DOCS] docs.coopcloud.tech 2813257e): after a chaos upgrade that would move the
  /// checkout off the PR head (or refuse its dirty tree). ccci prepares the checkout itself, so
  /// these commands keep it as it is, and stay offline like every other.
  void append_keep_checkout(std::vector<std::string>& args) const {
    append(args, {spelling::chaos});
    if (settings_.fetch == RecipeFetch::offline) append(args, {spelling::offline});
  }

  static Status status_of(const Result<Completion>& completion) {
    if (!completion) return completion.error();
    return ok_status();
  }

  /// Runs abra; any outcome but exit 0 becomes a classified Error.
  Result<Completion> run_abra(const Operation& op, std::vector<std::string> args, std::chrono::milliseconds timeout) {
    Command command;
    command.argv.reserve(args.size() + 1);
    command.argv.push_back(settings_.executable.string());
    for (auto& arg : args) command.argv.push_back(std::move(arg));
    command.env = settings_.env;
    command.env["ABRA_DIR"] = settings_.abra_dir.string();
    command.timeout = timeout;
    command.terminal = op.terminal;
    const std::string shown = "`" + join(command.argv, " ") + "`";

    auto result = runner_.run(command);
    if (!result) {
      const Error& error = result.error();
      // A missing abra binary is the host's problem, not a named thing the caller asked for.
      ErrorKind kind = error.kind == ErrorKind::not_found ? ErrorKind::infra : error.kind;
      return make_error(kind, "cannot run " + shown + ": " + error.message);
    }
    Completion& completion = *result;
    if (op.stdout_may_hold_secrets && settings_.redactor) {
      for (const auto& value : parse_generated_secrets(completion.out)) settings_.redactor->add_secret(value);
    }
    if (completion.timed_out) {
      return make_error(ErrorKind::timeout,
                        shown + " timed out after " + format_duration(timeout) + failure_detail(op, completion));
    }
    if (completion.signal != 0) {
      return make_error(ErrorKind::infra, shown + " was killed by signal " + std::to_string(completion.signal) +
                                              failure_detail(op, completion));
    }
    if (completion.exit_code != 0) {
      if (auto flag = unknown_flag(completion.err + "\n" + completion.out)) {
        bool plain = flag->size() <= 60 &&
                     std::all_of(flag->begin(), flag->end(), [](unsigned char c) { return std::isgraph(c) != 0; });
        return make_error(ErrorKind::infra, "abra does not know " + (plain ? *flag : printable(*flag, 60)) + " (" +
                                                std::string(op.name) +
                                                "): ccci needs an abra that has it; `ccci-run doctor` checks every "
                                                "flag" +
                                                failure_detail(op, completion));
      }
      return make_error(classify(op, completion),
                        shown + " exited " + std::to_string(completion.exit_code) + failure_detail(op, completion));
    }
    return result;
  }

  static ErrorKind classify(const Operation& op, const Completion& completion) {
    auto own_lines = [&](bool warnings) {
      std::string text;
      for (const auto* stream : {&completion.err, &completion.out}) {
        for (const auto& line : abra_error_lines(*stream, warnings)) text += lowercase(line) + "\n";
      }
      return text;
    };
    const std::string errors = own_lines(false);
    const std::string with_warnings = own_lines(true);
    for (const auto& rule : environment_rules) {
      if (errors.find(rule.needle) != std::string::npos) return rule.kind;
    }
    for (const auto& rule : op.rules) {
      if ((rule.warnings ? with_warnings : errors).find(rule.needle) != std::string::npos) return rule.kind;
    }
    return op.default_kind;
  }

  /// abra's own FATA/ERRO lines first (they say why), then the tail of its output for context.
  /// The stdout of a secret command may hold generated values (and under a terminal stdout and
  /// stderr are one stream): of it only abra's error lines are quoted, through the redactor,
  /// and nothing at all without one.
  std::string failure_detail(const Operation& op, const Completion& completion) const {
    std::vector<std::string> own = abra_error_lines(completion.err);
    bool quote_out = !op.stdout_may_hold_secrets || settings_.redactor;
    if (quote_out) {
      for (auto& line : abra_error_lines(completion.out)) own.push_back(std::move(line));
    }
    std::string text = last_lines(join(own, "\n"), 10, 2000);
    std::string tail = abra_output_tail(completion.err);
    if (tail.empty() && !op.stdout_may_hold_secrets) tail = abra_output_tail(completion.out);
    if (!tail.empty() && tail != text) text += (text.empty() ? "" : "\noutput ends with:\n") + tail;
    if (op.stdout_may_hold_secrets && settings_.redactor) text = settings_.redactor->redact(text);
    if (text.empty()) return " (" + std::string(op.name) + " printed nothing)";
    return ":\n" + text;
  }

  ProcessRunner& runner_;
  AbraSettings settings_;
};

}  // namespace

std::unique_ptr<AbraDriver> make_abra_driver(ProcessRunner& runner, AbraSettings settings) {
  return std::make_unique<RealAbraDriver>(runner, std::move(settings));
}

std::vector<AbraCommandFlags> abra_flags_in_use() {
  using namespace spelling;
  auto entry = [](std::initializer_list<std::string_view> words, std::initializer_list<std::string_view> flags) {
    AbraCommandFlags command;
    for (auto word : words) command.command += (command.command.empty() ? "" : " ") + std::string(word);
    for (auto flag : flags) command.flags.emplace_back(flag);
    return command;
  };
  return {
      entry({app, app_new}, {server, domain, generate_secrets, chaos, no_input, offline}),
      entry({app, deploy}, {chaos, force, no_input, offline, no_converge_checks}),
      entry({app, undeploy}, {no_input}),
      entry({app, remove}, {force, no_input}),
      entry({app, volume, volume_remove}, {force, no_input}),
      entry({app, secret, secret_generate}, {all_secrets, no_input, chaos, offline}),
      entry({app, secret, secret_insert}, {value_from_file, no_input, chaos, offline}),
      entry({app, backup, backup_create}, {no_input, chaos, offline}),
      entry({app, backup, backup_snapshots}, {no_input, chaos, offline}),
      entry({app, backup, backup_list}, {snapshot, all_paths, no_input, chaos, offline}),
      entry({app, restore}, {snapshot, no_input, chaos, offline}),
  };
}

std::string stack_name_for(std::string_view domain) {
  constexpr std::size_t max_stack_name = 45;  // abra's MAX_SANITISED_APP_NAME_LENGTH (§1)
  std::string stack(domain.substr(0, max_stack_name));
  std::replace(stack.begin(), stack.end(), '.', '_');
  return stack;
}

Status validate_domain(std::string_view domain) {
  auto reject = [&](std::string_view why) {
    return make_error(ErrorKind::usage, "invalid app domain " + printable(domain) + ": " + std::string(why));
  };
  if (domain.empty() || domain.size() > 253) return reject("expected 1 to 253 characters");
  if (domain.find('.') == std::string_view::npos) return reject("expected at least two DNS labels");
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    auto label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63) return reject("each DNS label has 1 to 63 characters");
    bool lower_alnum_hyphen = std::all_of(
        label.begin(), label.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; });
    if (!lower_alnum_hyphen) return reject("a DNS label uses only a-z, 0-9 and '-'");
    if (label.front() == '-' || label.back() == '-') return reject("a DNS label neither starts nor ends with '-'");
    start = end + 1;
  }
  return ok_status();
}

Status validate_recipe_name(std::string_view recipe) {
  bool ok = !recipe.empty() && recipe.size() <= 100 &&
            (std::islower(static_cast<unsigned char>(recipe.front())) ||
             std::isdigit(static_cast<unsigned char>(recipe.front()))) &&
            std::all_of(recipe.begin(), recipe.end(),
                        [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; });
  if (ok) return ok_status();
  return make_error(ErrorKind::usage,
                    "invalid recipe name " + printable(recipe) + ": expected [a-z0-9][a-z0-9-]*, up to 100 characters");
}

}  // namespace ccci::harness
