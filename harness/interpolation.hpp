#pragma once
/// Compose interpolation: every scalar of a compose file is substituted from the app env the way
/// docker's loader does it — `${VAR}`, `$VAR`, `${VAR:-default}` (unset or empty),
/// `${VAR-default}` (unset), `${VAR:?message}`, `${VAR?message}` (required), `${VAR:+other}`,
/// `${VAR+other}`, and `$$` for a dollar; defaults and messages are interpolated in turn.
///
/// Compose files are hostile input, so interpolation is bounded: defaults nest at most 16 deep,
/// one interpolated scalar is at most YamlLimits::max_scalar_bytes, and one file's interpolated
/// scalars together at most 8 MiB. Every error is ErrorKind::spec naming the scalar's
/// file:line:col.
#include <map>
#include <string>
#include <string_view>

#include "harness/result.hpp"
#include "harness/yaml.hpp"

namespace ccci::harness {

/// Interpolates one scalar; `mark` is where it was written, for errors.
Result<std::string> interpolate(std::string_view text, const std::map<std::string, std::string>& env, const Mark& mark);

/// Interpolates every scalar below `node` (one whole compose file) in place.
Status interpolate_tree(YamlNode& node, const std::map<std::string, std::string>& env);

}  // namespace ccci::harness
