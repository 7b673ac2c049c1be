#pragma once
/// HttpClient: the only module that talks libcurl.
///
/// Every request goes to `https://<domain>/...` by name; HttpRouting can send the connection to a
/// fixed gateway (CURLOPT_CONNECT_TO) while Host, SNI and certificate checks keep the URL's name,
/// and can trust a specific CA bundle. Verification is never turned off. send() fails with
/// ErrorKind::infra (connect/TLS/transfer errors) or ErrorKind::timeout; any HTTP status,
/// including 5xx, is a successful send() and is reported in HttpResponse.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/result.hpp"

namespace ccci::harness {

class Logger;

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{30'000};
};

struct HttpResponse {
  long status = 0;
  Headers headers;
  std::string body;
  std::chrono::milliseconds elapsed{0};
};

struct HttpRouting {
  std::string gateway_host;             ///< empty: connect to the URL's host as resolved by DNS
  int gateway_port = 0;                 ///< 0: keep the URL's port
  std::filesystem::path ca_bundle;      ///< empty: the system trust store
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpClient> make_http_client(HttpRouting routing, Logger& log);

}  // namespace ccci::harness
