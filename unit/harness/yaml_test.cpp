#include "harness/yaml.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ccci::harness
