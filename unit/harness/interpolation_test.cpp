#include "harness/interpolation.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ccci::harness {
namespace {

using Env = std::map<std::string, std::string>;

Result<std::string> interp(std::string_view text, const Env& env) {
  return interpolate(text, env, Mark{"c.yml", 3, 5});
}

TEST(ComposeInterpolation, EveryFormDockerKnows) {
  Env env{{"SET", "v"}, {"EMPTY", ""}, {"STACK_NAME", "s_x"}};
  EXPECT_EQ(*interp("${SET}", env), "v");
  EXPECT_EQ(*interp("$SET/x", env), "v/x");
  EXPECT_EQ(*interp("${UNSET}", env), "");
  EXPECT_EQ(*interp("${UNSET:-d}", env), "d");
  EXPECT_EQ(*interp("${EMPTY:-d}", env), "d");
  EXPECT_EQ(*interp("${EMPTY-d}", env), "");
  EXPECT_EQ(*interp("${UNSET-d}", env), "d");
  EXPECT_EQ(*interp("${UNSET:-${SET}-nested}", env), "v-nested");
  EXPECT_EQ(*interp("$$literal and $${SET}", env), "$literal and ${SET}");
  EXPECT_EQ(*interp("${SET:?must be set}", env), "v");
  EXPECT_EQ(*interp("${STACK_NAME}_secret_${SECRET_X_VERSION:-v1}", env), "s_x_secret_v1");
}

TEST(ComposeInterpolation, RequiredVariablesNamePositionAndMessage) {
  Env env{{"EMPTY", ""}};
  auto missing = interp("${DOMAIN:?set DOMAIN in the .env}", env);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::spec);
  EXPECT_EQ(missing.error().message, "c.yml:3:5: required variable DOMAIN is missing a value: set DOMAIN in the .env");
  EXPECT_FALSE(interp("${EMPTY:?x}", env).ok());
  EXPECT_TRUE(interp("${EMPTY?x}", env).ok());
  EXPECT_FALSE(interp("${open", env).ok());
  EXPECT_FALSE(interp("cost $ 5", env).ok());
}

TEST(ComposeInterpolation, NestingIsBoundedWithPosition) {
  Env env{{"SET", "v"}};
  std::string nested = "x";
  for (int i = 0; i < 15; ++i) nested = "${U" + std::to_string(i) + ":-" + nested + "}";
  EXPECT_EQ(*interp(nested, env), "x") << "fifteen defaults deep is fine";
  std::string deep;
  for (int i = 0; i < 50'000; ++i) deep += "${A:-";
  deep += "x" + std::string(50'000, '}');
  auto result = interp(deep, env);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message.rfind("c.yml:3:5: interpolation nested more than 16 levels deep", 0), 0u);
  EXPECT_EQ(*interp("${SET}", env), "v") << "the nesting count is released after an error";
}

TEST(ComposeInterpolation, ExpansionIsBoundedWithPosition) {
  Env env{{"BIG", std::string(60'000, 'b')}};
  EXPECT_EQ(interp("${BIG}${BIG}${BIG}${BIG}", env)->size(), 240'000u);
  auto result = interp("${BIG}${BIG}${BIG}${BIG}$BIG", env);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "c.yml:3:5: interpolation makes the value longer than 256 KiB");
}

TEST(ComposeInterpolation, EveryScalarOfATreeIsInterpolatedAndOneFileIsBounded) {
  auto tree = parse_yaml("services:\n  app:\n    image: ${IMAGE}:${TAG:-1.0}\n    command: [\"$$HOME\", \"${BIG}\"]\n",
                         "compose.yml");
  ASSERT_TRUE(tree.ok()) << tree.error().message;
  ASSERT_TRUE(interpolate_tree(*tree, {{"IMAGE", "nginx"}, {"BIG", "b"}}).ok());
  const YamlNode& app = *tree->find("services")->find("app");
  EXPECT_EQ(app.find("image")->scalar, "nginx:1.0");
  EXPECT_EQ(app.find("command")->items[0].scalar, "$HOME");
  EXPECT_EQ(app.find("command")->items[1].scalar, "b");

  std::string many = "items:\n";
  for (int i = 0; i < 140; ++i) many += "  - ${BIG}\n";
  auto big = parse_yaml(many, "big.yml");
  ASSERT_TRUE(big.ok());
  auto bounded = interpolate_tree(*big, {{"BIG", std::string(60'000, 'b')}});
  ASSERT_FALSE(bounded.ok());
  EXPECT_EQ(bounded.error().message, "big.yml:141:5: interpolated values exceed 8 MiB in this file");
}

}  // namespace
}  // namespace ccci::harness
