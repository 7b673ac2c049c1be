#include "harness/yaml.hpp"

#include <yaml.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace ccci::harness {
namespace {

constexpr int max_depth = 200;

class EventReader {
 public:
  EventReader(std::string_view text, std::string file) : file_(std::move(file)) {
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
    if (event_.type == YAML_STREAM_END_EVENT) return YamlNode{YamlNode::Kind::null, mark_of(event_.start_mark), {}, false, {}, {}};
    if (event_.type != YAML_DOCUMENT_START_EVENT) return error_here("expected a YAML document");
    CCCI_TRY_STATUS(next());
    CCCI_TRY(YamlNode root, read_node(0));
    CCCI_TRY_STATUS(next());
    if (event_.type != YAML_DOCUMENT_END_EVENT) return error_here("expected the end of the document");
    CCCI_TRY_STATUS(next());
    if (event_.type != YAML_STREAM_END_EVENT) return error_here("more than one YAML document; only one is supported");
    return root;
  }

 private:
  Status next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = false;
    if (!yaml_parser_parse(&parser_, &event_)) {
      Mark mark{file_, static_cast<int>(parser_.problem_mark.line) + 1, static_cast<int>(parser_.problem_mark.column) + 1};
      std::string problem = parser_.problem ? parser_.problem : "malformed YAML";
      if (parser_.context) problem = std::string(parser_.context) + ": " + problem;
      return make_error(ErrorKind::spec, to_string(mark) + ": " + problem);
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

  Error error_here(const std::string& message) const {
    return make_error(ErrorKind::spec, to_string(mark_of(event_.start_mark)) + ": " + message);
  }

  void remember_anchor(const yaml_char_t* anchor, const YamlNode& node) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = node;
  }

  // Reads the node whose first event is the current one; leaves its last event current.
  Result<YamlNode> read_node(int depth) {
    if (depth > max_depth) return error_here("YAML nested too deeply");
    YamlNode node;
    node.mark = mark_of(event_.start_mark);
    switch (event_.type) {
      case YAML_ALIAS_EVENT: {
        std::string name = reinterpret_cast<const char*>(event_.data.alias.anchor);
        auto found = anchors_.find(name);
        if (found == anchors_.end()) return error_here("unknown alias *" + name);
        return found->second;
      }
      case YAML_SCALAR_EVENT: {
        node.kind = YamlNode::Kind::scalar;
        node.scalar.assign(reinterpret_cast<const char*>(event_.data.scalar.value), event_.data.scalar.length);
        node.quoted = event_.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        remember_anchor(event_.data.scalar.anchor, node);
        return node;
      }
      case YAML_SEQUENCE_START_EVENT: {
        node.kind = YamlNode::Kind::sequence;
        std::string anchor = event_.data.sequence_start.anchor ? reinterpret_cast<const char*>(event_.data.sequence_start.anchor) : "";
        for (;;) {
          CCCI_TRY_STATUS(next());
          if (event_.type == YAML_SEQUENCE_END_EVENT) break;
          CCCI_TRY(YamlNode item, read_node(depth + 1));
          node.items.push_back(std::move(item));
        }
        if (!anchor.empty()) anchors_[anchor] = node;
        return node;
      }
      case YAML_MAPPING_START_EVENT: {
        node.kind = YamlNode::Kind::mapping;
        std::string anchor = event_.data.mapping_start.anchor ? reinterpret_cast<const char*>(event_.data.mapping_start.anchor) : "";
        std::vector<YamlNode> merges;
        for (;;) {
          CCCI_TRY_STATUS(next());
          if (event_.type == YAML_MAPPING_END_EVENT) break;
          CCCI_TRY(YamlNode key, read_node(depth + 1));
          CCCI_TRY_STATUS(next());
          CCCI_TRY(YamlNode value, read_node(depth + 1));
          if (key.is_scalar() && !key.quoted && key.scalar == "<<") {
            CCCI_TRY_STATUS(collect_merge_sources(value, merges));
            continue;
          }
          if (key.is_scalar() && node.find(key.scalar)) {
            return make_error(ErrorKind::spec, to_string(key.mark) + ": duplicate key '" + key.scalar + "'");
          }
          node.entries.emplace_back(std::move(key), std::move(value));
        }
        apply_merges(node, merges);
        if (!anchor.empty()) anchors_[anchor] = node;
        return node;
      }
      default:
        return error_here("unexpected YAML event");
    }
  }

  static Status collect_merge_sources(const YamlNode& value, std::vector<YamlNode>& merges) {
    if (value.is_mapping()) {
      merges.push_back(value);
      return ok_status();
    }
    if (value.is_sequence()) {
      for (const auto& item : value.items) {
        if (!item.is_mapping()) return make_error(ErrorKind::spec, to_string(item.mark) + ": a merge key (<<) takes mappings");
        merges.push_back(item);
      }
      return ok_status();
    }
    return make_error(ErrorKind::spec, to_string(value.mark) + ": a merge key (<<) takes a mapping or a list of mappings");
  }

  // Explicit keys win; among merge sources the earlier one wins (YAML merge-key semantics).
  static void apply_merges(YamlNode& node, const std::vector<YamlNode>& merges) {
    for (const auto& source : merges) {
      for (const auto& [key, value] : source.entries) {
        if (key.is_scalar() && node.find(key.scalar)) continue;
        node.entries.emplace_back(key, value);
      }
    }
  }

  std::string file_;
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool has_event_ = false;
  std::map<std::string, YamlNode> anchors_;
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
  EventReader reader(text, file);
  return reader.read_document_root();
}

Result<YamlNode> load_yaml_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::not_found, path.string() + ": cannot read file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_yaml(buffer.str(), path.string());
}

}  // namespace ccci::harness
