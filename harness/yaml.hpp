#pragma once
/// YAML adapter: the only module that talks libyaml. Parses one document into a YamlNode tree in
/// which every node knows where it came from (file:line:col, 1-based). Anchors and aliases are
/// resolved and merge keys (`<<: *base`) are applied, as docker's compose loader does. Scalars
/// stay strings; typing them is the caller's business (spec.cpp, compose.cpp).
///
/// Recipe files are hostile input (a PR author writes them): a document is held to YamlLimits
/// in bounded time and memory. An alias counts as the whole subtree it copies, and its budget is
/// checked before the copy is made, so a "billion laughs" document stops after a few copies.
/// Input must be UTF-8 of the characters YAML allows; a NUL, a control character or a bad byte is
/// reported at its own line and column.
/// Every parse error is ErrorKind::spec and its message starts with "file:line:col: "; a file that
/// cannot be opened is ErrorKind::not_found.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/result.hpp"

namespace ccci::harness {

/// What one document may cost. Real Co-op Cloud compose files are a few hundred lines (a few
/// thousand nodes, depth under 10); each bound is one to two orders of magnitude above that.
struct YamlLimits {
  static constexpr size_t max_input_bytes = size_t{4} << 20;     ///< the document's text
  static constexpr int max_depth = 200;                          ///< nesting, after alias expansion
  static constexpr size_t max_nodes = 100'000;                   ///< nodes built, alias copies included
  static constexpr size_t max_text_bytes = size_t{32} << 20;     ///< scalar and file-name bytes built
  static constexpr size_t max_scalar_bytes = size_t{256} << 10;  ///< one scalar (or key)
  static constexpr size_t max_entries = 10'000;                  ///< keys of a mapping, items of a sequence
};

struct Mark {
  std::string file;
  int line = 0;    ///< 1-based
  int column = 0;  ///< 1-based, in characters
};

/// "file:line:col"
std::string to_string(const Mark& mark);

struct YamlEntry;

class YamlNode {
 public:
  enum class Kind { null, scalar, sequence, mapping };

  Kind kind = Kind::null;
  Mark mark;
  std::string scalar;              ///< text of a scalar
  bool quoted = false;             ///< the scalar was written quoted (so "null", "true" stay strings)
  std::vector<YamlNode> items;     ///< sequence elements
  std::vector<YamlEntry> entries;  ///< mapping entries, in document order

  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_mapping() const { return kind == Kind::mapping; }
  /// Explicit nulls (`~`, `null`, empty plain scalar) count as null too.
  bool is_null() const;

  /// The value for a scalar key of a mapping, or nullptr (a linear search: for lookups by name).
  const YamlNode* find(std::string_view key) const;
  /// "mapping", "sequence", "scalar", "null": for error messages.
  std::string_view kind_name() const;
};

/// One key and its value. A struct rather than std::pair (which cannot hold the still incomplete
/// YamlNode under clang); the members keep pair's names so `[key, value]` and `.first` still read.
struct YamlEntry {
  YamlEntry(YamlNode key, YamlNode value) : first(std::move(key)), second(std::move(value)) {}
  YamlNode first;   ///< the key
  YamlNode second;  ///< the value
};

/// Parses `text`; `file` is only used in marks and messages.
Result<YamlNode> parse_yaml(std::string_view text, const std::string& file);
/// Reads at most YamlLimits::max_input_bytes (and a little more, to report the excess) and parses
/// them; anything but a regular file (a device, a FIFO, a directory) is refused unread.
Result<YamlNode> load_yaml_file(const std::filesystem::path& path);

}  // namespace ccci::harness
