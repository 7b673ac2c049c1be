#include "harness/compose_tree.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ccci::harness::compose_tree {
namespace {

YamlNode yaml(const std::string& text) {
  auto parsed = parse_yaml(text, "t.yml");
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? *parsed : YamlNode{};
}

std::vector<std::string> scalars(const YamlNode* list) {
  std::vector<std::string> out;
  if (list) {
    for (const auto& item : list->items) out.push_back(item.is_scalar() ? item.scalar : scalar_identity(item));
  }
  return out;
}

TEST(ComposeTree, KeyValueListsReadAsMappings) {
  auto map = as_mapping(yaml("[A=1, B=, C]"));
  ASSERT_TRUE(map.is_mapping());
  ASSERT_EQ(map.entries.size(), 3u);
  EXPECT_EQ(map.find("A")->scalar, "1");
  EXPECT_EQ(map.find("B")->scalar, "");
  EXPECT_FALSE(map.find("B")->is_null()) << "B= is the empty string";
  EXPECT_TRUE(map.find("C")->is_null()) << "a bare name has no value";
  EXPECT_TRUE(is_empty(*map.find("B")));
  EXPECT_TRUE(is_empty(yaml("[]")));
  EXPECT_FALSE(is_empty(yaml("x")));
}

TEST(ComposeTree, SetEntryReplacesAnEarlierKey) {
  YamlNode map = mapping_node({});
  set_entry(map, string_node("K", {}), string_node("1", {}));
  set_entry(map, string_node("K", {}), null_node({}));
  ASSERT_EQ(map.entries.size(), 1u);
  EXPECT_TRUE(value_of(map, "K")->is_null());
  EXPECT_EQ(value_of(map, "absent"), nullptr);
}

TEST(ComposeTree, ALaterFileMergesServiceFieldByField) {
  YamlNode base = yaml(R"(services:
  app:
    image: app:1
    environment: [A=1, B=2]
    volumes: [data:/data, logs:/logs]
    ports: ["80:80"]
    command: [serve, --old]
volumes: {data: {}, logs: {}}
)");
  merge_file(base, yaml(R"(services:
  app:
    image: ""
    environment: {B: "", C: "3"}
    volumes: [other:/data]
    ports: ["443:443", "80:80"]
    command: [serve]
volumes: {data: {external: true}}
)"));
  const YamlNode& app = *base.find("services")->find("app");
  EXPECT_EQ(app.find("image")->scalar, "app:1") << "an empty value does not override";
  const YamlNode& env = *app.find("environment");
  EXPECT_EQ(env.find("A")->scalar, "1");
  EXPECT_EQ(env.find("B")->scalar, "2") << "a later empty environment value keeps the earlier one";
  EXPECT_EQ(env.find("C")->scalar, "3");
  EXPECT_EQ(scalars(app.find("volumes")), (std::vector<std::string>{"other:/data", "logs:/logs"}))
      << "volumes merge by target";
  EXPECT_EQ(scalars(app.find("ports")), (std::vector<std::string>{"80:80", "443:443"})) << "ports accumulate";
  EXPECT_EQ(scalars(app.find("command")), (std::vector<std::string>{"serve"})) << "other lists are replaced";
  const YamlNode& volumes = *base.find("volumes");
  EXPECT_NE(volumes.find("data")->find("external"), nullptr) << "a top-level resource is replaced whole";
  EXPECT_NE(volumes.find("logs"), nullptr);
}

}  // namespace
}  // namespace ccci::harness::compose_tree
