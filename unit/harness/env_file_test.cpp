#include "harness/env_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <random>
#include <regex>
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
)",
                            ".env");
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
  auto path = dir.write(
      "app.env", "TYPE=x:1.0.0\n# keep me\nCOMPOSE_FILE=\"compose.yml\"\nCOMPOSE_FILE=\"$COMPOSE_FILE:b.yml\"\n");
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

std::string error_of(const std::string& text, const std::string& file = "app.env") {
  auto env = parse_env_file(text, file);
  EXPECT_FALSE(env.ok());
  if (env.ok()) return {};
  EXPECT_EQ(env.error().kind, ErrorKind::spec);
  return env.error().message;
}

TEST(EnvFile, SetValuesWritesEveryValueSoItReadsBackAsItself) {
  fakes::TempDir dir;
  auto path = dir.write("app.env", "A=1\n");
  std::map<std::string, std::string> values{{"A", "two\nlines"}, {"B", "x\nEVIL=1"}, {"C", "q\"\\$D #c"}};
  ASSERT_TRUE(set_env_values(path, values).ok());
  auto env = read_env_file(path);
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->values(), values) << "no value injects a line of its own";
}

TEST(EnvFile, SetValuesRefusesWhatAnEnvFileCannotHold) {
  fakes::TempDir dir;
  auto path = dir.write("app.env", "A=1\n");
  auto carriage = set_env_values(path, {{"A", "x\ry"}});
  ASSERT_FALSE(carriage.ok());
  EXPECT_EQ(carriage.error().kind, ErrorKind::spec);
  EXPECT_NE(carriage.error().message.find("cannot set A: a carriage return or NUL"), std::string::npos);
  EXPECT_FALSE(set_env_values(path, {{"A", std::string("x\0y", 3)}}).ok());
  EXPECT_FALSE(set_env_values(path, {{"NOT A NAME", "x"}}).ok());
  EXPECT_EQ(read_env_file(path)->values().at("A"), "1") << "nothing was written";
}

TEST(EnvFile, ThirtyThousandCharacterValuesAreReadNotCrashedOn) {
  std::string value(30'000, 'x');
  for (const std::string& line : {"A=" + value, "export A=\"" + value + "\"", "A='" + value + "' # length=12"}) {
    auto env = parse_env_file(line + "\n", ".env");
    ASSERT_TRUE(env.ok()) << env.error().message;
    EXPECT_EQ(env->values().at("A"), value);
  }
}

TEST(EnvFile, DoublingExpansionIsStoppedAtTheLineThatOverflows) {
  std::string text = "A=" + std::string(1000, 'a') + "\n";
  for (char key = 'B'; key <= 'Z'; ++key) {
    const std::string previous(1, static_cast<char>(key - 1));
    text += std::string(1, key) + "=\"$" + previous + "${" + previous + "}\"\n";
  }
  // 1000 bytes doubled per line: line 8 (G) is 64,000 bytes, line 9 (H) would be 128,000.
  EXPECT_EQ(error_of(text).rfind("app.env:8: the value is longer than 64 KiB after expansion", 0), 0u)
      << error_of(text);
}

TEST(EnvFile, ManyLargeValuesAreStoppedByTheFileBudget) {
  std::string text = "A=" + std::string(60'000, 'a') + "\n";
  for (int i = 0; i < 100; ++i) text += "B=$A\n";
  EXPECT_EQ(error_of(text).rfind("app.env:70: the values add up to more than 4 MiB after expansion", 0), 0u)
      << error_of(text);
}

TEST(EnvFile, LongFileIsRejectedWithTheLineItCrossesOn) {
  std::string text;
  while (text.size() <= (size_t{1} << 20)) text += "A=" + std::string(1021, 'a') + "\n";
  EXPECT_EQ(error_of(text).rfind("app.env:1025: the file is longer than 1 MiB", 0), 0u) << error_of(text);
}

TEST(EnvFile, ReadingStopsAfterTheLimit) {
  fakes::TempDir dir;
  auto path = dir.write("huge.env", "");
  std::filesystem::resize_file(path, size_t{1} << 30);  // sparse
  auto env = read_env_file(path);
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.error().message, path.string() + ":1: the file is longer than 1 MiB");
}

TEST(EnvFile, DevicesFifosAndDirectoriesAreNeverRead) {
  fakes::TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "fifo.env").c_str(), 0600), 0);
  for (const std::filesystem::path& path : {std::filesystem::path("/dev/zero"), dir.path() / "fifo.env", dir.path()}) {
    auto env = read_env_file(path);
    ASSERT_FALSE(env.ok()) << path;
    EXPECT_EQ(env.error().message,
              path.string() + ":1: not a regular file (a device, FIFO or directory is never read)");
  }
}

TEST(EnvFile, CommentNumbersAreBoundedNotOverflowed) {
  auto env = parse_env_file(
      "S1=v1 # length=128\nS2=v1 # generate=false\nS3=v1 # length=99999999999999999999999\n"
      "S4=v1 # length=x length=7\nS5=v1 # length=4097\n",
      ".env");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(comment_number(*env->find("S1"), "length", 4096, ".env").value(), 128u);
  EXPECT_FALSE(comment_number(*env->find("S2"), "length", 4096, ".env").value());
  EXPECT_EQ(comment_number(*env->find("S4"), "length", 4096, ".env").value(), 7u);
  auto huge = comment_number(*env->find("S3"), "length", 4096, ".env");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().message.rfind(".env:3: length=99999999999999999999 is more than 4096", 0), 0u)
      << huge.error().message;
  EXPECT_FALSE(comment_number(*env->find("S5"), "length", 4096, ".env").ok());
}

TEST(EnvFile, AssignmentsAreExactlyTheLanguageOfTheOldPattern) {
  std::regex assignment(R"(^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$)");
  const std::string pieces[] = {"export", " ", "\t", "\v", "\r", "A", "b_1", "9", "=", "x", "\xc3\xa9", "-", "\\"};
  std::mt19937 random(7);
  int matched = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string line;
    for (size_t count = 1 + random() % 6; count > 0; --count) line += pieces[random() % std::size(pieces)];
    std::smatch match;
    // parse_env_file trims " \t\r" first; apply the pattern to what it sees.
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::string trimmed = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    bool expected = std::regex_match(trimmed, match, assignment);
    auto env = parse_env_file(line + "\n", "x.env");
    if (expected && env.ok()) {
      ASSERT_EQ(env->entries.size(), 1u) << line;
      EXPECT_EQ(env->entries[0].key, match[1].str()) << line;
    } else if (expected) {
      // quoting rules may still refuse the value; the line itself was an assignment
      EXPECT_EQ(env.error().message.find("not a KEY=value line"), std::string::npos)
          << line << ": " << env.error().message;
    } else {
      EXPECT_FALSE(env.ok()) << line;
    }
    matched += expected;
  }
  EXPECT_GT(matched, 100);
}

}  // namespace
}  // namespace ccci::harness
