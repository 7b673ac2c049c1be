#include "harness/env_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

TEST(EnvFile, ReadsAnAbraEnvWithSelfReferenceCommentsAndQuotes) {
  auto env = parse_env_file(R"(TYPE=bonfire
# a comment line
DOMAIN=bonfire.example.com
COMPOSE_FILE="compose.yml"
COMPOSE_FILE="$COMPOSE_FILE:compose.postgres.yml"
SECRET_SECRET_KEY_BASE_VERSION=v1 # length=128
SECRET_PLC_VERSION=v2  # generate=false
LITERAL='$NOT_EXPANDED'
ESCAPED="cost \$5 and a \"quote\""
export APP_ENTRYPOINT_VERSION=v4
EMPTY=
)", ".env");
  ASSERT_TRUE(env.ok()) << env.error().message;
  auto values = env->values();
  EXPECT_EQ(values.at("COMPOSE_FILE"), "compose.yml:compose.postgres.yml");
  EXPECT_EQ(values.at("SECRET_SECRET_KEY_BASE_VERSION"), "v1");
  EXPECT_EQ(env->find("SECRET_SECRET_KEY_BASE_VERSION")->comment, "length=128");
  EXPECT_EQ(env->find("SECRET_PLC_VERSION")->comment, "generate=false");
  EXPECT_EQ(values.at("LITERAL"), "$NOT_EXPANDED");
  EXPECT_EQ(values.at("ESCAPED"), "cost $5 and a \"quote\"");
  EXPECT_EQ(values.at("APP_ENTRYPOINT_VERSION"), "v4");
  EXPECT_EQ(values.at("EMPTY"), "");
  EXPECT_EQ(env->find("DOMAIN")->line, 3);
}

TEST(EnvFile, ExpandsFromTheBaseEnvironmentWhenNotDefinedEarlier) {
  auto env = parse_env_file("A=${STACK_NAME}_x\nB=$UNSET-y\n", ".env", {{"STACK_NAME", "s"}});
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->values().at("A"), "s_x");
  EXPECT_EQ(env->values().at("B"), "-y");
}

TEST(EnvFile, MalformedLinesNameFileAndLine) {
  auto env = parse_env_file("A=1\nthis is not an assignment\n", "app.env");
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.error().kind, ErrorKind::spec);
  EXPECT_EQ(env.error().message.rfind("app.env:2: not a KEY=value line", 0), 0u) << env.error().message;
  auto quote = parse_env_file("A=\"open\n", "app.env");
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(quote.error().message.rfind("app.env:1: unterminated \" quote", 0), 0u) << quote.error().message;
}

TEST(EnvFile, AbraShFunctionsAreSkippedAndExportsRead) {
  auto env = parse_env_file("export PG_BACKUP_VERSION=v6\n\nfoo() {\n  echo hi\n}\n", "abra.sh");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->values().at("PG_BACKUP_VERSION"), "v6");
}

TEST(EnvFile, SetValuesReplacesKnownKeysAppendsNewOnesAndKeepsTheRest) {
  fakes::TempDir dir;
  auto path = dir.write("app.env", "TYPE=x:1.0.0\n# keep me\nCOMPOSE_FILE=\"compose.yml\"\nCOMPOSE_FILE=\"$COMPOSE_FILE:b.yml\"\n");
  ASSERT_TRUE(set_env_values(path, {{"COMPOSE_FILE", "compose.yml:compose.ccci.yml"}, {"NEW", "a \"b\" $c"}}).ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "TYPE=x:1.0.0\n# keep me\nCOMPOSE_FILE=\"compose.yml:compose.ccci.yml\"\nNEW=\"a \\\"b\\\" \\$c\"\n");
  auto env = read_env_file(path);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->values().at("NEW"), "a \"b\" $c");
}

}  // namespace
}  // namespace ccci::harness
