#include "runner/deployment.hpp"

#include <algorithm>

#include "harness/compose.hpp"
#include "harness/env_file.hpp"
#include "harness/filesystem.hpp"
#include "harness/interrupt.hpp"
#include "harness/poll.hpp"
#include "harness/text.hpp"
#include "runner/convergence.hpp"
#include "runner/generic_checks.hpp"
#include "runner/stack_removal.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;
using harness::Status;

/// The ref to check out for an upgrade base.
std::string base_ref(const UpgradeBase& base) {
  if (!base.version.empty()) return "refs/tags/" + base.version;
  return "refs/heads/" + base.branch;
}

/// How reports name an upgrade base: its release, or its branch and commit.
std::string base_name(const UpgradeBase& base) {
  if (!base.version.empty()) return base.version;
  return base.branch + "@" + base.commit.substr(0, 12);
}

/// Whether an app env key holds a secret by its name (DB_PASSWORD, SMTP_PASS, API_TOKEN,
/// OIDC_CLIENT_SECRET, S3_SECRET_KEY, …); SECRET_<NAME>_VERSION only names a version.
bool names_a_secret(const std::string& key) {
  std::string upper = harness::lowercase(key);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.rfind("SECRET_", 0) == 0 && upper.size() > 8 && upper.compare(upper.size() - 8, 8, "_VERSION") == 0)
    return false;
  for (std::string_view word : {"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "PRIVATE", "CREDENTIAL",
                                "API_KEY", "ACCESS_KEY", "AUTH_KEY"}) {
    if (upper.find(word) != std::string::npos) return true;
  }
  auto ends_with = [&](std::string_view tail) {
    return upper.size() >= tail.size() && upper.compare(upper.size() - tail.size(), tail.size(), tail) == 0;
  };
  return ends_with("_PASS") || ends_with("_KEY") || ends_with("_PSK");
}

/// A hostile or broken file of the recipe's (ErrorKind::spec) is the recipe's failure, named by `what`.
harness::Error recipe_side(const harness::Error& error, const std::string& what) {
  if (error.kind != ErrorKind::spec) return error;
  return make_error(ErrorKind::check_failed, what + ": " + error.message);
}

/// The recipe's .env.sample in `checkout`, `what` naming it in errors; none is read as an empty one,
/// so every key of the other side's counts as added or removed.
harness::Result<harness::EnvFile> read_sample(const std::filesystem::path& checkout, const std::string& what) {
  auto file = checkout / ".env.sample";
  CCCI_TRY(bool exists, harness::path_exists(file));
  if (!exists) return harness::EnvFile{};
  auto sample = harness::read_env_file(file);
  if (!sample.ok()) return recipe_side(sample.error(), what);
  return sample;
}

bool covered(const std::string& expected, const std::vector<std::string>& listed) {
  return std::any_of(listed.begin(), listed.end(), [&](const std::string& path) {
    return path == expected || (path.size() > expected.size() && path.compare(0, expected.size(), expected) == 0 &&
                                path[expected.size()] == '/');
  });
}

}  // namespace

Deployment::Deployment(DeploymentSettings settings, DeploymentSeams seams)
    : settings_(std::move(settings)),
      seams_(seams),
      stack_(harness::stack_name_for(settings_.domain)),
      checkout_(seams_.abra.recipe_dir(settings_.recipe)),
      markers_(seams_.volume_files, stack_) {}

harness::Result<std::map<std::string, std::string>> Deployment::app_env() const {
  CCCI_TRY(auto env, harness::read_env_file(seams_.abra.app_env_path(settings_.domain)));
  auto values = env.values();
  values["STACK_NAME"] = stack_;
  return values;
}

Status Deployment::deploy_dependencies() {
  if (deps_ == nullptr) return make_error(ErrorKind::infra, "this run has no dependencies to deploy");
  auto deployed = deps_->deploy_all();
  deploy_count_ += deps_->deploys();  // a dep's deploy counts even when a later step failed
  return deployed;
}

