#pragma once
/// FakeHttpClient: an HttpClient that records every request and answers from a script.
///
/// Outcomes are scripted per (method, exact URL) and consumed in order; the last one scripted
/// for a route keeps answering, so "503, 503, 200" models a service coming up and a single
/// "200" answers forever. A request with no scripted route fails with ErrorKind::infra naming
/// the route, as a connection to an unknown host would. Thread-safe.
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "harness/http.hpp"

namespace ccci::fakes {

class FakeHttpClient final : public harness::HttpClient {
 public:
  /// Appends a response with `status` and `body` to the route's script.
  void respond(const std::string& method, const std::string& url, long status, std::string body = {},
               harness::Headers headers = {});
  /// Appends a whole response (e.g. one that carries `retried` attempts) to the route's script.
  void respond(const std::string& method, const std::string& url, harness::HttpResponse response);
  /// Appends a failed send (e.g. ErrorKind::timeout) to the route's script.
  void fail(const std::string& method, const std::string& url, harness::ErrorKind kind, std::string message);

  harness::Result<harness::HttpResponse> send(const harness::HttpRequest& request) override;

  /// Every request received, in order.
  std::vector<harness::HttpRequest> requests() const;
  /// How many requests matched (method, url).
  int count(const std::string& method, const std::string& url) const;

 private:
  using Route = std::pair<std::string, std::string>;
  mutable std::mutex mutex_;
  std::map<Route, std::deque<harness::Result<harness::HttpResponse>>> script_;
  std::vector<harness::HttpRequest> requests_;
};

}  // namespace ccci::fakes
