#include "harness/json_document.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <system_error>

namespace ccci::harness {

Result<boost::json::value> parse_json_document(std::string_view text) {
  if (text.size() > JsonLimits::max_bytes) {
    return make_error(ErrorKind::check_failed, "the body is not read as JSON: it is larger than " +
                                                   std::to_string(JsonLimits::max_bytes) + " bytes");
  }
  boost::json::parse_options options;
  options.max_depth = JsonLimits::max_depth;
  boost::json::error_code ec;
  boost::json::value value = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec) return make_error(ErrorKind::check_failed, "the body is not JSON (" + ec.message() + ")");
  return value;
}

bool is_json_pointer(std::string_view pointer) {
  if (pointer.empty()) return true;
  if (pointer.front() != '/') return false;
  for (size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] != '~') continue;
    if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) return false;
  }
  return true;
}

Result<const boost::json::value*> json_pointer(const boost::json::value& document, std::string_view pointer) {
  if (!is_json_pointer(pointer)) {
    return make_error(ErrorKind::spec, "'" + std::string(pointer) + "' is not a JSON pointer (RFC 6901)");
  }
  std::error_code ec;
  const boost::json::value* found = document.find_pointer(boost::json::string_view(pointer.data(), pointer.size()), ec);
  if (!found) return make_error(ErrorKind::not_found, std::string(pointer) + " is missing (" + ec.message() + ")");
  return found;
}

bool json_same(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
    return a == b;  // int64 and uint64 of equal value are equal
  }
  return a == b;
}

std::string json_shown(const boost::json::value& value, size_t max_bytes) {
  std::string text = boost::json::serialize(value);
  return text.size() > max_bytes ? text.substr(0, max_bytes) + "…" : text;
}

}  // namespace ccci::harness
