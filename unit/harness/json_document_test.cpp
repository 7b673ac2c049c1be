#include "harness/json_document.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace ccci::harness {
namespace {

TEST(JsonDocument, PointersFindValuesAndSayWhatIsMissing) {
  auto document = parse_json_document(R"({"id":"7","items":[{"a/b":1,"m~n":true}],"n":null})");
  ASSERT_TRUE(document.ok()) << document.error().message;
  auto id = json_pointer(*document, "/id");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ((*id)->as_string(), "7");
  auto escaped = json_pointer(*document, "/items/0/a~1b");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ((*escaped)->as_int64(), 1);
  EXPECT_TRUE(json_pointer(*document, "/items/0/m~0n").ok());
  EXPECT_TRUE(json_pointer(*document, "").ok()) << "the empty pointer is the document";
  auto missing = json_pointer(*document, "/items/3");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_EQ(missing.error().message.rfind("/items/3 is missing", 0), 0u) << missing.error().message;
  EXPECT_EQ(json_pointer(*document, "id").error().kind, ErrorKind::spec);
  EXPECT_FALSE(is_json_pointer("/a~2"));
  EXPECT_FALSE(is_json_pointer("/a~"));
}

TEST(JsonDocument, ANonJsonBodyIsACheckFailureSayingSo) {
  auto html = parse_json_document("<html>starting…</html>");
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(html.error().message.rfind("the body is not JSON (", 0), 0u) << html.error().message;
  EXPECT_FALSE(parse_json_document("").ok());
  EXPECT_FALSE(parse_json_document("{\"a\":1} trailing").ok());
}

TEST(JsonDocument, NestingAndSizeAreBounded) {
  std::string deep = std::string(JsonLimits::max_depth, '[') + std::string(JsonLimits::max_depth, ']');
  EXPECT_TRUE(parse_json_document(deep).ok());
  std::string deeper = std::string(100000, '[') + std::string(100000, ']');
  auto refused = parse_json_document(deeper);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not JSON"), std::string::npos);
  std::string huge = "\"" + std::string(JsonLimits::max_bytes, 'x') + "\"";
  auto too_big = parse_json_document(huge);
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.error().message.find("larger than"), std::string::npos);
}

TEST(JsonDocument, ValuesCompareAsJson) {
  auto same = [](const char* a, const char* b) { return json_same(boost::json::parse(a), boost::json::parse(b)); };
  EXPECT_TRUE(same("1", "1.0"));
  EXPECT_TRUE(same("18446744073709551615", "18446744073709551615"));
  EXPECT_TRUE(same("-3", "-3"));
  EXPECT_FALSE(same("1", "\"1\"")) << "a number is not a string";
  EXPECT_FALSE(same("true", "1"));
  EXPECT_FALSE(same("null", "\"null\""));
  EXPECT_TRUE(same("\"é\"", "\"\\u00e9\""));
  EXPECT_EQ(json_shown(boost::json::parse("\"a\\nb\"")), "\"a\\nb\"");
  EXPECT_EQ(json_shown(boost::json::value(std::string(300, 'x')), 10), "\"xxxxxxxxx…");
}

}  // namespace
}  // namespace ccci::harness
