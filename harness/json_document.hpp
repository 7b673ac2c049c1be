#pragma once
/// JSON read from an app's answer (hostile input): parse_json_document parses with Boost.JSON
/// within JsonLimits — a size cap and a nesting cap, so neither memory nor the stack of the
/// recursive destructor is at the mercy of the body — and answers ErrorKind::check_failed naming
/// why a body is not JSON. json_pointer looks a value up by an RFC 6901 pointer. json_same
/// compares as JSON: numbers by value (1 equals 1.0), strings, booleans and null by kind and value.
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "harness/result.hpp"

namespace ccci::harness {

struct JsonLimits {
  static constexpr size_t max_bytes = size_t{8} * 1024 * 1024;
  static constexpr size_t max_depth = 64;
};

Result<boost::json::value> parse_json_document(std::string_view text);

/// The value `pointer` names in `document`; ErrorKind::not_found saying which part is missing, or
/// ErrorKind::spec when `pointer` is not an RFC 6901 pointer. The empty pointer is the whole document.
Result<const boost::json::value*> json_pointer(const boost::json::value& document, std::string_view pointer);

/// Whether `pointer` is an RFC 6901 pointer: empty, or `/` segments with `~` only as `~0`/`~1`.
bool is_json_pointer(std::string_view pointer);

bool json_same(const boost::json::value& a, const boost::json::value& b);

/// A value as compact JSON text for messages: strings quoted, cut after `max_bytes`.
std::string json_shown(const boost::json::value& value, size_t max_bytes = 120);

}  // namespace ccci::harness
