#pragma once
/// YAML adapter: the only module that talks libyaml. Parses one document into a YamlNode tree in
/// which every node knows where it came from (file:line:col, 1-based). Anchors and aliases are
/// resolved and merge keys (`<<: *base`) are applied, as docker's compose loader does. Scalars
/// stay strings; typing them is the caller's business (spec.cpp, compose.cpp).
/// Errors are ErrorKind::spec with the position in the message.
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/result.hpp"

namespace ccci::harness {

struct Mark {
  std::string file;
  int line = 0;    ///< 1-based
  int column = 0;  ///< 1-based
};

/// "file:line:col"
std::string to_string(const Mark& mark);

class YamlNode {
 public:
  enum class Kind { null, scalar, sequence, mapping };

  Kind kind = Kind::null;
  Mark mark;
  std::string scalar;     ///< text of a scalar
  bool quoted = false;    ///< the scalar was written quoted (so "null", "true" stay strings)
  std::vector<YamlNode> items;                          ///< sequence elements
  std::vector<std::pair<YamlNode, YamlNode>> entries;   ///< mapping entries, in document order

  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_mapping() const { return kind == Kind::mapping; }
  /// Explicit nulls (`~`, `null`, empty plain scalar) count as null too.
  bool is_null() const;

  /// The value for a scalar key of a mapping, or nullptr.
  const YamlNode* find(std::string_view key) const;
  /// "mapping", "sequence", "scalar", "null": for error messages.
  std::string_view kind_name() const;
};

/// Parses `text`; `file` is only used in marks and messages.
Result<YamlNode> parse_yaml(std::string_view text, const std::string& file);
Result<YamlNode> load_yaml_file(const std::filesystem::path& path);

}  // namespace ccci::harness