Status Deployment::apply_dependency_mapping() {
  if (deps_ == nullptr) return harness::ok_status();
  ParentMapping mapping = deps_->parent_mapping();
  for (const auto& [name, value] : mapping.secrets) seams_.log.redactor().add_secret(value);
  if (!mapping.env.empty()) {
    CCCI_TRY_STATUS(harness::set_env_values(seams_.abra.app_env_path(settings_.domain), mapping.env));
    std::vector<std::string> keys;
    for (const auto& [key, value] : mapping.env) keys.push_back(key);
    seams_.log.info("install", "from the dependencies into the app's .env: " + harness::join(keys, ", "));
  }
  for (const auto& [name, value] : mapping.secrets) {
    CCCI_TRY(auto file, deps_->write_secret_file(stack_ + "-" + name, value));
    CCCI_TRY(auto env, app_env());
    std::string key = "SECRET_" + name + "_VERSION";
    for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto version = env.find(key);
    CCCI_TRY_STATUS(seams_.abra.secret_insert(
        settings_.domain, name, version == env.end() || version->second.empty() ? "v1" : version->second, file));
    seams_.log.info("install", "from the dependencies: secret " + name + " inserted");
  }
  return harness::ok_status();
}

Status Deployment::prepull_images(std::string_view which) {
  CCCI_TRY(auto env, app_env());
  auto model = harness::load_compose(checkout_, env);
  if (!model.ok())
    return make_error(ErrorKind::check_failed,
                      "the " + std::string(which) + " compose files do not load: " + model.error().message);
  for (const auto& image : model->images()) {
    CCCI_TRY(bool present, seams_.docker.image_present(image));
    if (present) continue;
    if (settings_.image_pull == ImagePull::never) {
      return make_error(ErrorKind::check_failed,
                        "the " + std::string(which) + " needs image " + image +
                            ", which is not on this host (images are never pulled here: CCCI_PULL=never)");
    }
    auto pulled = seams_.docker.image_pull(image);
    if (!pulled.ok()) {
      if (pulled.error().kind == ErrorKind::not_found) {
        return make_error(ErrorKind::check_failed, "the " + std::string(which) + " needs image " + image +
                                                       ", which does not exist: " + pulled.error().message);
      }
      return pulled.error();
    }
  }
  return harness::ok_status();
}

Status Deployment::wait_until_serving() {
  harness::PollOptions options;
  options.timeout = settings_.http_timeout;
  auto result = harness::poll_until(seams_.clock, options, [&] {
    CheckOutcome seen = check_serving_https();
    if (seen.status == CheckStatus::pass) return harness::ProbeReport::done();
    return harness::ProbeReport::pending(seen.message);
  });
  return harness::to_status(result, "https://" + settings_.domain + settings_.health_path + " to answer");
}

Status Deployment::install() {
  CCCI_TRY_STATUS(seams_.git.clone(settings_.repo_url, checkout_));
  while (settings_.base.source != BaseSource::skip) {
    CCCI_TRY_STATUS(check_out(Install::base));
    if (!std::filesystem::exists(checkout_ / "compose.yml")) {
      // Nothing published yet (a new recipe's main holds only its README): no base, not a broken one.
      fall_through_from_base(base_name(settings_.base) + " has no compose.yml: nothing to upgrade from");
      continue;
    }
    int deploys_before = deploy_count_;
    auto base = install_app(Install::base);
    // Only the recipe's side of a failure (abra's FATA, a compose file or image the base lacks)
    // says the base cannot be deployed; infrastructure trouble stays an error.
    if (base.ok() || base.error().kind != ErrorKind::check_failed) return base;
    std::string why = base_name(settings_.base) + " not deployable: " + base.error().message;
    auto removed = remove_app();
    if (!removed.clean) {
      return make_error(ErrorKind::infra,
                        "base " + why + "; removing it before installing again failed: " + removed.message);
    }
    abandoned_deploys_ += deploy_count_ - deploys_before;
    if (settings_.base.source == BaseSource::last_green) {
      fall_through_from_base("last-green " + why);
      continue;
    }
    base_not_deployable_ = "base " + why;
    seams_.log.info("install", base_not_deployable_ + "; installing the head (chaos) on a fresh app instead");
    break;
  }
  CCCI_TRY_STATUS(check_out(Install::head));
  return install_app(Install::head);
}

void Deployment::fall_through_from_base(const std::string& why) {
  settings_.base = fall_through(settings_.base, why, settings_.head_commit);
  std::string next = settings_.base.source == BaseSource::skip ? std::string("no upgrade base")
                                                               : "the upgrade base is now " + base_name(settings_.base);
  seams_.log.info("install", why + "; " + next + " (" + settings_.base.reason + ")");
}

