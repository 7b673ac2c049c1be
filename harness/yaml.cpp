#include "harness/yaml.hpp"

#include <yaml.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <unordered_set>

#include "harness/text.hpp"

namespace ccci::harness {
namespace {

Error error_at(const Mark& mark, const std::string& message) {
  return make_error(ErrorKind::spec, to_string(mark) + ": " + message);
}

std::string hex(unsigned value, int digits) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%0*X", digits, value);
  return buffer;
}

// ---- input characters ---------------------------------------------------------------------

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

/// YAML's line breaks beyond LF and CR: NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR (libyaml's IS_BREAK).
bool is_unicode_line_break(char32_t code) { return code == 0x85 || code == 0x2028 || code == 0x2029; }

/// The characters libyaml's reader accepts (YAML 1.1 "printable").
bool yaml_printable(char32_t code) {
  return code == 0x09 || code == 0x0A || code == 0x0D || (code >= 0x20 && code <= 0x7E) || code == 0x85 ||
         (code >= 0xA0 && code <= 0xD7FF) || (code >= 0xE000 && code <= 0xFFFD) ||
         (code >= 0x10000 && code <= 0x10FFFF);
}

/// Where byte `offset` of `text` is, counted as libyaml counts marks: a leading BOM takes no
/// column, CR LF is one break, columns count characters.
Mark mark_at(std::string_view text, size_t offset, const std::string& file) {
  Mark mark{file, 1, 1};
  size_t i = text.substr(0, utf8_bom.size()) == utf8_bom ? utf8_bom.size() : 0;
  while (i < offset && i < text.size()) {
    if (text[i] == '\r' || text[i] == '\n') {
      i += text.substr(i, 2) == "\r\n" ? 2 : 1;
      ++mark.line;
      mark.column = 1;
      continue;
    }
    char32_t code = 0;
    size_t length = std::max<size_t>(utf8_sequence(text, i, code), 1);
    i += length;
    if (is_unicode_line_break(code)) {
      ++mark.line;
      mark.column = 1;
    } else {
      ++mark.column;
    }
  }
  return mark;
}

struct Forbidden {
  size_t offset;
  std::string problem;
};

/// The first byte libyaml's reader would refuse (it reports those without a usable position).
std::optional<Forbidden> first_forbidden_character(std::string_view text) {
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") {
    return Forbidden{0, "UTF-16 is not supported; write the file as UTF-8"};
  }
  size_t i = text.substr(0, utf8_bom.size()) == utf8_bom ? utf8_bom.size() : 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0) return Forbidden{i, "a NUL byte is not allowed in YAML"};
    char32_t code = 0;
    size_t length = utf8_sequence(text, i, code);
    if (length == 0) return Forbidden{i, "invalid UTF-8 (byte 0x" + hex(byte, 2) + ")"};
    if (!yaml_printable(code)) {
      std::string what = code < 0x80 ? "control character 0x" + hex(code, 2) : "character U+" + hex(code, 4);
      return Forbidden{i, what + " is not allowed in YAML"};
    }
    i += length;
  }
  return std::nullopt;
}

// ---- the reader ---------------------------------------------------------------------------

/// What a built subtree cost; remembered with each anchor so an alias is priced before copying.
struct Extent {
  size_t nodes = 0;
  size_t text_bytes = 0;  ///< scalar bytes and, per node, the file name its mark holds
  int height = 0;         ///< levels below the subtree's root

  void add_child(const Extent& child) {
    nodes += child.nodes;
    text_bytes += child.text_bytes;
    height = std::max(height, child.height + 1);
  }
};

struct Built {
  YamlNode node;
  Extent extent;
};

std::string anchor_name(const yaml_char_t* anchor) { return anchor ? reinterpret_cast<const char*>(anchor) : ""; }

