#pragma once
/// HttpClient: the only module that talks libcurl.
///
/// Every request goes to `https://<domain>/...` by name; HttpRouting can send the connection to a
/// fixed gateway (CURLOPT_CONNECT_TO) while Host, SNI and certificate checks keep the URL's name,
/// and can trust a specific CA bundle. Verification is never turned off. send() fails with
/// ErrorKind::infra (connect/TLS/transfer errors) or ErrorKind::timeout; any HTTP status,
/// including 5xx, is a successful send() and is reported in HttpResponse. Redirects are not
/// followed unless the request asks. Every request is logged (method, URL, outcome, duration).
/// Thread-safe: each send() uses its own easy handle; create one HttpGlobal in main() first.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/result.hpp"

namespace ccci::harness {

class Logger;

using Headers = std::vector<std::pair<std::string, std::string>>;

enum class Redirects { not_followed, followed };

struct HttpRequest {
  std::string method = "GET";  ///< GET, HEAD, POST, PUT, PATCH or DELETE
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{30'000};          ///< the whole request; must be positive
  std::chrono::milliseconds connect_timeout{10'000};  ///< TCP+TLS connect, capped by timeout
  Redirects redirects = Redirects::not_followed;
  int attempts = 3;  ///< for idempotent methods; at least 1
};

struct HttpResponse {
  long status = 0;
  Headers headers;
  std::string body;
  std::chrono::milliseconds elapsed{0};
  std::vector<std::string> retried;  ///< why each earlier attempt failed; empty on a first-try answer
};

struct HttpRouting {
  std::string gateway_host;         ///< empty: connect to the URL's host as resolved by DNS
  int gateway_port = 0;             ///< 0: keep the URL's port
  std::filesystem::path ca_bundle;  ///< empty: the system trust store
};

/// The value of the first header named `name` (ASCII case-insensitive), or nullptr.
const std::string* header_value(const Headers& headers, std::string_view name);

/// `value` percent-encoded for an application/x-www-form-urlencoded body: every byte but
/// [A-Za-z0-9-._~] becomes %XX, so no value can add or break a field.
std::string form_encoded(std::string_view value);

/// `fields` as an application/x-www-form-urlencoded body, names and values form_encoded.
std::string form_urlencoded(const std::vector<std::pair<std::string, std::string>>& fields);

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpClient> make_http_client(HttpRouting routing, Logger& log);

/// libcurl's process-wide setup, done once: main() creates one before starting any thread and
/// keeps it alive until every HttpClient is gone (curl_global_init is not thread-safe here).
class HttpGlobal {
 public:
  HttpGlobal();
  ~HttpGlobal();
  HttpGlobal(const HttpGlobal&) = delete;
  HttpGlobal& operator=(const HttpGlobal&) = delete;

  /// ErrorKind::infra when libcurl could not initialise; HTTP requests would then all fail.
  Status status() const;

 private:
  int init_code_;
};

}  // namespace ccci::harness