Status Deployment::check_out(Install what) {
  bool base = what == Install::base;
  // An overlay belongs to the base it was applied for: a base that did not deploy leaves none
  // behind for the next base or the head.
  CCCI_TRY_STATUS(withdraw_base_overlay());
  CCCI_TRY_STATUS(seams_.git.fetch_and_checkout(checkout_, base ? base_ref(settings_.base) : settings_.head_ref));
  checked_out_ = base ? settings_.base.commit : settings_.head_commit;
  return harness::ok_status();
}

Status Deployment::install_app(Install what) {
  bool base = what == Install::base;
  const PreviousOverlay* overlay =
      base ? applicable_previous_overlay(settings_.previous_overlays, settings_.base) : nullptr;
  std::optional<std::string> version;
  // abra's release deploy checks its version out on a clean tree, and the overlay's files are
  // untracked: with one, the tag's checkout is deployed in chaos mode (docs/abra-contract.md).
  if (base && !settings_.base.version.empty() && !overlay) version = settings_.base.version;
  CCCI_TRY_STATUS(seams_.abra.app_new(settings_.recipe, version, settings_.domain, harness::SecretGeneration::skip));
  app_created_ = true;
  if (!settings_.env_overlay.empty()) {
    CCCI_TRY_STATUS(harness::set_env_values(seams_.abra.app_env_path(settings_.domain), settings_.env_overlay));
  }
  if (overlay) {
    CCCI_TRY(base_overlay_, apply_previous_overlay(*overlay, checkout_, seams_.abra.app_env_path(settings_.domain)));
    seams_.log.info("install", "previous/" + overlay->version + " overlay (" + harness::join(overlay->files, ", ") +
                                   ") added to the base's deploy, which ships the tag's checkout in chaos mode");
  }
  CCCI_TRY_STATUS(apply_dependency_mapping());  // before generate_all, which leaves inserted secrets be
  CCCI_TRY_STATUS(register_env_secrets());
  CCCI_TRY_STATUS(seams_.abra.secret_generate_all(settings_.domain));
  CCCI_TRY_STATUS(prepull_images(base ? "upgrade base" : "head"));
  harness::DeployOptions options;
  options.mode = version ? harness::DeployMode::release(version) : harness::DeployMode::chaos();
  // A release deploy checks its version out itself; a chaos deploy ships whatever is checked out.
  if (!version) CCCI_TRY_STATUS(verify_checkout());
  ++deploy_count_;
  CCCI_TRY_STATUS(deploy_app(options));
  head_installed_ = !base;
  return wait_until_serving();
}

Status Deployment::withdraw_base_overlay() {
  if (!base_overlay_) return harness::ok_status();
  CCCI_TRY_STATUS(withdraw_previous_overlay(*base_overlay_, app_created_ ? AppEnv::present : AppEnv::removed));
  seams_.log.info("deploy", "previous/" + base_overlay_->version + " overlay withdrawn before the next checkout");
  base_overlay_.reset();
  return harness::ok_status();
}

Status Deployment::verify_checkout() {
  CCCI_TRY(auto head, seams_.git.head_commit(checkout_));
  if (head == checked_out_) return harness::ok_status();
  return make_error(ErrorKind::infra, "the recipe checkout is at " + head + ", ccci prepared " + checked_out_ +
                                          ": an abra command moved it");
}

Status Deployment::deploy_app(harness::DeployOptions options) {
  options.converge = settings_.converge_checks;
  auto started = seams_.clock.now();
  CCCI_TRY_STATUS(seams_.abra.deploy(settings_.domain, options));
  if (settings_.converge_checks == harness::ConvergeChecks::wait) return harness::ok_status();
  auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(seams_.clock.now() - started);
  seams_.log.info("deploy", "abra deployed without its convergence checks (deploy.converge: ccci); waiting for " +
                                stack_ + " to converge");
  return wait_until_converged(
      seams_.docker, seams_.clock, stack_, std::max(settings_.deploy_timeout - spent, std::chrono::milliseconds(0)),
      "what abra's deploy left of the spec's timeouts.deploy, " + harness::format_duration(settings_.deploy_timeout));
}

