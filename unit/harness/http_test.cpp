#include "harness/http.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "harness/log.hpp"
#include "unit/fakes/http_requests.hpp"
#include "unit/fakes/loopback_http_server.hpp"

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;
using fakes::LoopbackHttpServer;
using fakes::ReceivedRequest;

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

using fakes::get;
using fakes::request;
using fakes::via_gateway;

/// Plain-HTTP loopback server: the request as sent on the wire, and the response as parsed.
class HttpWire : public ::testing::Test {
 protected:
  std::unique_ptr<HttpClient> client() { return make_http_client(via_gateway("127.0.0.1"), log_); }
  std::string url(const LoopbackHttpServer& server, std::string_view path) const {
    return "http://app.ccci.test:" + std::to_string(server.port()) + std::string(path);
  }

  HttpGlobal curl_global_;
  std::ostringstream log_text_;
  Logger log_{log_text_};
};

TEST_F(HttpWire, SendsMethodHeadersAndBodyWithTheUrlsHostAndCapturesTheResponse) {
  LoopbackHttpServer server([](const ReceivedRequest&) {
    return LoopbackHttpServer::response(201, "Created", "made", {{"X-Reply", "yes"}, {"Content-Type", "text/plain"}});
  });
  HttpRequest post = request("POST", url(server, "/items?x=1"));
  post.headers = {{"Content-Type", "application/json"}, {"X-Ccci", "token"}};
  post.body = R"({"name":"marker"})";
  auto response = client()->send(post);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "made");
  EXPECT_NE(std::find(response->headers.begin(), response->headers.end(),
                      std::pair<std::string, std::string>{"X-Reply", "yes"}),
            response->headers.end());

  auto received = server.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].target, "/items?x=1");
  EXPECT_EQ(received[0].header("Host"), "app.ccci.test:" + std::to_string(server.port()));
  EXPECT_EQ(received[0].header("X-Ccci"), "token");
  EXPECT_EQ(received[0].header("Content-Type"), "application/json");
  EXPECT_EQ(received[0].body, R"({"name":"marker"})");
  EXPECT_FALSE(received[0].has_header("Expect"));
}

TEST_F(HttpWire, EachMethodGoesOnTheWireAsAsked) {
  LoopbackHttpServer server([](const ReceivedRequest&) { return LoopbackHttpServer::response(200, "OK", "body"); });
  for (std::string method : {"GET", "HEAD", "PUT", "PATCH", "DELETE"}) {
    auto response = client()->send(request(method, url(server, "/thing")));
    ASSERT_TRUE(response.ok()) << method << ": " << response.error().message;
    EXPECT_EQ(response->status, 200) << method;
    EXPECT_EQ(response->body, method == "HEAD" ? "" : "body") << method;
  }
  auto received = server.requests();
  ASSERT_EQ(received.size(), 5u);
  EXPECT_EQ(received[0].method, "GET");
  EXPECT_EQ(received[1].method, "HEAD");
  EXPECT_EQ(received[2].method, "PUT");
  EXPECT_EQ(received[2].header("Content-Length"), "0");  // an empty PUT still says so
  EXPECT_EQ(received[3].method, "PATCH");
  EXPECT_EQ(received[4].method, "DELETE");
}

TEST_F(HttpWire, ServerErrorStatusIsASuccessfulSend) {
  LoopbackHttpServer server(
      [](const ReceivedRequest&) { return LoopbackHttpServer::response(503, "Service Unavailable", "starting"); });
  auto response = client()->send(get(url(server, "/health"), 5s));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "starting");
}

