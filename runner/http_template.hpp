#pragma once
/// `${name}` in the path, body and header values of an http step: a value an earlier step of the
/// same check captured (runner/spec.hpp HttpCapture). `$$` is a literal `$`; a `$` followed by
/// anything else is itself. A name is a lower-case letter or `_`, then letters, digits and `_`,
/// at most 128 characters. Captured values are app-controlled: they are substituted as text into
/// the request only (never into a shell or argv); in a path, every byte outside RFC 3986's
/// unreserved set and `/` is percent-encoded, so a value cannot add a query, a fragment or a
/// `..` segment's meaning beyond its own characters.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/result.hpp"

namespace ccci::runner {

/// Whether `name` may be a capture name.
bool is_capture_name(std::string_view name);

/// The names `text` refers to, in order; ErrorKind::spec for an unclosed `${` or a bad name.
harness::Result<std::vector<std::string>> template_names(std::string_view text);

enum class TemplateEscape { none, path };

/// `text` with every `${name}` replaced by values.at(name) (escaped per `escape`) and `$$` by `$`;
/// ErrorKind::spec when a name has no value (load_spec rules that out for specs it read).
harness::Result<std::string> substitute(std::string_view text, const std::map<std::string, std::string>& values,
                                        TemplateEscape escape);

/// `value` percent-encoded for a URL path: unreserved characters and `/` stay.
std::string path_escaped(std::string_view value);

}  // namespace ccci::runner
