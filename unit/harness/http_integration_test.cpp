#include "harness/http.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "harness/log.hpp"
#include "unit/fakes/http_requests.hpp"
#include "unit/fakes/loopback_http_server.hpp"
#include "unit/fakes/temp_dir.hpp"
#include "unit/fakes/tls_server.hpp"

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

using fakes::get;
using fakes::request;
using fakes::via_gateway;

/// One throwaway CA, one certificate for app.ccci.test and one `openssl s_server` shared by the
/// TLS tests (making them takes ~100ms; sharing keeps the suite fast).
class HttpsThroughGateway : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fakes::TempDir();
    auto pki = fakes::make_test_pki(dir_->path(), {"app.ccci.test"});
    ASSERT_TRUE(pki.ok()) << pki.error().message;
    pki_ = *pki;
    auto server = fakes::TlsServer::start(pki_, dir_->path());
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server).value().release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr) << "the TLS test server did not start"; }

  std::string url(std::string_view host, int port) const {
    return "https://" + std::string(host) + ":" + std::to_string(port) + "/";
  }
  std::unique_ptr<HttpClient> client(HttpRouting routing) { return make_http_client(std::move(routing), log_); }
  HttpRouting via_loopback_trusting_ca() const { return via_gateway("127.0.0.1", 0, pki_.ca_cert); }

  static inline fakes::TempDir* dir_ = nullptr;
  static inline fakes::TestPki pki_;
  static inline fakes::TlsServer* server_ = nullptr;
  HttpGlobal curl_global_;
  std::ostringstream log_text_;
  Logger log_{log_text_};
};

TEST_F(HttpsThroughGateway, UrlNameIsRoutedToTheGatewayAndVerifiedAgainstTheCa) {
  const std::string target = url("app.ccci.test", server_->port());
  auto response = client(via_loopback_trusting_ca())->send(get(target, 5s));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(contains(response->body, "s_server -www")) << response->body;
  EXPECT_TRUE(contains(log_text_.str(), "[http] GET " + target + " -> 200 in ")) << log_text_.str();
}

TEST_F(HttpsThroughGateway, GatewayPortReplacesTheUrlsDefaultPort) {
  HttpRouting routing = via_loopback_trusting_ca();
  routing.gateway_port = server_->port();
  auto response = client(routing)->send(get("https://app.ccci.test/", 5s));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpsThroughGateway, WithoutTheCaBundleTheCertificateIsRejectedAsInfra) {
  const std::string target = url("app.ccci.test", server_->port());
  auto response = client(via_gateway("127.0.0.1"))->send(get(target, 5s));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::infra);
  EXPECT_TRUE(contains(response.error().message, "certificate")) << response.error().message;
  EXPECT_TRUE(contains(response.error().message, target)) << response.error().message;
  EXPECT_TRUE(contains(response.error().message, "via gateway 127.0.0.1")) << response.error().message;
  EXPECT_TRUE(contains(log_text_.str(), "[http] GET " + target + " failed (infra)")) << log_text_.str();
}

TEST_F(HttpsThroughGateway, NameTheCertificateDoesNotCoverIsRejectedAsInfra) {
  auto response = client(via_loopback_trusting_ca())->send(get(url("other.ccci.test", server_->port()), 5s));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::infra);
  EXPECT_TRUE(contains(response.error().message, "'other.ccci.test'")) << response.error().message;
}

TEST_F(HttpsThroughGateway, ClosedPortIsAnInfraError) {
  const int closed_port = fakes::unused_loopback_port();
  ASSERT_NE(closed_port, 0);
  auto response = client(via_loopback_trusting_ca())->send(get(url("app.ccci.test", closed_port), 5s));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::infra);
  EXPECT_TRUE(contains(response.error().message, "onnect")) << response.error().message;
}

TEST_F(HttpsThroughGateway, ServerThatAcceptsButNeverAnswersTimesOut) {
  fakes::SilentServer silent;
  auto started = std::chrono::steady_clock::now();
  auto response = client(via_loopback_trusting_ca())->send(get(url("app.ccci.test", silent.port()), 300ms));
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::timeout) << response.error().message;
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 3s);
  EXPECT_TRUE(contains(log_text_.str(), "failed (timeout)")) << log_text_.str();
}

}  // namespace
}  // namespace ccci::harness
