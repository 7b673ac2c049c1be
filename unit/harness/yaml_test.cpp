#include "harness/yaml.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

TEST(Yaml, ParsesNestedMappingWithPositions) {
  auto doc = parse_yaml("a:\n  b: [1, \"two\"]\n", "x.yml");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  const YamlNode* b = doc->find("a")->find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->items.size(), 2u);
  EXPECT_EQ(b->items[1].scalar, "two");
  EXPECT_TRUE(b->items[1].quoted);
  EXPECT_EQ(to_string(b->mark), "x.yml:2:6");
}

TEST(Yaml, MalformedYamlNamesFileLineAndColumn) {
  auto doc = parse_yaml("a: [1, 2\nb: 3\n", "bad.yml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().kind, ErrorKind::spec);
  EXPECT_EQ(doc.error().message.rfind("bad.yml:", 0), 0u) << doc.error().message;
}

TEST(Yaml, ResolvesAliasesAndMergeKeysWithExplicitKeysWinning) {
  auto doc = parse_yaml("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n", "m.yml");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  const YamlNode* other = doc->find("other");
  EXPECT_EQ(other->find("x")->scalar, "1");
  EXPECT_EQ(other->find("y")->scalar, "3");
}

TEST(Yaml, DuplicateKeyIsAnErrorWithPosition) {
  auto doc = parse_yaml("a: 1\na: 2\n", "d.yml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message.find("d.yml:2:1"), std::string::npos) << doc.error().message;
}

TEST(Yaml, EmptyDocumentIsNull) {
  auto doc = parse_yaml("", "e.yml");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->is_null());
}

TEST(Yaml, UnknownAliasIsAnError) {
  auto doc = parse_yaml("a: *nope\n", "u.yml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message.find("u.yml:1:4"), std::string::npos) << doc.error().message;
}

/// Parses `text`, expects a spec error, returns its message.
std::string error_of(std::string_view text) {
  auto doc = parse_yaml(text, "h.yml");
  EXPECT_FALSE(doc.ok());
  if (doc.ok()) return {};
  EXPECT_EQ(doc.error().kind, ErrorKind::spec);
  return doc.error().message;
}

/// Milliseconds `parse` takes.
template <class Parse>
long long milliseconds_of(Parse parse) {
  auto start = std::chrono::steady_clock::now();
  parse();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// The classic 466-byte document: nine levels of nine aliases, 10^9 strings once expanded.
constexpr std::string_view billion_laughs = R"(a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
)";

TEST(YamlLimits, BillionLaughsIsRejectedQuicklyWhereTheBudgetRunsOut) {
  std::string message;
  EXPECT_LT(milliseconds_of([&] { message = error_of(billion_laughs); }), 2000);
  // Line e holds 66,430 nodes once expanded; keeping its anchor's copy crosses 100,000.
  EXPECT_EQ(message.rfind("h.yml:5:4: anchor &e takes the document past 100000 nodes", 0), 0u) << message;
}

TEST(YamlLimits, AliasesThroughMergeKeysAreCountedToo) {
  std::string text = "a: &a {";
  for (int i = 0; i < 200; ++i) text += "k" + std::to_string(i) + ": v, ";
  text += "}\nb: &b {<<: *a, x: 1}\n";
  for (int i = 0; i < 1000; ++i) text += "c" + std::to_string(i) + ": {<<: [*a, *b]}\n";
  EXPECT_NE(error_of(text).find("takes the document past 100000 nodes"), std::string::npos);
}

TEST(YamlLimits, AliasChainDeeperThanTheDepthLimitIsRejectedBeforeCopying) {
  // Each anchor nests the previous alias one level deeper: 300 levels once expanded.
  std::string text = "a0: &a0 x\n";
  for (int i = 1; i <= 300; ++i)
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + "]\n";
  std::string message = error_of(text);
  // *a199 sits two levels down (mapping value, list item) and is 199 levels tall itself.
  EXPECT_EQ(message.rfind("h.yml:201:14: alias *a199 nests the document more than 200 levels deep", 0), 0u) << message;
}

TEST(YamlLimits, DeepFlowNestingIsRejectedWithPosition) {
  std::string text(1000, '[');
  EXPECT_EQ(error_of(text).rfind("h.yml:1:202: YAML nested too deeply", 0), 0u) << error_of(text);
}

TEST(YamlLimits, LongScalarIsRejectedAtItsStart) {
  std::string text = "a: 1\nb: " + std::string(YamlLimits::max_scalar_bytes + 1, 'x') + "\n";
  EXPECT_EQ(error_of(text).rfind("h.yml:2:4: a scalar of 262145 bytes", 0), 0u);
  EXPECT_TRUE(parse_yaml("b: " + std::string(YamlLimits::max_scalar_bytes, 'x'), "h.yml").ok());
}

TEST(YamlLimits, AliasedLongScalarsCountAgainstTheTextBudget) {
  std::string text = "a: &a " + std::string(YamlLimits::max_scalar_bytes, 'x') + "\nb: [";
  for (int i = 0; i < 200; ++i) text += "*a, ";
  text += "]\n";
  EXPECT_NE(error_of(text).find("MiB of text"), std::string::npos);
}

TEST(YamlLimits, LongDocumentIsRejectedAtTheByteThatCrossesTheLimit) {
  std::string line = "# " + std::string(1021, 'c') + "\n";  // 1024 bytes
  std::string text;
  for (size_t i = 0; i <= YamlLimits::max_input_bytes / line.size(); ++i) text += line;
  EXPECT_EQ(error_of(text).rfind("h.yml:4097:1: the document is longer than 4 MiB", 0), 0u) << error_of(text);
}

std::string mapping_of(int keys) {
  std::string text;
  for (int i = 0; i < keys; ++i) text += "key" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  return text;
}

TEST(YamlLimits, TenThousandKeysParseQuickly) {
  std::string text = mapping_of(static_cast<int>(YamlLimits::max_entries));
  Result<YamlNode> doc = YamlNode{};
  // ~0.3 s in a Debug build, ~0.08 s optimised; checking each key against all earlier ones took 9 s.
  EXPECT_LT(milliseconds_of([&] { doc = parse_yaml(text, "h.yml"); }), 2000);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->entries.size(), YamlLimits::max_entries);
  EXPECT_EQ(doc->entries.back().first.scalar, "key9999");
  EXPECT_EQ(doc->find("key5000")->scalar, "5000");
}

TEST(YamlLimits, FortyThousandKeysAreRejectedAtTheFirstKeyTooMany) {
  std::string message;
  std::string text = mapping_of(40'000);
  EXPECT_LT(milliseconds_of([&] { message = error_of(text); }), 2000);
  EXPECT_EQ(message.rfind("h.yml:10001:1: a mapping of more than 10000 keys", 0), 0u) << message;
}

TEST(YamlLimits, DuplicateKeyAmongManyIsStillFound) {
  std::string text = mapping_of(5000) + "key42: again\n";
  EXPECT_EQ(error_of(text).rfind("h.yml:5001:1: duplicate key 'key42'", 0), 0u);
}

TEST(YamlLimits, LongSequenceIsRejectedAtTheFirstItemTooMany) {
  std::string text;
  for (size_t i = 0; i <= YamlLimits::max_entries; ++i) text += "- x\n";
  EXPECT_EQ(error_of(text).rfind("h.yml:10001:3: a sequence of more than 10000 items", 0), 0u) << error_of(text);
}

struct BadBytes {
  std::string_view text;
  std::string_view expected;  ///< the message starts with this
};

TEST(YamlCharacters, ForbiddenBytesAreReportedWhereTheyAre) {
  using namespace std::string_view_literals;
  const BadBytes cases[] = {
      {"a: 1\nb: x\0y\n"sv, "h.yml:2:5: a NUL byte is not allowed in YAML"},
      {"a: 1\n\nc:  \x1b[31m\n"sv, "h.yml:3:5: control character 0x1B is not allowed in YAML"},
      {"a: 1\r\nb: \x7f\n"sv, "h.yml:2:4: control character 0x7F is not allowed"},
      {"a: 1\rb: \x01\n"sv, "h.yml:2:4: control character 0x01"},
      {"a: \xc3\xa9\xc3\xa9\xff\n"sv, "h.yml:1:6: invalid UTF-8 (byte 0xFF)"},
      {"\xef\xbb\xbf"
       "a: \xe2\x82\n"sv,
       "h.yml:1:4: invalid UTF-8 (byte 0xE2)"},
      {"a: b\nc: \xc0\xaf\n"sv, "h.yml:2:4: invalid UTF-8 (byte 0xC0)"},
      {"a: \xed\xa0\x80\n"sv, "h.yml:1:4: invalid UTF-8 (byte 0xED)"},
      {"a: x\xc2\x85"
       "b: \xc2\x9b\n"sv,
       "h.yml:2:4: character U+009B is not allowed in YAML"},
      {"a: \xef\xbf\xbe\n"sv, "h.yml:1:4: character U+FFFE is not allowed"},
      {"\xff\xfe"
       "a\0:\0"sv,
       "h.yml:1:1: UTF-16 is not supported"},
  };
  for (const auto& bad : cases) {
    std::string message = error_of(bad.text);
    EXPECT_EQ(message.rfind(bad.expected, 0), 0u) << "expected " << bad.expected << "\n     got " << message;
  }
}

TEST(YamlCharacters, TabsUnicodeAndALeadingBomAreFine) {
  auto doc = parse_yaml(
      "\xef\xbb\xbf"
      "a: \"\tcaf\xc3\xa9 \xf0\x9f\x8e\x89\"\nb: [x, \xe2\x82\xac]\n",
      "h.yml");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->find("a")->scalar, "\tcaf\xc3\xa9 \xf0\x9f\x8e\x89");
  EXPECT_EQ(to_string(doc->find("b")->items[1].mark), "h.yml:2:8");
}

TEST(YamlCharacters, ColumnsCountCharactersLikeLibyaml) {
  auto doc = parse_yaml("\xc3\xa9\xc3\xa9: [1, *nope]\n", "h.yml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().message.rfind("h.yml:1:9: unknown alias *nope", 0), 0u) << doc.error().message;
  EXPECT_EQ(error_of("\xc3\xa9\xc3\xa9: [1, \x01]\n").rfind("h.yml:1:9: control character 0x01", 0), 0u);
}

TEST(YamlFile, LongFileIsReadOnlyUpToTheLimit) {
  fakes::TempDir dir;
  auto path = dir.write("huge.yml", "");
  std::filesystem::resize_file(path, size_t{1} << 30);  // sparse: a GiB of NULs costs nothing here
  auto doc = load_yaml_file(path);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().message, path.string() + ":1:4194305: the document is longer than 4 MiB");
}

TEST(YamlFile, DevicesFifosAndDirectoriesAreNeverRead) {
  fakes::TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "fifo.yml").c_str(), 0600), 0);
  for (const std::filesystem::path& path : {std::filesystem::path("/dev/zero"), dir.path() / "fifo.yml", dir.path()}) {
    auto doc = load_yaml_file(path);
    ASSERT_FALSE(doc.ok()) << path;
    EXPECT_EQ(doc.error().kind, ErrorKind::spec);
    EXPECT_EQ(doc.error().message,
              path.string() + ":1:1: not a regular file (a device, FIFO or directory is never read)");
  }
  EXPECT_EQ(load_yaml_file(dir.path() / "absent.yml").error().kind, ErrorKind::not_found);
}

}  // namespace
}  // namespace ccci::harness