Status Deployment::register_env_secrets() {
  CCCI_TRY(auto env, app_env());
  for (const auto& [key, value] : env) {
    if (names_a_secret(key)) seams_.log.redactor().add_secret(value);
  }
  return harness::ok_status();
}

Status Deployment::seed(SeedOp op) { return seams_.steps.seed(op); }

Status Deployment::upgrade() {
  // The base's sample is read before the head's checkout replaces it.
  CCCI_TRY(auto base_sample, read_sample(checkout_, "the upgrade base's .env.sample"));
  CCCI_TRY_STATUS(check_out(Install::head));  // withdraws the base's overlay: never on the head
  CCCI_TRY_STATUS(apply_head_env(base_sample));
  CCCI_TRY_STATUS(prepull_images("head"));
  harness::DeployOptions options;
  options.mode = harness::DeployMode::chaos();
  options.force = harness::Force::yes;
  CCCI_TRY_STATUS(verify_checkout());
  CCCI_TRY_STATUS(deploy_app(options));
  CCCI_TRY_STATUS(prune_orphan_services());
  return wait_until_serving();
}

Status Deployment::apply_head_env(const harness::EnvFile& base_sample) {
  CCCI_TRY(auto head_sample, read_sample(checkout_, "the head's .env.sample"));
  EnvSampleDiff diff = diff_env_samples(base_sample, head_sample);
  EnvUpgrade& report = env_upgrade_.emplace();
  report.applied = settings_.upgrade_apply_env;
  report.removed = diff.removed;
  report.secrets = diff.secrets;
  if (!diff.removed.empty()) {
    seams_.log.info("upgrade", "the head's .env.sample no longer has " + harness::join(diff.removed, ", ") +
                                   "; left in the app's .env");
  }
  auto env_path = seams_.abra.app_env_path(settings_.domain);
  CCCI_TRY(auto app_env_file, harness::read_env_file(env_path));
  std::map<std::string, std::string> values;
  for (const auto& added : diff.added) {
    // The app's own value (the spec's env overlay, a value an earlier step set) wins.
    if (app_env_file.find(added.key) != nullptr) {
      report.kept.push_back(added.key);
    } else {
      report.added.push_back(added.key);
      values[added.key] = added.value;
    }
  }
  if (!report.applied) {
    if (!report.added.empty() || !report.secrets.empty()) {
      seams_.log.info("upgrade", "upgrade.apply_env is off: the head's new keys (" + harness::join(report.added, ", ") +
                                     ") and secrets (" + harness::join(report.secrets, ", ") + ") are not added");
    }
    return harness::ok_status();
  }
  for (const auto& [key, value] : settings_.upgrade_env) {
    values[key] = value;
    report.spec_keys.push_back(key);
  }
  if (!values.empty()) {
    auto written = harness::set_env_values(env_path, values);
    if (!written.ok()) return recipe_side(written.error(), "the head's new configuration");
    seams_.log.info("upgrade",
                    "added to the app's .env before the head's deploy: " + harness::join(report.added, ", ") +
                        (report.spec_keys.empty() ? "" : "; upgrade.env: " + harness::join(report.spec_keys, ", ")));
  }
  CCCI_TRY_STATUS(register_env_secrets());
  if (report.secrets.empty()) return harness::ok_status();
  // abra generates the secrets that do not exist yet; the base's stay as they are.
  return seams_.abra.secret_generate_all(settings_.domain);
}

Status Deployment::prune_orphan_services() {
  if (!settings_.upgrade_prune) {
    seams_.log.info("upgrade", "not pruning (upgrade.prune false): services the head no longer defines keep running");
    return harness::ok_status();
  }
  CCCI_TRY(auto env, app_env());
  auto model = harness::load_compose(checkout_, env);
  if (!model.ok()) {
    // Without the head's services every live one would look like an orphan: remove none.
    prune_unjudged_ =
        "not pruning: ccci could not resolve the head's compose: " + model.error().message + "; nothing was removed";
    seams_.log.info("upgrade", prune_unjudged_);
    return harness::ok_status();
  }
  CCCI_TRY(auto live, seams_.docker.service_ls(stack_));
  auto orphans = orphans_among(live, model->service_names());
  if (orphans.empty()) return harness::ok_status();
  seams_.log.info("deploy", "pruning services the head no longer defines: " + harness::join(orphans, ", "));
  CCCI_TRY_STATUS(seams_.docker.service_rm(orphans));
  pruned_ = orphans;
  return harness::ok_status();
}

