#pragma once
/// Deployment: the real Operations — one app of one recipe on a swarm, driven through abra.
///
/// install clones the recipe into the run's ABRA_DIR, checks out the upgrade base (or the head
/// when there is none), creates the app, writes the spec's env overlay, generates secrets,
/// prepulls every image (a missing image fails before anything is deployed, naming the image),
/// deploys, and waits until the health URL answers through the gateway. When the base cannot be
/// deployed (a check_failed error: abra refused it, its compose files or images are broken) the
/// base app is removed; a last-green base falls back to the target-branch tip, any other base
/// gives way to the head, installed in chaos mode on a fresh app so the other tiers still judge
/// the PR; base_outcome says which base was used and why none could be. A base without a
/// compose.yml (a new recipe's main) is no base: the head is installed. Before every chaos deploy the
/// checkout's HEAD must be the commit ccci checked out. A recipe whose spec says `deploy.converge:
/// ccci` is deployed with abra's convergence checks off, and ccci waits for every service of the
/// stack to run its current spec (runner/convergence.hpp). upgrade checks out the
/// head, adds the keys and secrets the head's .env.sample adds to the app (runner/env_upgrade.hpp;
/// never overwriting a key the app has) and the spec's upgrade.env on top, prepulls, redeploys the same app in chaos
/// mode, prunes services the head dropped (not with upgrade.prune off; when ccci cannot resolve the
/// head's compose it removes nothing and orphans_pruned says it could not judge), and waits. backup creates a snapshot
/// and verifies it covers every backup-labelled volume path (re-running the whole backup when one is missing). restore
/// restores this run's snapshot. teardown undeploys, removes the app, escalates to docker when abra leaves something,
/// and verifies nothing of the stack is left. collect_evidence gathers the stack's task states and logs and abra's logs
/// (runner/evidence.hpp). The deployment owns the run's ABRA_DIR.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/abra.hpp"
#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/env_file.hpp"
#include "harness/git.hpp"
#include "harness/http.hpp"
#include "harness/log.hpp"
#include "harness/volume_files.hpp"
#include "runner/dependencies.hpp"
#include "runner/env_upgrade.hpp"
#include "runner/evidence.hpp"
#include "runner/generic_checks.hpp"
#include "runner/operations.hpp"
#include "runner/previous_overlay.hpp"
#include "runner/recipe_steps.hpp"
#include "runner/upgrade_base.hpp"
#include "runner/volume_markers.hpp"

namespace ccci::runner {

/// Whether a missing image is pulled, or the host's image store is all there is (a registry-less
/// testbed, or an operator who preloads images).
enum class ImagePull { missing, never };

/// The least time docker's removal by identity gets at the end of a teardown, however much of the
/// budget abra took: the last rung always runs.
inline constexpr std::chrono::seconds forced_removal_floor{30};

struct DeploymentSettings {
  std::string recipe;
  std::string domain;
  std::string repo_url;
  std::string head_ref;
  std::string head_commit;
  UpgradeBase base;
  /// The spec's previous/ overlays; the one for a published base goes into its deploy only.
  std::vector<PreviousOverlay> previous_overlays;
  std::map<std::string, std::string> env_overlay;  ///< written into the app .env
  /// Whether the upgrade adds the head's new .env.sample keys and secrets (spec upgrade.apply_env).
  bool upgrade_apply_env = true;
  std::map<std::string, std::string> upgrade_env;  ///< written into the app .env before the head (upgrade.env)
  /// Whether the upgrade removes services the head no longer defines (spec upgrade.prune).
  bool upgrade_prune = true;
  std::string health_path = "/";
  std::vector<int> health_ok{200};
  std::chrono::milliseconds http_timeout{std::chrono::minutes(2)};
  /// skip: abra deploys with --no-converge-checks and ccci waits for the stack to converge itself
  /// (wait_until_converged), abra's deploy and that wait together bounded by deploy_timeout.
  harness::ConvergeChecks converge_checks = harness::ConvergeChecks::wait;
  std::chrono::milliseconds deploy_timeout{std::chrono::minutes(15)};
  int backup_attempts = 3;
  /// The teardown's own budget: abra's undeploy and the wait for the stack to stop, then abra's
  /// remove while time is left, then docker's removal by identity, which always gets at least
  /// `forced_removal_floor` however much abra took (config --teardown-timeout).
  std::chrono::milliseconds teardown_budget{std::chrono::minutes(10)};
  ImagePull image_pull = ImagePull::missing;
  EvidenceSettings evidence;  ///< where and how much evidence a red run collects
};

struct DeploymentSeams {
  harness::AbraDriver& abra;
  harness::DockerDriver& docker;
  harness::VolumeFiles& volume_files;
  harness::Git& git;
  harness::HttpClient& http;
  harness::Clock& clock;
  harness::Logger& log;
  RecipeSteps& steps;
};

class Deployment final : public Operations {
 public:
  Deployment(DeploymentSettings settings, DeploymentSeams seams);

  harness::Status deploy_dependencies() override;
  harness::Status install() override;
  harness::Status seed(SeedOp op) override;
  harness::Status upgrade() override;
  harness::Status backup() override;
  harness::Status restore() override;
  std::vector<CheckOutcome> run_checks(Tier tier) override;
  Evidence collect_evidence() override;
  TeardownOutcome teardown() override;
  int deploy_count() const override { return deploy_count_; }
  BaseOutcome base_outcome() const override { return {settings_.base, base_not_deployable_, abandoned_deploys_}; }

