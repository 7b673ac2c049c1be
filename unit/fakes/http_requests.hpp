#pragma once
/// Builders of HTTP requests and routings for tests of harness::HttpClient (GCC 12 warns about
/// designated initializers that leave members out, so they are built here, field by field).
#include <chrono>
#include <filesystem>
#include <string>
#include <utility>

#include "harness/http.hpp"

namespace ccci::fakes {

inline harness::HttpRequest request(std::string method, std::string url,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  harness::HttpRequest built;
  built.method = std::move(method);
  built.url = std::move(url);
  built.timeout = timeout;
  return built;
}

inline harness::HttpRequest get(std::string url, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  return request("GET", std::move(url), timeout);
}

/// Routing of every request to `host`:`port` (0: the URL's port), trusting `ca_bundle` if given.
inline harness::HttpRouting via_gateway(std::string host, int port = 0, std::filesystem::path ca_bundle = {}) {
  harness::HttpRouting routing;
  routing.gateway_host = std::move(host);
  routing.gateway_port = port;
  routing.ca_bundle = std::move(ca_bundle);
  return routing;
}

}  // namespace ccci::fakes