Status Deployment::backup() {
  CCCI_TRY(auto env, app_env());
  CCCI_TRY(auto model, harness::load_compose(checkout_, env));
  if (!model.backup_enabled()) {
    return make_error(ErrorKind::check_failed,
                      "no service carries backupbot.backup=true, so a backup would hold nothing; "
                      "mark the backup tier n/a in the spec if that is intended");
  }
  expected_paths_ = model.backup_paths(stack_);  // may be empty: the labels may exclude every volume
  // backup-bot-two enumerates paths once, before its hooks; a service mid-restart is silently left
  // out and `backup create` still succeeds. So verify and re-run the whole backup.
  // backupbot answers 409 while a container it must exec into is not running: let the stack
  // settle first, and still ask again on a 409 within a bound (runner/convergence.hpp).
  CCCI_TRY_STATUS(wait_until_settled(seams_.docker, seams_.clock, stack_, settle_before_backup));
  CCCI_TRY_STATUS(markers_.plant(plan_markers(model.volume_backups(stack_))));
  backup_notes_.clear();
  backup_attempts_.clear();
  for (int attempt = 1; attempt <= settings_.backup_attempts; ++attempt) {
    if (attempt > 1) {
      // The last attempt left a path out because a service had no running container when
      // backupbot enumerated: swarm is replacing it, and asking before it runs again would race
      // the same way.
      auto settled = wait_until_settled(seams_.docker, seams_.clock, stack_, settle_before_backup);
      if (!settled.ok()) {
        return make_error(settled.error().kind, "after backup attempt " + std::to_string(attempt - 1) + " missed " +
                                                    harness::join(missing_paths_, ", ") + ": " +
                                                    settled.error().message);
      }
    }
    CCCI_TRY(auto note, retry_on_conflict(seams_.clock, backup_conflict_bound,
                                          [&] { return seams_.abra.backup_create(settings_.domain); }));
    if (!note.empty()) {
      seams_.log.info("backup", note);
      backup_notes_.push_back(note);
    }
    CCCI_TRY(auto snapshots, seams_.abra.backup_snapshots(settings_.domain));
    if (snapshots.empty())
      return make_error(ErrorKind::check_failed, "backup create succeeded but no snapshot holds the app");
    snapshot_ = snapshots.back().id;
    CCCI_TRY(auto listed, seams_.abra.backup_list(settings_.domain, snapshot_, harness::BackupListScope::all_paths));
    missing_paths_.clear();
    for (const auto& path : expected_paths_) {
      if (!covered(path, listed)) missing_paths_.push_back(path);
    }
    backup_attempts_.push_back({*snapshot_, missing_paths_});
    if (missing_paths_.empty()) return harness::ok_status();
    seams_.log.info("backup", "snapshot " + *snapshot_ + " (attempt " + std::to_string(attempt) + ") misses " +
                                  harness::join(missing_paths_, ", "));
  }
  return harness::ok_status();  // snapshot_covers_volumes reports what is missing
}

std::string Deployment::backup_notes() const {
  std::string notes;
  for (size_t i = 0; i < backup_attempts_.size(); ++i) {
    const auto& attempt = backup_attempts_[i];
    if (attempt.missing.empty()) continue;
    notes += "; attempt " + std::to_string(i + 1) + " (snapshot " + attempt.snapshot + ") missed " +
             harness::join(attempt.missing, ", ");
  }
  return notes + (backup_notes_.empty() ? "" : " (" + harness::join(backup_notes_, "; ") + ")");
}

Status Deployment::restore() {
  if (!snapshot_) return make_error(ErrorKind::infra, "no snapshot of this run to restore");
  CCCI_TRY_STATUS(markers_.overwrite());
  CCCI_TRY_STATUS(seams_.abra.restore(settings_.domain, snapshot_));
  return wait_until_serving();
}

