#pragma once
/// CookieJar: the cookies of one multi-step HTTP check (RFC 6265, the parts a check needs).
///
/// take() reads a response's Set-Cookie headers for the request's host and path; cookie_header()
/// gives the Cookie header for a later request, or "" when no cookie applies. A cookie without a
/// Domain attribute goes back only to the host that set it; with one, to that domain and its
/// subdomains — but a Domain the setting host is not inside is ignored, as a browser would. Path
/// defaults to the request path's directory and matches by prefix on `/` boundaries. Max-Age ≤ 0
/// deletes a cookie; Expires is honoured only when it is a date in the past (deletion), so a jar
/// needs no clock to live for one check. Secure and HttpOnly change nothing: every request is
/// HTTPS and made by the check. A jar belongs to one check run: a new attempt starts a new jar.
/// Names and values are kept as sent (hostile, app-controlled); a Set-Cookie line with a CR, LF
/// or NUL, or without a name, is ignored. At most max_cookies are kept (oldest dropped first).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness/http.hpp"

namespace ccci::harness {

class CookieJar {
 public:
  static constexpr size_t max_cookies = 50;
  static constexpr size_t max_cookie_bytes = 4096;

  /// Reads every Set-Cookie header in `headers` (case-insensitive name); `now` judges Expires.
  void take(const Headers& headers, std::string_view host, std::string_view request_path,
            std::chrono::system_clock::time_point now);
  /// "a=1; b=2" for a request to `host` and `path`, or "" when no cookie applies.
  std::string cookie_header(std::string_view host, std::string_view path) const;
  size_t size() const { return cookies_.size(); }

 private:
  struct Cookie {
    std::string name;
    std::string value;
    std::string domain;  ///< lower case
    bool host_only = true;
    std::string path;
  };
  void take_one(std::string_view line, std::string_view host, std::string_view request_path,
                std::chrono::system_clock::time_point now);
  std::vector<Cookie> cookies_;  ///< in the order they were first set
};

}  // namespace ccci::harness
