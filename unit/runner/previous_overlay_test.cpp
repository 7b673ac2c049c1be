// previous/ overlays: discovery and its refusals of hostile folders, which overlay applies to which
// base and why the others are stale, and the COMPOSE_FILE edit that is undone exactly.
#include "runner/previous_overlay.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness/env_file.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

const std::string overlay_text = "services:\n  app:\n    image: ccci/fixture-web:1.1\n";

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

UpgradeBase last_green(const std::string& version) {
  return UpgradeBase{BaseSource::last_green, version, std::string(40, 'a'), "", "last-green record"};
}

class PreviousOverlayDiscovery : public ::testing::Test {
 protected:
  std::filesystem::path spec() const { return dir.path() / "fixture-web"; }
  /// The error message of a discovery that must fail as a spec error.
  std::string refusal() {
    auto found = discover_previous_overlays(spec());
    EXPECT_FALSE(found.ok());
    if (found.ok()) return "";
    EXPECT_EQ(found.error().kind, ErrorKind::spec);
    return found.error().message;
  }
  fakes::TempDir dir;
};

TEST_F(PreviousOverlayDiscovery, NoPreviousFolderIsNoOverlay) {
  dir.write("fixture-web/recipe.yml", "{}\n");
  auto found = discover_previous_overlays(spec());
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_TRUE(found->empty());
  auto absent = discover_previous_overlays(dir.path() / "not-enrolled");
  ASSERT_TRUE(absent.ok()) << absent.error().message;
  EXPECT_TRUE(absent->empty());
}

TEST_F(PreviousOverlayDiscovery, EachVersionFolderIsAnOverlayWithItsComposeFilesSorted) {
  dir.write("fixture-web/previous/1.1.0+1.1/compose.previous.yml", overlay_text);
  dir.write("fixture-web/previous/1.1.0+1.1/compose.image-moved.yml", overlay_text);
  dir.write("fixture-web/previous/1.0.0+1.0/compose.old-key.yml", overlay_text);
  auto found = discover_previous_overlays(spec());
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].version, "1.0.0+1.0");
  EXPECT_EQ((*found)[0].files, std::vector<std::string>{"compose.old-key.yml"});
  EXPECT_EQ((*found)[1].version, "1.1.0+1.1");
  EXPECT_EQ((*found)[1].files, (std::vector<std::string>{"compose.image-moved.yml", "compose.previous.yml"}));
  EXPECT_EQ((*found)[1].dir, spec() / "previous/1.1.0+1.1");
}

TEST_F(PreviousOverlayDiscovery, AFileThatIsNotAComposeOverlayIsASpecErrorNamingIt) {
  for (const char* name : {"compose.yml", "compose..yml", "compose.Upper.yml", "compose.a b.yml", "notes.md",
                           "compose.x.yaml", "compose.x.yml.bak"}) {
    SCOPED_TRACE(name);
    std::filesystem::remove_all(spec());
    dir.write(std::string("fixture-web/previous/1.1.0+1.1/") + name, overlay_text);
    auto message = refusal();
    EXPECT_NE(message.find((spec() / "previous/1.1.0+1.1" / name).string()), std::string::npos) << message;
    EXPECT_NE(message.find("compose.<name>.yml"), std::string::npos) << message;
  }
}

TEST_F(PreviousOverlayDiscovery, AVersionFolderNamedUnlikeAVersionIsRefused) {
  for (const char* name : {"-rf", ".hidden", "1.1 beta", "v1;rm"}) {
    SCOPED_TRACE(name);
    std::filesystem::remove_all(spec());
    dir.write(std::string("fixture-web/previous/") + name + "/compose.previous.yml", overlay_text);
    auto message = refusal();
    EXPECT_NE(message.find((spec() / "previous" / name).string()), std::string::npos) << message;
  }
}

TEST_F(PreviousOverlayDiscovery, SymlinksAreNeverFollowedOutOfTheSpecFolder) {
  auto outside = dir.write("outside/compose.secret.yml", overlay_text);
  dir.write("fixture-web/previous/1.1.0+1.1/compose.previous.yml", overlay_text);
  std::filesystem::create_symlink(outside, spec() / "previous/1.1.0+1.1/compose.linked.yml");
  EXPECT_NE(refusal().find("compose.linked.yml: an overlay file must be a regular file (not a symlink)"),
            std::string::npos);

  std::filesystem::remove_all(spec());
  std::filesystem::create_directories(spec() / "previous");
  std::filesystem::create_directory_symlink(outside.parent_path(), spec() / "previous/1.1.0+1.1");
  EXPECT_NE(refusal().find("must be a folder (not a symlink or a file)"), std::string::npos);

  std::filesystem::remove_all(spec());
  std::filesystem::create_directories(spec());
  std::filesystem::create_directory_symlink(dir.path() / "outside", spec() / "previous");
  EXPECT_NE(refusal().find("previous: must be a folder"), std::string::npos);
}