TEST_F(HttpWire, RedirectIsReportedUnlessFollowingIsAsked) {
  LoopbackHttpServer server([](const ReceivedRequest& request) {
    if (request.target == "/start") return LoopbackHttpServer::response(302, "Found", "", {{"Location", "/next"}});
    return LoopbackHttpServer::response(200, "OK", "arrived");
  });
  auto reported = client()->send(get(url(server, "/start"), 5s));
  ASSERT_TRUE(reported.ok()) << reported.error().message;
  EXPECT_EQ(reported->status, 302);
  EXPECT_EQ(server.requests().size(), 1u);

  HttpRequest follow = get(url(server, "/start"));
  follow.redirects = Redirects::followed;
  auto followed = client()->send(follow);
  ASSERT_TRUE(followed.ok()) << followed.error().message;
  EXPECT_EQ(followed->status, 200);
  EXPECT_EQ(followed->body, "arrived");
  ASSERT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.requests()[2].target, "/next");
}

/// A server that drops the first `drops` connections without a word (libcurl: "Empty reply from
/// server", a transport failure), then answers 200.
LoopbackHttpServer::Responder dropping_first(int drops) {
  auto seen = std::make_shared<int>(0);
  return [seen, drops](const ReceivedRequest&) {
    return ++*seen <= drops ? std::string() : LoopbackHttpServer::response(200, "OK", "answered");
  };
}

TEST_F(HttpWire, TransportFailureOfAnIdempotentRequestIsRetriedAndReported) {
  for (std::string method : {"GET", "HEAD", "PUT", "DELETE"}) {
    LoopbackHttpServer server(dropping_first(1));
    auto response = client()->send(request(method, url(server, "/marker")));
    ASSERT_TRUE(response.ok()) << method << ": " << response.error().message;
    EXPECT_EQ(response->status, 200) << method;
    EXPECT_EQ(server.requests().size(), 2u) << method;
    ASSERT_EQ(response->retried.size(), 1u) << method;
    EXPECT_TRUE(contains(response->retried[0], "Empty reply")) << response->retried[0];
  }
  EXPECT_TRUE(contains(log_text_.str(), "; retrying")) << log_text_.str();
  EXPECT_TRUE(contains(log_text_.str(), "-> 200 in")) << log_text_.str();
  EXPECT_TRUE(contains(log_text_.str(), "(attempt 2)")) << log_text_.str();
}

TEST_F(HttpWire, PostAndPatchAreNeverRetried) {
  for (std::string method : {"POST", "PATCH"}) {
    LoopbackHttpServer server(dropping_first(1));
    auto response = client()->send(request(method, url(server, "/items")));
    ASSERT_FALSE(response.ok()) << method;
    EXPECT_EQ(response.error().kind, ErrorKind::infra);
    EXPECT_EQ(server.requests().size(), 1u) << method;
  }
  EXPECT_FALSE(contains(log_text_.str(), "retrying")) << log_text_.str();
}

TEST_F(HttpWire, RetriesAreBoundedAndTheErrorNamesEveryAttempt) {
  LoopbackHttpServer server(dropping_first(100));
  HttpRequest put = request("PUT", url(server, "/marker"));
  put.attempts = 3;
  auto response = client()->send(put);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::infra);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_TRUE(contains(response.error().message, "(attempt 3; earlier: ")) << response.error().message;
}

TEST_F(HttpWire, AnHttpStatusIsAnAnswerAndNeverRetried) {
  LoopbackHttpServer server([](const ReceivedRequest&) { return LoopbackHttpServer::response(502, "Bad Gateway"); });
  auto response = client()->send(request("GET", url(server, "/")));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 502);
  EXPECT_TRUE(response->retried.empty());
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(HttpWire, UnknownMethodAndMissingTimeoutAreUsageErrorsWithoutSending) {
  LoopbackHttpServer server([](const ReceivedRequest&) { return LoopbackHttpServer::response(200, "OK"); });
  auto bad_method = client()->send(request("BREW", url(server, "/")));
  ASSERT_FALSE(bad_method.ok());
  EXPECT_EQ(bad_method.error().kind, ErrorKind::usage);
  auto no_timeout = client()->send(get(url(server, "/"), 0ms));
  ASSERT_FALSE(no_timeout.ok());
  EXPECT_EQ(no_timeout.error().kind, ErrorKind::usage);
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace ccci::harness
