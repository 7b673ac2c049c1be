#include "harness/filesystem.hpp"

#include <gtest/gtest.h>

#include <string>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

/// A path component longer than NAME_MAX: every call on it fails with ENAMETOOLONG, which the
/// throwing overloads would raise as filesystem_error.
std::filesystem::path overlong(const std::filesystem::path& under) { return under / std::string(300, 'x') / "y"; }

TEST(Filesystem, CreatesAndRemovesTrees) {
  fakes::TempDir dir;
  ASSERT_TRUE(make_directories(dir.path() / "a/b/c").ok());
  ASSERT_TRUE(make_directories(dir.path() / "a/b/c").ok()) << "an existing directory is fine";
  EXPECT_TRUE(path_exists(dir.path() / "a/b/c").value());
  ASSERT_TRUE(remove_tree(dir.path() / "a").ok());
  EXPECT_FALSE(path_exists(dir.path() / "a").value());
  EXPECT_TRUE(remove_tree(dir.path() / "a").ok()) << "an absent tree is fine";
  EXPECT_TRUE(remove_file(dir.path() / "absent").ok()) << "an absent file is fine";
}

TEST(Filesystem, FailuresAreInfraErrorsNamingThePathNeverExceptions) {
  fakes::TempDir dir;
  auto file = dir.write("file", "x");
  auto under_file = make_directories(file / "sub");
  ASSERT_FALSE(under_file.ok());
  EXPECT_EQ(under_file.error().kind, ErrorKind::infra);
  EXPECT_NE(under_file.error().message.find("cannot create " + (file / "sub").string() + ": "), std::string::npos)
      << under_file.error().message;

  auto too_long = path_exists(overlong(dir.path()));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().kind, ErrorKind::infra);
  EXPECT_FALSE(make_directories(overlong(dir.path())).ok());
  EXPECT_FALSE(remove_file(overlong(dir.path())).ok());
  EXPECT_FALSE(remove_tree(overlong(dir.path())).ok());
}

TEST(Filesystem, AbsolutePathsAreMadeAgainstTheWorkingDirectory) {
  auto absolute = absolute_path("relative/file");
  ASSERT_TRUE(absolute.ok()) << absolute.error().message;
  EXPECT_EQ(*absolute, std::filesystem::current_path() / "relative/file");
  EXPECT_EQ(absolute_path("/already/absolute").value(), "/already/absolute");
}

}  // namespace
}  // namespace ccci::harness