Evidence Deployment::collect_evidence() {
  EvidenceSources sources{{}, seams_.abra.logs_dir()};
  std::vector<std::string> stacks{stack_};
  if (deps_ != nullptr) {
    auto dep_stacks = deps_->created_stacks();  // a dep that broke the install shows why
    stacks.insert(stacks.end(), dep_stacks.begin(), dep_stacks.end());
  }
  std::vector<std::string> notes;
  for (const auto& stack : stacks) {
    auto live = seams_.docker.service_ls(stack);
    if (!live.ok()) {
      notes.push_back("services of " + stack + ": " + live.error().message);
      continue;
    }
    for (const auto& service : *live) sources.services.push_back(service.name);
  }
  Evidence evidence =
      runner::collect_evidence(seams_.docker, seams_.clock, seams_.log.redactor(), settings_.evidence, sources);
  evidence.notes.insert(evidence.notes.begin(), notes.begin(), notes.end());
  return evidence;
}

std::vector<std::string> Deployment::orphans_among(const std::vector<harness::ServiceSummary>& live,
                                                   const std::vector<std::string>& wanted) const {
  std::vector<std::string> orphans;
  for (const auto& service : live) {
    std::string name = service.name.substr(std::min(service.name.size(), stack_.size() + 1));
    if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) orphans.push_back(service.name);
  }
  return orphans;
}

TeardownOutcome Deployment::remove_app() {
  TeardownOutcome result;
  result.ran = true;
  const auto deadline = seams_.clock.now() + settings_.teardown_budget;
  auto time_left = [&] {
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - seams_.clock.now()),
                    std::chrono::milliseconds(0));
  };
  std::vector<std::string> notes;
  if (app_created_) {
    auto undeployed = seams_.abra.undeploy(settings_.domain);
    if (!undeployed.ok() && undeployed.error().kind != ErrorKind::not_found)
      notes.push_back(undeployed.error().message);
    // What is still left afterwards is for the removal by identity below.
    (void)wait_until_stack_stopped(seams_.docker, seams_.clock, stack_,
                                   std::min<std::chrono::milliseconds>(std::chrono::minutes(2), time_left()));
    if (time_left() > std::chrono::milliseconds(0)) {
      auto removed = seams_.abra.remove(settings_.domain);
      if (!removed.ok()) notes.push_back(removed.error().message);
    } else {
      notes.push_back("the teardown's budget of " + harness::format_duration(settings_.teardown_budget) +
                      " ran out before abra's remove");
    }
    app_created_ = false;
  }
  auto forced = force_remove_stack(seams_.docker, seams_.clock, stack_,
                                   std::max<std::chrono::milliseconds>(time_left(), forced_removal_floor));
  if (!forced.ok()) {
    result.clean = false;
    result.message = "could not verify teardown: " + forced.error().message;
    return result;
  }
  const auto& residue = forced->left;
  if (residue.empty()) {
    if (!forced->found.empty()) notes.push_back("abra left " + forced->found.describe() + "; removed with docker");
    result.clean = true;
    result.message = harness::join(notes, ", ");
    return result;
  }
  notes.insert(notes.end(), forced->notes.begin(), forced->notes.end());
  result.clean = false;
  result.message =
      "teardown left " + residue.describe() + (notes.empty() ? "" : " (" + harness::join(notes, "; ") + ")");
  for (const auto& list :
       {residue.services, residue.containers, residue.volumes, residue.secrets, residue.configs, residue.networks}) {
    result.residue.insert(result.residue.end(), list.begin(), list.end());
  }
  return result;
}

TeardownOutcome Deployment::teardown() {
  harness::InterruptShield shield;  // teardown must run even after Ctrl-C
  auto start = seams_.clock.now();
  TeardownOutcome result = remove_app();
  if (deps_ != nullptr) {
    // After the app that used them; every dep that was created goes, whatever the app left.
    TeardownOutcome deps = deps_->teardown();
    if (!deps.clean) {
      result.clean = false;
      result.message = result.message.empty() ? deps.message : result.message + "; " + deps.message;
      result.residue.insert(result.residue.end(), deps.residue.begin(), deps.residue.end());
    }
  }
  // A checkout left on disk is no residue of the stack: said in the log, the verdict stands.
  if (auto removed = harness::remove_tree(checkout_); !removed.ok())
    seams_.log.info("teardown", removed.error().message);
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(seams_.clock.now() - start);
  return result;
}

}  // namespace ccci::runner