  /// The run's dependencies (spec `deps:`): deploy_dependencies deploys them, install maps their
  /// identities into the app's .env and secrets before its deploy, teardown removes them after the
  /// app. Without them deploy_dependencies is an error. `deps` must outlive the deployment.
  void use_dependencies(Dependencies& deps) { deps_ = &deps; }

  const std::string& stack() const { return stack_; }
  /// What the upgrade did to the app's .env; nullopt until the upgrade got that far.
  const std::optional<EnvUpgrade>& env_upgrade() const { return env_upgrade_; }

 private:
  enum class Install { base, head };
  /// Checks out the base or the head into the recipe checkout.
  harness::Status check_out(Install what);
  /// With the base or the head checked out: creates the app and deploys it, then waits until it serves.
  harness::Status install_app(Install what);
  /// The base is not one (`why`): install moves on to what upgrade_base.hpp's fall_through gives.
  void fall_through_from_base(const std::string& why);
  /// Removes a previous/ overlay the base's install applied (runner/previous_overlay.hpp) from the
  /// checkout and, while the app exists, its COMPOSE_FILE line from the app's .env; a no-op without one.
  harness::Status withdraw_base_overlay();
  /// ErrorKind::infra unless the checkout's HEAD is the commit ccci checked out (`checked_out_`):
  /// abra run without --chaos moves it to the .env's version, and a chaos deploy ships HEAD.
  harness::Status verify_checkout();
  /// abra's deploy, and (converge_checks skip) ccci's wait for the stack to converge after it.
  harness::Status deploy_app(harness::DeployOptions options);
  /// Undeploys and removes the app, escalating to docker when abra leaves something, then says
  /// what is left; the teardown, and the removal of a base that could not be deployed.
  TeardownOutcome remove_app();
  harness::Result<std::map<std::string, std::string>> app_env() const;
  /// The redactor learns the values of the app .env's keys that name secrets (…PASSWORD, …TOKEN).
  harness::Status register_env_secrets();
  /// The dependencies' mapped values: into the app's .env, and inserted as its secrets.
  harness::Status apply_dependency_mapping();
  harness::Status prepull_images(std::string_view which);
  /// With the head checked out: adds what its .env.sample adds against `base_sample` to the app's
  /// .env, then the spec's upgrade.env, and generates the secrets the head adds.
  harness::Status apply_head_env(const harness::EnvFile& base_sample);
  harness::Status wait_until_serving();
  /// Removes the live services the head's compose no longer defines; with pruning off, or when ccci
  /// cannot resolve that compose (`prune_unjudged_` says so), removes nothing.
  harness::Status prune_orphan_services();
  /// The live services ("<stack>_<name>") whose <name> is not among `wanted`.
  std::vector<std::string> orphans_among(const std::vector<harness::ServiceSummary>& live,
                                         const std::vector<std::string>& wanted) const;
  CheckOutcome check_serving_https();
  CheckOutcome check_services_converged();
  CheckOutcome check_head_deployed();
  CheckOutcome check_head_images();
  CheckOutcome check_orphans_pruned();
  CheckOutcome check_snapshot_coverage();
  /// For the coverage message: "; attempt 1 (snapshot <id>) missed <paths>" for every attempt that
  /// missed, then " (backupbot answered 409 …)" when it did; "" for one attempt that covered all.
  std::string backup_notes() const;
  CheckOutcome perform(GenericCheckId check);
  std::vector<CheckOutcome> generic_outcomes(Tier tier);

  DeploymentSettings settings_;
  DeploymentSeams seams_;
  Dependencies* deps_ = nullptr;
  std::string stack_;
  std::filesystem::path checkout_;
  int deploy_count_ = 0;
  bool app_created_ = false;
  std::string checked_out_;                     ///< the commit ccci last checked out
  std::optional<AppliedOverlay> base_overlay_;  ///< the previous/ overlay in the checkout, until withdrawn
  bool head_installed_ = false;                 ///< the install deployed the head (chaos), not a base
  std::string base_not_deployable_;             ///< "base <v> not deployable: <why>"; empty while it was
  int abandoned_deploys_ = 0;                   ///< deployments of bases removed again
  std::vector<std::string> pruned_;
  std::string prune_unjudged_;  ///< "not pruning: ccci could not resolve the head's compose: …"; empty while it could
  std::optional<EnvUpgrade> env_upgrade_;
  VolumeMarkers markers_;  ///< planted before the backup, judged after the restore
  std::optional<std::string> snapshot_;
  std::vector<std::string> missing_paths_;  ///< of the last backup attempt
  std::vector<std::string> expected_paths_;
  std::vector<std::string> backup_notes_;  ///< "backupbot answered 409 once; …", per backup attempt
  struct BackupAttempt {
    std::string snapshot;
    std::vector<std::string> missing;  ///< the expected paths its snapshot lacks
  };
  std::vector<BackupAttempt> backup_attempts_;  ///< every `backup create` whose snapshot was listed, in order
};

}  // namespace ccci::runner
