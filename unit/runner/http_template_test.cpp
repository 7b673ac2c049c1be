#include "runner/http_template.hpp"

#include <gtest/gtest.h>

namespace ccci::runner {
namespace {

TEST(HttpTemplate, NamesAreFoundAndDollarDollarIsADollar) {
  auto names = template_names("/notes/${note_id}?page=${page}&cost=$$5&price=$7");
  ASSERT_TRUE(names.ok()) << names.error().message;
  EXPECT_EQ(*names, (std::vector<std::string>{"note_id", "page"}));
  auto text = substitute("$${id} costs $5: ${id}", {{"id", "42"}}, TemplateEscape::none);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "${id} costs $5: 42");
}

TEST(HttpTemplate, MalformedReferencesAreSpecErrors) {
  EXPECT_EQ(template_names("/a/${id").error().kind, harness::ErrorKind::spec);
  EXPECT_NE(template_names("${Id}").error().message.find("not a capture name"), std::string::npos);
  EXPECT_FALSE(template_names("${}").ok());
  EXPECT_NE(substitute("${x}", {}, TemplateEscape::none).error().message.find("not captured"), std::string::npos);
}

TEST(HttpTemplate, ACapturedValueIsPercentEncodedInAPath) {
  std::map<std::string, std::string> values{{"id", "a b?c#d%e/f..~\r\n"}};
  auto path = substitute("/n/${id}", values, TemplateEscape::path);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, "/n/a%20b%3Fc%23d%25e/f..~%0D%0A");
  EXPECT_EQ(path_escaped("\xC3\xA9"), "%C3%A9");
  auto body = substitute("{\"id\":\"${id}\"}", {{"id", "x?y"}}, TemplateEscape::none);
  EXPECT_EQ(*body, "{\"id\":\"x?y\"}") << "a body takes the value as text";
}

}  // namespace
}  // namespace ccci::runner
