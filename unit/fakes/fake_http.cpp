#include "unit/fakes/fake_http.hpp"

#include <algorithm>

namespace ccci::fakes {

void FakeHttpClient::respond(const std::string& method, const std::string& url, long status, std::string body,
                             harness::Headers headers) {
  harness::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  respond(method, url, std::move(response));
}

void FakeHttpClient::respond(const std::string& method, const std::string& url, harness::HttpResponse response) {
  std::lock_guard lock(mutex_);
  script_[{method, url}].push_back(std::move(response));
}

void FakeHttpClient::fail(const std::string& method, const std::string& url, harness::ErrorKind kind,
                          std::string message) {
  std::lock_guard lock(mutex_);
  script_[{method, url}].push_back(harness::make_error(kind, std::move(message)));
}

harness::Result<harness::HttpResponse> FakeHttpClient::send(const harness::HttpRequest& request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(request);
  auto route = script_.find({request.method, request.url});
  if (route == script_.end() || route->second.empty()) {
    return harness::make_error(harness::ErrorKind::infra,
                               "FakeHttpClient: nothing scripted for " + request.method + " " + request.url);
  }
  auto& queue = route->second;
  harness::Result<harness::HttpResponse> outcome = queue.front();
  if (queue.size() > 1) queue.pop_front();
  return outcome;
}

std::vector<harness::HttpRequest> FakeHttpClient::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int FakeHttpClient::count(const std::string& method, const std::string& url) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(), [&](const harness::HttpRequest& r) {
    return r.method == method && r.url == url;
  }));
}

}  // namespace ccci::fakes