class EventReader {
 public:
  EventReader(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~EventReader() {
    if (has_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  Result<YamlNode> read_document_root() {
    CCCI_TRY_STATUS(expect(YAML_STREAM_START_EVENT));
    CCCI_TRY_STATUS(next());
    if (event_.type == YAML_STREAM_END_EVENT)
      return YamlNode{YamlNode::Kind::null, mark_of(event_.start_mark), {}, false, {}, {}};
    if (event_.type != YAML_DOCUMENT_START_EVENT) return error_here("expected a YAML document");
    CCCI_TRY_STATUS(next());
    CCCI_TRY(Built root, read_node(0));
    CCCI_TRY_STATUS(next());
    if (event_.type != YAML_DOCUMENT_END_EVENT) return error_here("expected the end of the document");
    CCCI_TRY_STATUS(next());
    if (event_.type != YAML_STREAM_END_EVENT) return error_here("more than one YAML document; only one is supported");
    return std::move(root.node);
  }

 private:
  Status next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = false;
    if (!yaml_parser_parse(&parser_, &event_)) {
      // A reader error carries only a byte offset; scanner and parser errors carry a mark.
      Mark mark = parser_.error == YAML_READER_ERROR ? mark_at(text_, parser_.problem_offset, file_)
                                                     : mark_of(parser_.problem_mark);
      std::string problem = parser_.problem ? parser_.problem : "malformed YAML";
      if (parser_.context) problem = std::string(parser_.context) + ": " + problem;
      return error_at(mark, problem);
    }
    has_event_ = true;
    return ok_status();
  }

  Status expect(yaml_event_type_t type) {
    CCCI_TRY_STATUS(next());
    if (event_.type != type) return error_here("unexpected YAML event");
    return ok_status();
  }

  Mark mark_of(const yaml_mark_t& m) const {
    return Mark{file_, static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
  }

  Error error_here(const std::string& message) const { return error_at(mark_of(event_.start_mark), message); }

  /// Books `cost` against the document's limits before it is built; fails at `where`.
  Status charge(const Extent& cost, const Mark& where, const std::string& subject) {
    if (cost.nodes > YamlLimits::max_nodes - nodes_built_) {
      return error_at(where, subject + " takes the document past " + std::to_string(YamlLimits::max_nodes) +
                                 " nodes (an alias counts as a copy of its anchor)");
    }
    if (cost.text_bytes > YamlLimits::max_text_bytes - text_bytes_built_) {
      return error_at(where, subject + " takes the document past " + std::to_string(YamlLimits::max_text_bytes >> 20) +
                                 " MiB of text (an alias counts as a copy of its anchor)");
    }
    nodes_built_ += cost.nodes;
    text_bytes_built_ += cost.text_bytes;
    return ok_status();
  }

  /// Keeps a copy of an anchored subtree for its aliases; the copy is charged like any other.
  Status remember_anchor(const std::string& name, const Built& built) {
    if (name.empty()) return ok_status();
    CCCI_TRY_STATUS(charge(built.extent, built.node.mark, "anchor &" + name));
    anchors_[name] = built;
    return ok_status();
  }

  /// A new collection node at the current event, its own cost booked.
  Result<Built> start_collection(YamlNode::Kind kind) {
    Built built;
    built.node.kind = kind;
    built.node.mark = mark_of(event_.start_mark);
    built.extent = Extent{1, file_.size(), 0};
    CCCI_TRY_STATUS(charge(built.extent, built.node.mark, "this node"));
    return built;
  }

  // Reads the node whose first event is the current one; leaves its last event current.
  Result<Built> read_node(int depth) {
    if (depth > YamlLimits::max_depth) {
      return error_here("YAML nested too deeply (more than " + std::to_string(YamlLimits::max_depth) + " levels)");
    }
    switch (event_.type) {
      case YAML_ALIAS_EVENT: return read_alias(depth);
      case YAML_SCALAR_EVENT: return read_scalar();
      case YAML_SEQUENCE_START_EVENT: return read_sequence(depth);
      case YAML_MAPPING_START_EVENT: return read_mapping(depth);
      default: return error_here("unexpected YAML event");
    }
  }

  Result<Built> read_alias(int depth) {
    std::string name = anchor_name(event_.data.alias.anchor);
    auto found = anchors_.find(name);
    if (found == anchors_.end()) return error_here("unknown alias *" + name);
    const Built& anchored = found->second;
    if (depth + anchored.extent.height > YamlLimits::max_depth) {
      return error_here("alias *" + name + " nests the document more than " + std::to_string(YamlLimits::max_depth) +
                        " levels deep");
    }
    CCCI_TRY_STATUS(charge(anchored.extent, mark_of(event_.start_mark), "alias *" + name));
    return anchored;
  }

  Result<Built> read_scalar() {
    const auto& scalar = event_.data.scalar;
    if (scalar.length > YamlLimits::max_scalar_bytes) {
      return error_here("a scalar of " + std::to_string(scalar.length) + " bytes; at most " +
                        std::to_string(YamlLimits::max_scalar_bytes) + " are allowed");
    }
    Built built;
    built.node.kind = YamlNode::Kind::scalar;
    built.node.mark = mark_of(event_.start_mark);
    built.node.scalar.assign(reinterpret_cast<const char*>(scalar.value), scalar.length);
    built.node.quoted = scalar.style != YAML_PLAIN_SCALAR_STYLE;
    built.extent = Extent{1, scalar.length + file_.size(), 0};
    CCCI_TRY_STATUS(charge(built.extent, built.node.mark, "this scalar"));
    CCCI_TRY_STATUS(remember_anchor(anchor_name(scalar.anchor), built));
    return built;
  }

  Result<Built> read_sequence(int depth) {
    std::string anchor = anchor_name(event_.data.sequence_start.anchor);
    CCCI_TRY(Built built, start_collection(YamlNode::Kind::sequence));
    for (;;) {
      CCCI_TRY_STATUS(next());
      if (event_.type == YAML_SEQUENCE_END_EVENT) break;
      if (built.node.items.size() == YamlLimits::max_entries) {
        return error_here("a sequence of more than " + std::to_string(YamlLimits::max_entries) + " items");
      }
      CCCI_TRY(Built item, read_node(depth + 1));
      built.extent.add_child(item.extent);
      built.node.items.push_back(std::move(item.node));
    }
    CCCI_TRY_STATUS(remember_anchor(anchor, built));
    return built;
  }

  Result<Built> read_mapping(int depth) {
    std::string anchor = anchor_name(event_.data.mapping_start.anchor);
    CCCI_TRY(Built built, start_collection(YamlNode::Kind::mapping));
    YamlNode& node = built.node;
    std::unordered_set<std::string> scalar_keys;  // duplicate detection in O(1) per key
    std::vector<YamlNode> merges;
    Mark merge_mark;
    for (;;) {
      CCCI_TRY_STATUS(next());
      if (event_.type == YAML_MAPPING_END_EVENT) break;
      if (node.entries.size() == YamlLimits::max_entries) return error_here(too_many_keys());
      CCCI_TRY(Built key, read_node(depth + 1));
      CCCI_TRY_STATUS(next());
      CCCI_TRY(Built value, read_node(depth + 1));
      built.extent.add_child(key.extent);
      built.extent.add_child(value.extent);
      if (key.node.is_scalar() && !key.node.quoted && key.node.scalar == "<<") {
        if (merges.empty()) merge_mark = key.node.mark;
        CCCI_TRY_STATUS(collect_merge_sources(std::move(value.node), merges));
        continue;
      }
      if (key.node.is_scalar() && !scalar_keys.insert(key.node.scalar).second) {
        return error_at(key.node.mark, "duplicate key '" + key.node.scalar + "'");
      }
      node.entries.emplace_back(std::move(key.node), std::move(value.node));
    }
    CCCI_TRY_STATUS(apply_merges(node, std::move(merges), scalar_keys, merge_mark));
    CCCI_TRY_STATUS(remember_anchor(anchor, built));
    return built;
  }

  static std::string too_many_keys() {
    return "a mapping of more than " + std::to_string(YamlLimits::max_entries) + " keys";
  }

  static Status collect_merge_sources(YamlNode value, std::vector<YamlNode>& merges) {
    if (value.is_mapping()) {
      merges.push_back(std::move(value));
      return ok_status();
    }
    if (value.is_sequence()) {
      for (auto& item : value.items) {
        if (!item.is_mapping()) return error_at(item.mark, "a merge key (<<) takes mappings");
        merges.push_back(std::move(item));
      }
      return ok_status();
    }
    return error_at(value.mark, "a merge key (<<) takes a mapping or a list of mappings");
  }

  // Explicit keys win; among merge sources the earlier one wins (YAML merge-key semantics).
  static Status apply_merges(YamlNode& node, std::vector<YamlNode> merges, std::unordered_set<std::string>& scalar_keys,
                             const Mark& merge_mark) {
    for (auto& source : merges) {
      for (auto& entry : source.entries) {
        if (entry.first.is_scalar() && !scalar_keys.insert(entry.first.scalar).second) continue;
        if (node.entries.size() == YamlLimits::max_entries)
          return error_at(merge_mark, too_many_keys() + " after merging");
        node.entries.push_back(std::move(entry));
      }
    }
    return ok_status();
  }

  std::string_view text_;
  std::string file_;
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool has_event_ = false;
  std::map<std::string, Built> anchors_;
  size_t nodes_built_ = 0;
  size_t text_bytes_built_ = 0;
};

}  // namespace

std::string to_string(const Mark& mark) {
  return mark.file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

bool YamlNode::is_null() const {
  if (kind == Kind::null) return true;
  if (kind != Kind::scalar || quoted) return false;
  return scalar.empty() || scalar == "~" || scalar == "null" || scalar == "Null" || scalar == "NULL";
}

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_scalar() && k.scalar == key) return &v;
  }
  return nullptr;
}

