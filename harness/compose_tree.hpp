#pragma once
/// The compose tree: compose files as YamlNode trees, read and edited the way docker's loader
/// does before it builds its model — what counts as empty, `K=V` lists read as mappings, and a
/// later file merged over an earlier one (docs/compose-model.md). The compose model
/// (harness/compose.hpp) is built from the merged tree; nothing else should need this.
#include <string>

#include "harness/yaml.hpp"

namespace ccci::harness::compose_tree {

YamlNode null_node(const Mark& mark);
YamlNode mapping_node(const Mark& mark);
/// A string, quoted so that "" stays a string rather than reading as null.
YamlNode string_node(std::string text, const Mark& mark);

/// What docker's merge counts as empty: null, "", or an empty list or mapping.
bool is_empty(const YamlNode& node);

/// The value of `key` in the mapping `map`, to edit in place; null when absent.
YamlNode* value_of(YamlNode& map, const std::string& key);

/// Sets `key` in the mapping `map`, replacing an earlier entry of that key.
void set_entry(YamlNode& map, const YamlNode& key, YamlNode value);

/// A `K=V` list, a mapping or nothing, as a mapping: `K=V` gives the string V, a bare `K` null.
YamlNode as_mapping(const YamlNode& node);

/// A list item's identity: a scalar itself, else a long-syntax item's `source`, else its `target`.
std::string scalar_identity(const YamlNode& node);

/// Merges the compose file `over` into `base` (both whole files, `over` the later): services
/// field by field (environment and labels by key, networks and depends_on by name, volumes by
/// target, secrets and configs by source, ports and the like accumulated, other lists and
/// scalars replaced; an empty value never overrides), top-level resources entry by entry, any
/// other section replaced unless `over` has it null. Lists are merged through an index, so a
/// hostile file of thousands of items merges in linear time.
void merge_file(YamlNode& base, const YamlNode& over);

}  // namespace ccci::harness::compose_tree
