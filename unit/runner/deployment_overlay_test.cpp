// Deployment with a previous/ overlay, against in-memory abra, docker, git and HTTP: the overlay
// goes into the published base's deploy only (in chaos mode of the tag's checkout, still verified
// against the base commit), and is withdrawn from the checkout and COMPOSE_FILE before the head
// is checked out — after an upgrade and after a base that could not be deployed alike.
#include <gtest/gtest.h>

#include <sstream>

#include "harness/env_file.hpp"
#include "runner/deployment.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_git.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_steps.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

constexpr const char* domain = "fixt-abc123.ccci.test";
constexpr const char* stack = "fixt-abc123_ccci_test";
constexpr const char* health = "https://fixt-abc123.ccci.test/health";
const std::string base_commit = "1111111111111111111111111111111111111111";

class DeploymentOverlay : public ::testing::Test {
 protected:
  DeploymentOverlay() : abra(dir.path() / "abra") {
    // The published base names an image that is gone; its overlay moves it back.
    dir.write("abra/recipes/fixture/compose.yml", "services:\n  app:\n    image: ccci/fixture:gone\n");
    dir.write("spec/previous/1.1.0+1.1/compose.previous.yml",
              "services:\n  app:\n    image: ccci/fixture:1.1\n    environment: [OVERLAY_MARK=previous]\n");
    auto found = discover_previous_overlays(dir.path() / "spec");
    EXPECT_TRUE(found.ok());
    if (found.ok()) settings.previous_overlays = *found;
    docker.images = {"ccci/fixture:1.1"};
    docker.services = {{"id1", std::string(stack) + "_app", "replicated", "1/1", "ccci/fixture:1.1"}};
    http.respond("GET", health, 200, "ok");
    abra.env_sample = "TYPE=fixture\nCOMPOSE_FILE=\"compose.yml\"\n";
    settings.recipe = "fixture";
    settings.domain = domain;
    settings.repo_url = "/repos/fixture";
    settings.head_ref = "refs/pull/1/head";
    settings.head_commit = "d0e96233a8f940b3ac4a9f10da84b9a9c0a2686a";
    settings.base = UpgradeBase{BaseSource::last_green, "1.1.0+1.1", base_commit, "", "last-green record"};
    settings.health_path = "/health";
    settings.image_pull = ImagePull::never;
    git.commits = {{"refs/pull/1/head", settings.head_commit}, {"refs/tags/1.1.0+1.1", base_commit}};
    // The head's compose names an image that exists, with no overlay.
    git.files_at["refs/pull/1/head"]["compose.yml"] = "services:\n  app:\n    image: ccci/fixture:1.1\n";
  }

  /// What install says of a base it could not deploy; nullopt when there was none.
  std::optional<std::string> not_deployable() {
    std::string why = deployment().base_outcome().not_deployable;
    if (why.empty()) return std::nullopt;
    return why;
  }

  Deployment& deployment() {
    if (!deployment_)
      deployment_ = std::make_unique<Deployment>(
          settings, DeploymentSeams{abra, docker, volume_files, git, http, clock, log, steps});
    return *deployment_;
  }
  std::filesystem::path overlay_in_checkout() const { return abra.recipe_dir("fixture") / "compose.previous.yml"; }
  std::string compose_file() const {
    auto env = harness::read_env_file(abra.app_env_path(domain));
    return env.ok() ? env->values()["COMPOSE_FILE"] : "<no app .env>";
  }
  /// What the checkout and COMPOSE_FILE held at each abra deploy and each git checkout.
  void watch() {
    auto seen = [this](const std::string& what) {
      return what + ": overlay " + (std::filesystem::exists(overlay_in_checkout()) ? "in" : "not in") +
             " checkout, COMPOSE_FILE=" + compose_file();
    };
    abra.on_call = [this, seen](const std::string& line) {
      if (line.rfind("deploy", 0) == 0) observed.push_back(seen(line));
    };
    git.on_checkout = [this, seen](const std::string& ref) { observed.push_back(seen("checkout " + ref)); };
  }

  fakes::TempDir dir;
  fakes::FakeAbra abra;
  fakes::FakeDocker docker;
  fakes::FakeVolumeFiles volume_files;
  fakes::FakeGit git;
  fakes::FakeHttpClient http;
  fakes::FakeClock clock;
  std::ostringstream log_text;
  harness::Logger log{log_text};
  fakes::FakeRecipeSteps steps;
  DeploymentSettings settings;
  std::unique_ptr<Deployment> deployment_;
  std::vector<std::string> observed;
};

TEST_F(DeploymentOverlay, APublishedBaseWithItsOverlayIsDeployedInChaosModeOfTheTagsCheckout) {
  watch();
  auto installed = deployment().install();
  ASSERT_TRUE(installed.ok()) << installed.error().message;
  EXPECT_FALSE(not_deployable()) << "the overlay's image, not the tag's gone one, was prepulled";
  EXPECT_EQ(abra.calls, (std::vector<std::string>{"app_new fixture chaos", "secret_generate_all", "deploy chaos"}))
      << "app new and deploy keep ccci's checkout of the tag, overlay and all";
  EXPECT_EQ(git.calls.back(), "checkout " + abra.recipe_dir("fixture").string() + " refs/tags/1.1.0+1.1");
  EXPECT_EQ(observed, (std::vector<std::string>{
                          "checkout refs/tags/1.1.0+1.1: overlay not in checkout, COMPOSE_FILE=<no app .env>",
                          "deploy chaos: overlay in checkout, COMPOSE_FILE=compose.yml:compose.previous.yml"}));
  EXPECT_NE(log_text.str().find("previous/1.1.0+1.1 overlay (compose.previous.yml) added to the base's deploy"),
            std::string::npos);
}

