// Fuzz target: harness::parse_yaml, the one libyaml adapter, fed any bytes. A document either
// parses within YamlLimits or fails with a spec error at file:line:col — quickly.
#include <vector>

#include "fuzz/fuzz_checks.hpp"
#include "harness/yaml.hpp"

namespace {

using ccci::fuzz::require;
using ccci::harness::YamlLimits;
using ccci::harness::YamlNode;

/// Walks the tree without recursion, checking what YamlLimits promise.
void require_within_limits(const YamlNode& root) {
  struct Visit {
    const YamlNode* node;
    int depth;
  };
  std::vector<Visit> pending{{&root, 0}};
  size_t nodes = 0;
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    ++nodes;
    require(depth <= YamlLimits::max_depth, "the tree is no deeper than max_depth");
    require(node->mark.line >= 1 && node->mark.column >= 1, "marks are 1-based");
    require(node->scalar.size() <= YamlLimits::max_scalar_bytes, "scalars stay within max_scalar_bytes");
    require(node->items.size() <= YamlLimits::max_entries && node->entries.size() <= YamlLimits::max_entries,
            "collections stay within max_entries");
    for (const auto& item : node->items) pending.push_back({&item, depth + 1});
    for (const auto& [key, value] : node->entries) {
      pending.push_back({&key, depth + 1});
      pending.push_back({&value, depth + 1});
    }
  }
  require(nodes <= YamlLimits::max_nodes, "the tree holds at most max_nodes nodes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccci::fuzz::InputClock clock;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto document = ccci::harness::parse_yaml(text, "fuzz.yml");
  if (document.ok()) {
    require_within_limits(*document);
  } else {
    ccci::fuzz::require_positioned_spec_error(document.error(), {"fuzz.yml"});
  }
  clock.require_in_time("parse_yaml is quick");
  return 0;
}