TEST_F(PreviousOverlayDiscovery, AnEmptyOrOversizedOverlayIsRefused) {
  std::filesystem::create_directories(spec() / "previous/1.1.0+1.1");
  EXPECT_NE(refusal().find("holds no compose.<name>.yml file"), std::string::npos);
  dir.write("fixture-web/previous/1.1.0+1.1/compose.big.yml", std::string(max_overlay_bytes + 1, '#'));
  EXPECT_NE(refusal().find("compose.big.yml: is larger than 1 MiB"), std::string::npos);
}

TEST(PreviousOverlayDecision, OnlyThePublishedBaseOfItsVersionAppliesAndEveryOtherIsStaleSayingWhy) {
  std::vector<PreviousOverlay> overlays{{"1.0.0+1.0", "/spec/previous/1.0.0+1.0", {"compose.a.yml"}},
                                        {"1.1.0+1.1", "/spec/previous/1.1.0+1.1", {"compose.b.yml"}}};
  auto decided = decide_previous_overlays(overlays, last_green("1.1.0+1.1"));
  ASSERT_EQ(decided.size(), 2u);
  EXPECT_EQ(decided[0].status, OverlayStatus::stale);
  EXPECT_EQ(decided[0].reason, "the base is 1.1.0+1.1, from last-green; this overlay is for 1.0.0+1.0");
  EXPECT_EQ(decided[1].status, OverlayStatus::applied);
  EXPECT_EQ(decided[1].reason, "the base is 1.1.0+1.1, from last-green");
  EXPECT_EQ(decided[1].files, std::vector<std::string>{"compose.b.yml"});
  EXPECT_EQ(applicable_previous_overlay(overlays, last_green("1.1.0+1.1")), &overlays[1]);

  UpgradeBase pin{BaseSource::pin, "1.0.0+1.0", std::string(40, 'b'), "", "pinned in the recipe spec"};
  EXPECT_EQ(decide_previous_overlays(overlays, pin)[0].status, OverlayStatus::applied);
  EXPECT_EQ(decide_previous_overlays(overlays, pin)[0].reason, "the base is 1.0.0+1.0, pinned in the spec");
  EXPECT_EQ(applicable_previous_overlay(overlays, pin), &overlays[0]);
}

TEST(PreviousOverlayDecision, ABranchTipOrNoBaseIsNoPublishedVersion) {
  std::vector<PreviousOverlay> overlays{{"1.1.0+1.1", "/spec/previous/1.1.0+1.1", {"compose.b.yml"}}};
  // A branch base with a version-looking name in no field it reads still is not a release.
  UpgradeBase tip{BaseSource::target_branch, "", std::string(40, 'c'), "main", "tip of main"};
  auto decided = decide_previous_overlays(overlays, tip);
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].status, OverlayStatus::stale);
  EXPECT_EQ(decided[0].reason, "the base is the tip of main, not a published version");
  EXPECT_EQ(applicable_previous_overlay(overlays, tip), nullptr);
  tip.version = "1.1.0+1.1";
  EXPECT_EQ(applicable_previous_overlay(overlays, tip), nullptr) << "only pin and last-green are published bases";

  UpgradeBase none{BaseSource::skip, "", "", "", "no main branch"};
  EXPECT_EQ(decide_previous_overlays(overlays, none)[0].reason,
            "there is no upgrade base, so no published version is deployed");
  EXPECT_EQ(applicable_previous_overlay(overlays, none), nullptr);
  EXPECT_EQ(applicable_previous_overlay(overlays, last_green("1.2.0+1.2")), nullptr);
}

class PreviousOverlayApply : public ::testing::Test {
 protected:
  PreviousOverlayApply() {
    overlay = {"1.1.0+1.1", dir.path() / "spec/previous/1.1.0+1.1", {"compose.a.yml", "compose.b.yml"}};
    dir.write("spec/previous/1.1.0+1.1/compose.a.yml", overlay_text);
    dir.write("spec/previous/1.1.0+1.1/compose.b.yml", "services: {}\n");
    dir.write("checkout/compose.yml", "services: {}\n");
    dir.write("checkout/compose.postgres.yml", "services: {}\n");
  }
  std::filesystem::path checkout() const { return dir.path() / "checkout"; }
  std::string compose_file() const {
    auto env = harness::read_env_file(env_path);
    EXPECT_TRUE(env.ok());
    return env.ok() ? env->values()["COMPOSE_FILE"] : "";
  }

  fakes::TempDir dir;
  PreviousOverlay overlay;
  std::filesystem::path env_path = dir.path() / "app.env";
};

