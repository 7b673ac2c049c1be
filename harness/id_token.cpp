#include "harness/id_token.hpp"

#include <boost/json/object.hpp>
#include <cmath>
#include <cstdint>

#include "harness/json_document.hpp"
#include "harness/jws.hpp"
#include "harness/text.hpp"

namespace ccci::harness {
namespace {

Error failed(std::string message) { return make_error(ErrorKind::check_failed, std::move(message)); }

std::string shown(const boost::json::value* value) { return value ? json_shown(*value) : std::string("missing"); }

/// Far beyond any real date (year 5138), so the arithmetic below cannot overflow.
constexpr int64_t max_numeric_date = 100'000'000'000;

/// A NumericDate claim (seconds since the epoch, RFC 7519 §2), whole seconds.
Result<int64_t> numeric_date(const boost::json::object& claims, std::string_view name) {
  const boost::json::value* value = claims.if_contains(name);
  double seconds = 0;
  if (value && value->is_int64()) seconds = static_cast<double>(value->as_int64());
  if (value && value->is_uint64()) seconds = static_cast<double>(value->as_uint64());
  if (value && value->is_double()) seconds = std::floor(value->as_double());
  if (!value || !value->is_number() || std::fabs(seconds) > static_cast<double>(max_numeric_date)) {
    return failed("the ID token's " + std::string(name) + " is " + shown(value) + ", not a date in seconds");
  }
  return static_cast<int64_t>(seconds);
}

Status check_audience(const boost::json::object& claims, const std::string& client_id) {
  const boost::json::value* aud = claims.if_contains("aud");
  const boost::json::value* azp = claims.if_contains("azp");
  std::string expected = quoted(client_id, '"', 120);
  size_t audiences = 0;
  bool found = false;
  if (aud && aud->is_string()) {
    audiences = 1;
    found = aud->as_string() == client_id;
  } else if (aud && aud->is_array()) {
    audiences = aud->as_array().size();
    for (const boost::json::value& entry : aud->as_array()) {
      if (!entry.is_string()) return failed("the ID token's aud is " + shown(aud) + ", which holds a non-string");
      found = found || entry.as_string() == client_id;
    }
  }
  if (!found) return failed("the ID token's aud is " + shown(aud) + ", expected it to hold " + expected);
  if (audiences > 1 && !azp) {
    return failed("the ID token's aud is " + shown(aud) + ", several audiences, and it has no azp; expected azp " +
                  expected);
  }
  if (azp && !(azp->is_string() && azp->as_string() == client_id)) {
    return failed("the ID token's azp is " + shown(azp) + ", expected " + expected);
  }
  return ok_status();
}

Status check_times(const boost::json::object& claims, std::chrono::system_clock::time_point now) {
  const int64_t now_seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const int64_t leeway = id_token_leeway.count();
  std::string now_text = ", now is " + std::to_string(now_seconds) + " (leeway " + std::to_string(leeway) + " s)";
  CCCI_TRY(int64_t exp, numeric_date(claims, "exp"));
  if (now_seconds > exp + leeway) {
    return failed("the ID token's exp is " + std::to_string(exp) + ", it expired " + std::to_string(now_seconds - exp) +
                  " s ago" + now_text);
  }
  CCCI_TRY(int64_t iat, numeric_date(claims, "iat"));
  if (iat > now_seconds + leeway) {
    return failed("the ID token's iat is " + std::to_string(iat) + ", " + std::to_string(iat - now_seconds) +
                  " s in the future" + now_text);
  }
  if (claims.contains("nbf")) {
    CCCI_TRY(int64_t nbf, numeric_date(claims, "nbf"));
    if (nbf > now_seconds + leeway) {
      return failed("the ID token's nbf is " + std::to_string(nbf) + ", " + std::to_string(nbf - now_seconds) +
                    " s in the future" + now_text);
    }
  }
  return ok_status();
}

}  // namespace

Status verify_id_token(std::string_view id_token, std::string_view jwks_json, const IdTokenExpectations& expected,
                       std::chrono::system_clock::time_point now) {
  auto jws = verify_jws(id_token, jwks_json);
  if (!jws.ok()) return failed("the ID token is not trusted: " + jws.error().message);
  const boost::json::object& claims = jws->payload;
  const boost::json::value* iss = claims.if_contains("iss");
  if (!iss || !iss->is_string() || iss->as_string() != expected.issuer) {
    return failed("the ID token's iss is " + shown(iss) + ", expected " + quoted(expected.issuer, '"', 200));
  }
  CCCI_TRY_STATUS(check_audience(claims, expected.client_id));
  return check_times(claims, now);
}

}  // namespace ccci::harness
