#include "harness/identity_provider.hpp"

#include <algorithm>

#include "harness/redactor.hpp"
#include "harness/text.hpp"

namespace ccci::harness {
namespace {

constexpr size_t max_name_length = 64;
constexpr size_t excerpt_bytes = 200;

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// The start of a redacted body on one line: control characters (an HTML error page's line
/// breaks) become spaces, the text is cut after `excerpt_bytes` and stays valid UTF-8.
std::string one_line_excerpt(std::string_view redacted) {
  std::string shown;
  for (char c : redacted.substr(0, excerpt_bytes)) {
    auto byte = static_cast<unsigned char>(c);
    shown += byte < 0x20 || byte == 0x7f ? ' ' : c;
  }
  if (redacted.size() > excerpt_bytes) shown += "…";
  return repair_utf8(shown);
}

}  // namespace

bool is_plain_realm_name(std::string_view realm) {
  if (realm.empty() || realm.size() > max_name_length || realm == "." || realm == "..") return false;
  return std::all_of(realm.begin(), realm.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool is_plain_id(std::string_view id) {
  if (id.empty() || id.size() > max_name_length) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

std::string status_line(long status) {
  switch (status) {
    case 200: return "200 OK";
    case 201: return "201 Created";
    case 204: return "204 No Content";
    case 301: return "301 Moved Permanently";
    case 302: return "302 Found";
    case 303: return "303 See Other";
    case 307: return "307 Temporary Redirect";
    case 400: return "400 Bad Request";
    case 401: return "401 Unauthorized";
    case 403: return "403 Forbidden";
    case 404: return "404 Not Found";
    case 405: return "405 Method Not Allowed";
    case 409: return "409 Conflict";
    case 415: return "415 Unsupported Media Type";
    case 429: return "429 Too Many Requests";
    case 500: return "500 Internal Server Error";
    case 502: return "502 Bad Gateway";
    case 503: return "503 Service Unavailable";
    case 504: return "504 Gateway Timeout";
    default: return std::to_string(status);
  }
}

StepErrors::StepErrors(std::string provider, std::string phase, ErrorKind refusal_kind, const Redactor& redactor)
    : provider_(std::move(provider)), phase_(std::move(phase)), refusal_kind_(refusal_kind), redactor_(redactor) {}

std::string StepErrors::prefix(std::string_view step) const {
  return phase_ + " step '" + std::string(step) + "' failed: ";
}

Error StepErrors::refused(std::string_view step, const HttpResponse& response, std::string_view why) const {
  std::string message = prefix(step) + provider_ + " answered " + status_line(response.status);
  if (!why.empty()) message += ": " + redactor_.redact(why);
  // Redacted before it is cut, so a secret straddling the cut is still masked whole.
  std::string body = redactor_.redact(response.body);
  message += body.empty() ? std::string(" (empty body)") : ": " + one_line_excerpt(body);
  return make_error(refusal_kind_, message);
}

Error StepErrors::malformed(std::string_view step, std::string_view what) const {
  return make_error(refusal_kind_, prefix(step) + provider_ + "'s answer " + redactor_.redact(what));
}

Error StepErrors::transport(std::string_view step, const Error& cause) const {
  return make_error(cause.kind, prefix(step) + redactor_.redact(cause.message));
}

Error StepErrors::bad_request(std::string_view step, std::string_view what) const {
  return make_error(ErrorKind::usage, prefix(step) + redactor_.redact(what));
}

}  // namespace ccci::harness
