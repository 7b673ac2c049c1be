#include "harness/cookie_jar.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <optional>

namespace ccci::harness {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

/// RFC 6265 5.1.3: `host` is `domain` or ends with "." + domain.
bool domain_matches(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.';
}

/// RFC 6265 5.1.4: the request path's directory, "/" when it has none.
std::string default_path(std::string_view request_path) {
  request_path = request_path.substr(0, request_path.find_first_of("?#"));
  if (request_path.empty() || request_path.front() != '/') return "/";
  size_t last = request_path.rfind('/');
  return last == 0 ? "/" : std::string(request_path.substr(0, last));
}

bool path_matches(std::string_view request_path, std::string_view cookie_path) {
  request_path = request_path.substr(0, request_path.find_first_of("?#"));
  if (request_path == cookie_path) return true;
  if (!request_path.starts_with(cookie_path)) return false;
  return cookie_path.ends_with('/') || request_path[cookie_path.size()] == '/';
}

/// An Expires date (RFC 1123, "Thu, 01 Jan 1970 00:00:00 GMT") as a time point; nullopt when
/// it does not read as one.
std::optional<std::chrono::system_clock::time_point> expires_at(std::string_view text) {
  std::tm parts{};
  std::string copy(text);
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S", &parts);
  if (!end) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

}  // namespace

void CookieJar::take(const Headers& headers, std::string_view host, std::string_view request_path,
                     std::chrono::system_clock::time_point now) {
  for (const auto& [name, value] : headers) {
    if (iequals(name, "Set-Cookie")) take_one(value, lower(host), request_path, now);
  }
}

void CookieJar::take_one(std::string_view line, std::string_view host, std::string_view request_path,
                         std::chrono::system_clock::time_point now) {
  if (line.size() > max_cookie_bytes || line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    return;
  std::string_view pair = line.substr(0, line.find(';'));
  size_t equals = pair.find('=');
  if (equals == std::string_view::npos) return;
  Cookie cookie;
  cookie.name = std::string(trim(pair.substr(0, equals)));
  cookie.value = std::string(trim(pair.substr(equals + 1)));
  if (cookie.name.empty()) return;
  cookie.domain = std::string(host);
  cookie.path = default_path(request_path);
  std::optional<bool> expired_by_max_age;  // RFC 6265 5.3: Max-Age, when given, wins over Expires
  bool expired_by_expires = false;
  std::string_view attributes = line.size() > pair.size() ? line.substr(pair.size() + 1) : std::string_view();
  while (!attributes.empty()) {
    std::string_view attribute = attributes.substr(0, attributes.find(';'));
    attributes.remove_prefix(std::min(attributes.size(), attribute.size() + 1));
    size_t eq = attribute.find('=');
    std::string key = lower(trim(attribute.substr(0, eq)));
    std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(attribute.substr(eq + 1));
    if (key == "domain" && !value.empty()) {
      std::string domain = lower(value.front() == '.' ? value.substr(1) : value);
      if (!domain_matches(host, domain)) return;  // a host may not set cookies for another domain
      cookie.domain = domain;
      cookie.host_only = false;
    } else if (key == "path" && !value.empty() && value.front() == '/') {
      cookie.path = std::string(value);
    } else if (key == "max-age" && !value.empty()) {
      // RFC 6265 5.2.2: a leading "-" or "0" expires the cookie now; Max-Age wins over Expires.
      expired_by_max_age =
          value.front() == '-' || std::all_of(value.begin(), value.end(), [](char c) { return c == '0'; });
    } else if (key == "expires") {
      auto when = expires_at(value);
      expired_by_expires = when && *when <= now;
    }
  }
  bool expired = expired_by_max_age.value_or(expired_by_expires);
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& c) {
    return c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path;
  });
  if (expired) {
    if (same != cookies_.end()) cookies_.erase(same);
    return;
  }
  if (same != cookies_.end()) {
    *same = std::move(cookie);
    return;
  }
  if (cookies_.size() >= max_cookies) cookies_.erase(cookies_.begin());
  cookies_.push_back(std::move(cookie));
}

std::string CookieJar::cookie_header(std::string_view host, std::string_view path) const {
  std::string lowered = lower(host);
  std::string header;
  for (const auto& cookie : cookies_) {
    bool host_ok = cookie.host_only ? lowered == cookie.domain : domain_matches(lowered, cookie.domain);
    if (!host_ok || !path_matches(path, cookie.path)) continue;
    header += (header.empty() ? "" : "; ") + cookie.name + "=" + cookie.value;
  }
  return header;
}

}  // namespace ccci::harness