std::string_view YamlNode::kind_name() const {
  if (is_null()) return "null";
  switch (kind) {
    case Kind::scalar: return "scalar";
    case Kind::sequence: return "sequence";
    case Kind::mapping: return "mapping";
    case Kind::null: return "null";
  }
  return "unknown";
}

Result<YamlNode> parse_yaml(std::string_view text, const std::string& file) {
  if (text.size() > YamlLimits::max_input_bytes) {
    return error_at(mark_at(text, YamlLimits::max_input_bytes, file),
                    "the document is longer than " + std::to_string(YamlLimits::max_input_bytes >> 20) + " MiB");
  }
  if (auto forbidden = first_forbidden_character(text)) {
    return error_at(mark_at(text, forbidden->offset, file), forbidden->problem);
  }
  EventReader reader(text, file);
  return reader.read_document_root();
}

Result<YamlNode> load_yaml_file(const std::filesystem::path& path) {
  std::error_code error;  // a FIFO would block the open, a device never end
  if (auto status = std::filesystem::status(path, error);
      std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return make_error(ErrorKind::spec,
                      path.string() + ":1:1: not a regular file (a device, FIFO or directory is never read)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::not_found, path.string() + ": cannot read file");
  // Past the limit is enough to report it; a huge or endless file is never read whole.
  std::string text;
  std::array<char, 1 << 16> chunk;
  while (text.size() <= YamlLimits::max_input_bytes) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad()) return make_error(ErrorKind::not_found, path.string() + ": cannot read file");
  return parse_yaml(text, path.string());
}

}  // namespace ccci::harness