TEST_F(PreviousOverlayApply, TheFilesFollowTheAppsOwnComposeFilesAndWithdrawingRestoresTheEnvExactly) {
  const std::string original =
      "TYPE=fixture-web\nCOMPOSE_FILE=\"compose.yml\"\nCOMPOSE_FILE=\"$COMPOSE_FILE:compose.postgres.yml\"\nX=1\n";
  dir.write("app.env", original);
  auto applied = apply_previous_overlay(overlay, checkout(), env_path);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(compose_file(), "compose.yml:compose.postgres.yml:compose.a.yml:compose.b.yml");
  EXPECT_EQ(read(checkout() / "compose.a.yml"), overlay_text);
  EXPECT_TRUE(std::filesystem::exists(checkout() / "compose.b.yml"));

  // Something else edits the .env meanwhile (abra's deploy rewrites TYPE): that stays.
  std::string edited = read(env_path);
  edited.replace(0, std::string("TYPE=fixture-web").size(), "TYPE=fixture-web:1.1.0+1.1");
  std::ofstream(env_path, std::ios::trunc) << edited;

  ASSERT_TRUE(withdraw_previous_overlay(*applied, AppEnv::present).ok());
  EXPECT_EQ(read(env_path), "TYPE=fixture-web:1.1.0+1.1" + original.substr(std::string("TYPE=fixture-web").size()));
  EXPECT_EQ(compose_file(), "compose.yml:compose.postgres.yml");
  EXPECT_FALSE(std::filesystem::exists(checkout() / "compose.a.yml"));
  EXPECT_FALSE(std::filesystem::exists(checkout() / "compose.b.yml"));
  EXPECT_TRUE(std::filesystem::exists(checkout() / "compose.postgres.yml")) << "the recipe's own files stay";
}

TEST_F(PreviousOverlayApply, WithoutComposeFileTheDefaultComposeYmlStaysFirstAndComesBack) {
  const std::string original = "TYPE=fixture-web";  // no COMPOSE_FILE, no final newline
  dir.write("app.env", original);
  auto applied = apply_previous_overlay(overlay, checkout(), env_path);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(compose_file(), "compose.yml:compose.a.yml:compose.b.yml");
  ASSERT_TRUE(withdraw_previous_overlay(*applied, AppEnv::present).ok());
  EXPECT_EQ(read(env_path), original);
}

TEST_F(PreviousOverlayApply, AnOverlayNeverReplacesAFileOrSymlinkOfTheRecipesOwn) {
  dir.write("app.env", "TYPE=fixture-web\n");
  dir.write("checkout/compose.b.yml", "the recipe's own\n");
  auto applied = apply_previous_overlay(overlay, checkout(), env_path);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().kind, ErrorKind::spec);
  EXPECT_NE(applied.error().message.find("has its own compose.b.yml"), std::string::npos) << applied.error().message;
  EXPECT_EQ(read(checkout() / "compose.b.yml"), "the recipe's own\n");
  EXPECT_FALSE(std::filesystem::exists(checkout() / "compose.a.yml")) << "what it had copied is removed again";
  EXPECT_EQ(read(env_path), "TYPE=fixture-web\n");

  std::filesystem::remove(checkout() / "compose.b.yml");
  std::filesystem::create_symlink(dir.path() / "elsewhere.yml", checkout() / "compose.b.yml");
  EXPECT_FALSE(apply_previous_overlay(overlay, checkout(), env_path).ok()) << "a dangling symlink is a file too";
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "elsewhere.yml"));
}

TEST_F(PreviousOverlayApply, ALostComposeFileLineIsAnInfrastructureErrorNotASilentLeak) {
  dir.write("app.env", "TYPE=fixture-web\n");
  auto applied = apply_previous_overlay(overlay, checkout(), env_path);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  std::ofstream(env_path, std::ios::trunc) << "TYPE=fixture-web\nCOMPOSE_FILE=\"compose.yml:compose.a.yml\"\n";
  auto withdrawn = withdraw_previous_overlay(*applied, AppEnv::present);
  ASSERT_FALSE(withdrawn.ok());
  EXPECT_EQ(withdrawn.error().kind, ErrorKind::infra);
  EXPECT_NE(withdrawn.error().message.find("no longer holds the COMPOSE_FILE line"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(checkout() / "compose.a.yml")) << "the files go all the same";
}

TEST_F(PreviousOverlayApply, WithTheAppRemovedOnlyTheFilesAreWithdrawn) {
  dir.write("app.env", "TYPE=fixture-web\n");
  auto applied = apply_previous_overlay(overlay, checkout(), env_path);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  std::filesystem::remove(env_path);
  ASSERT_TRUE(withdraw_previous_overlay(*applied, AppEnv::removed).ok());
  EXPECT_FALSE(std::filesystem::exists(checkout() / "compose.a.yml"));
  EXPECT_FALSE(std::filesystem::exists(env_path));
}

}  // namespace
}  // namespace ccci::runner