TEST_F(DeploymentOverlay, TheChaosBaseDeployIsStillVerifiedAgainstTheBaseCommit) {
  abra.on_call = [this](const std::string& line) {
    if (line == "secret_generate_all") git.head = std::string(40, '9');  // an abra command moved it
  };
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok());
  EXPECT_EQ(installed.error().kind, harness::ErrorKind::infra);
  EXPECT_NE(installed.error().message.find("ccci prepared " + base_commit), std::string::npos);
}

TEST_F(DeploymentOverlay, TheUpgradeWithdrawsTheOverlayBeforeTheHeadsCheckout) {
  ASSERT_TRUE(deployment().install().ok());
  watch();
  auto upgraded = deployment().upgrade();
  ASSERT_TRUE(upgraded.ok()) << upgraded.error().message;
  EXPECT_EQ(observed,
            (std::vector<std::string>{"checkout refs/pull/1/head: overlay not in checkout, COMPOSE_FILE=compose.yml",
                                      "deploy chaos force: overlay not in checkout, COMPOSE_FILE=compose.yml"}));
  EXPECT_NE(log_text.str().find("previous/1.1.0+1.1 overlay withdrawn before the next checkout"), std::string::npos);
}

/// A pinned base: it does not fall through as a last-green one would (upgrade_base.hpp), so the head follows it.
UpgradeBase pinned_base() { return {BaseSource::pin, "1.1.0+1.1", base_commit, "", "pinned in the recipe spec"}; }

TEST_F(DeploymentOverlay, ABaseThatDoesNotDeployLeavesNoOverlayForTheHeadInstalledInstead) {
  settings.base = pinned_base();
  int deploys = 0;
  abra.on_call = [this, &deploys](const std::string& line) {
    if (line != "deploy chaos") return;
    // The base's deploy fails (told before the fake answers), the head's works.
    if (++deploys == 1)
      abra.failures["deploy"] = harness::make_error(harness::ErrorKind::check_failed, "FATA deploy failed");
    else
      abra.failures.clear();
  };
  git.on_checkout = [this](const std::string& ref) {
    if (ref == "refs/pull/1/head")
      observed.push_back(std::string("head checkout: overlay ") +
                         (std::filesystem::exists(overlay_in_checkout()) ? "in" : "not in") + " checkout");
  };
  auto installed = deployment().install();
  ASSERT_TRUE(installed.ok()) << installed.error().message;
  ASSERT_TRUE(not_deployable());
  EXPECT_EQ(observed, std::vector<std::string>{"head checkout: overlay not in checkout"});
  EXPECT_EQ(compose_file(), "compose.yml") << "the head's fresh app has no overlay line";
}

TEST_F(DeploymentOverlay, AStaleOverlayIsNeverCopiedAndAnotherReleaseDeploysAsARelease) {
  settings.base = UpgradeBase{BaseSource::pin, "1.0.0+1.0", base_commit, "", "pinned in the recipe spec"};
  git.commits["refs/tags/1.0.0+1.0"] = base_commit;
  dir.write("abra/recipes/fixture/compose.yml", "services:\n  app:\n    image: ccci/fixture:1.1\n");
  watch();
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_EQ(abra.calls.front(), "app_new fixture 1.0.0+1.0");
  EXPECT_EQ(abra.calls.back(), "deploy release 1.0.0+1.0");
  EXPECT_EQ(observed.back(), "deploy release 1.0.0+1.0: overlay not in checkout, COMPOSE_FILE=compose.yml");
}

TEST_F(DeploymentOverlay, WithoutItsOverlayThePublishedBaseIsNotDeployable) {
  settings.previous_overlays.clear();  // the negative control: the tag's own compose names a gone image
  settings.base = pinned_base();
  ASSERT_TRUE(deployment().install().ok());
  ASSERT_TRUE(not_deployable());
  EXPECT_NE(not_deployable()->find("ccci/fixture:gone"), std::string::npos) << *not_deployable();
}

TEST_F(DeploymentOverlay, ALastGreenBaseThatFailsWithItsOverlayFallsThroughLeavingNoOverlayBehind) {
  settings.base.fallback = BranchTip{"main", "2222222222222222222222222222222222222222"};
  git.commits["refs/heads/main"] = "2222222222222222222222222222222222222222";
  git.files_at["refs/heads/main"]["compose.yml"] = "services:\n  app:\n    image: ccci/fixture:1.1\n";
  int deploys = 0;
  abra.on_call = [this, &deploys](const std::string& line) {
    if (line != "deploy chaos") return;
    if (++deploys == 1)  // the last-green base, deployed with its overlay, fails; the tip of main deploys
      abra.failures["deploy"] = harness::make_error(harness::ErrorKind::check_failed, "FATA deploy failed");
    else
      abra.failures.clear();
  };
  git.on_checkout = [this](const std::string& ref) {
    if (ref == "refs/heads/main")
      observed.push_back(std::string("main checkout: overlay ") +
                         (std::filesystem::exists(overlay_in_checkout()) ? "in" : "not in") + " checkout");
  };
  auto installed = deployment().install();
  ASSERT_TRUE(installed.ok()) << installed.error().message;
  EXPECT_FALSE(not_deployable());
  EXPECT_EQ(deployment().base_outcome().base.source, BaseSource::target_branch);
  EXPECT_EQ(deployment().base_outcome().base.reason,
            "tip of main (last-green 1.1.0+1.1 not deployable: FATA deploy failed)");
  EXPECT_EQ(observed, std::vector<std::string>{"main checkout: overlay not in checkout"});
  EXPECT_EQ(compose_file(), "compose.yml") << "the tip's fresh app has no overlay line";
  EXPECT_EQ(deployment().base_outcome().abandoned_deploys, 1);
}

}  // namespace
}  // namespace ccci::runner
