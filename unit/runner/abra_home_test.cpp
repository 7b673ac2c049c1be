// The run's own abra home, made from the host's in temp dirs: refused before anything is made
// when the server is not registered, its servers/<server>/ a real directory, the catalogue linked.
#include "runner/abra_home.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/filesystem.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

namespace fs = std::filesystem;

class AbraHome : public ::testing::Test {
 protected:
  AbraHomes homes() const { return {dir.path() / "host", dir.path() / "state/abra/runs/r1", "default"}; }
  fakes::TempDir dir;
};

TEST_F(AbraHome, AnUnregisteredServerIsRefusedNamingTheServerAndTheFixBeforeAnythingIsMade) {
  fs::create_directories(dir.path() / "host/servers/other");
  auto made = prepare_run_abra_home(homes());
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, harness::ErrorKind::infra);
  const std::string& message = made.error().message;
  EXPECT_NE(message.find("abra server 'default' is not registered"), std::string::npos) << message;
  EXPECT_NE(message.find((dir.path() / "host/servers/default").string() + " does not exist"), std::string::npos)
      << message;
  EXPECT_NE(message.find("abra server add --local"), std::string::npos) << message;
  EXPECT_NE(message.find("abra server add <host>"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(homes().run)) << "nothing of the run is made";
}

TEST_F(AbraHome, AFileWhereTheServerDirectoryShouldBeIsNotARegistration) {
  dir.write("host/servers/default", "");
  auto made = prepare_run_abra_home(homes());
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("is not a directory"), std::string::npos) << made.error().message;
}

TEST_F(AbraHome, NoHomeAtAllIsRefusedNamingTheSetting) {
  auto made = prepare_run_abra_home({"", dir.path() / "run", "default"});
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, harness::ErrorKind::infra);
  EXPECT_NE(made.error().message.find("ABRA_DIR"), std::string::npos) << made.error().message;
}

TEST_F(AbraHome, TheRunGetsItsOwnServerDirectoryAndTheHostsCatalogueLinked) {
  dir.write("host/servers/default/someone-else.example.org.env", "TYPE=other\n");
  dir.write("host/catalogue/recipes.json", "{}");
  ASSERT_TRUE(prepare_run_abra_home(homes()).ok());
  auto run = homes().run;
  EXPECT_TRUE(fs::is_directory(run / "servers/default"));
  EXPECT_FALSE(fs::is_symlink(run / "servers/default")) << "the run's .env files must stay in the run's home";
  EXPECT_TRUE(fs::is_empty(run / "servers/default")) << "the host's apps are not the run's";
  ASSERT_TRUE(fs::is_symlink(run / "catalogue"));
  EXPECT_TRUE(fs::exists(run / "catalogue/recipes.json"));

  std::ofstream(run / "servers/default/app.ccci.test.env") << "TYPE=fixture\n";
  ASSERT_TRUE(harness::remove_tree(run).ok());
  EXPECT_FALSE(fs::exists(dir.path() / "host/servers/default/app.ccci.test.env"))
      << "the run's app never reached the host";
  EXPECT_TRUE(fs::exists(dir.path() / "host/catalogue/recipes.json")) << "removing the run's home keeps the catalogue";
  EXPECT_TRUE(fs::exists(dir.path() / "host/servers/default/someone-else.example.org.env"));
}

TEST_F(AbraHome, AHostWithoutACatalogueGetsNoLink) {
  fs::create_directories(dir.path() / "host/servers/default");
  ASSERT_TRUE(prepare_run_abra_home(homes()).ok());
  EXPECT_TRUE(fs::is_directory(homes().run / "servers/default"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(homes().run / "catalogue")));
}

TEST_F(AbraHome, ARelativeHostHomeIsLinkedByItsAbsolutePath) {
  fs::create_directories(dir.path() / "host/servers/default");
  fs::create_directories(dir.path() / "host/catalogue");
  auto cwd = fs::current_path();
  fs::current_path(dir.path());
  auto made = prepare_run_abra_home({"host", "state/run", "default"});
  fs::current_path(cwd);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_TRUE(fs::read_symlink(dir.path() / "state/run/catalogue").is_absolute());
  EXPECT_TRUE(fs::is_directory(dir.path() / "state/run/catalogue"));
}

}  // namespace
}  // namespace ccci::runner
