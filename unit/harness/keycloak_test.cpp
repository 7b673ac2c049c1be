#include "harness/keycloak.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "harness/redactor.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/keycloak_responses.hpp"

namespace ccci::harness {
namespace {

namespace kc = fakes::keycloak;
using namespace std::chrono_literals;

std::string header(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

boost::json::value json_body(const HttpRequest& request) { return boost::json::parse(request.body); }

class Keycloak : public ::testing::Test {
 protected:
  Keycloak() {
    KeycloakSettings settings;
    settings.base_url = std::string(kc::base_url) + "/";  // a trailing '/' is ignored
    settings.admin_username = "admin";
    settings.admin_password = kc::admin_password;
    settings.call_timeout = 7s;
    provider_ = make_keycloak_provider(http_, settings, redactor_);
  }

  static ProvisionRequest request() {
    ProvisionRequest made;
    made.realm = kc::realm;
    made.client_id = "fixture-web";
    made.redirect_uris = {"https://web-7f3a.ci.example/oidc/callback", "https://web-7f3a.ci.example/*"};
    made.web_origins = {"https://web-7f3a.ci.example"};
    made.username = "ccci-test";
    made.email = "ccci-test@web-7f3a.ci.example";
    made.password = kc::user_password;
    return made;
  }

  /// Scripts every step to succeed; a route the test scripted before answers its own script first.
  void script_success() {
    http_.respond("POST", kc::token_url, kc::token_granted());
    http_.respond("POST", kc::realms_url, kc::realm_created());
    http_.respond("POST", kc::clients_url, kc::client_created());
    http_.respond("GET", kc::secret_url, kc::client_secret_answer());
    http_.respond("POST", kc::users_url, kc::user_created());
    http_.respond("PUT", kc::reset_password_url, kc::no_content());
  }

  /// provision()'s error, after asserting that it failed.
  Error provision_error() {
    auto result = provider_->provision(request());
    EXPECT_FALSE(result.ok());
    return result.ok() ? Error{} : result.error();
  }

  fakes::FakeHttpClient http_;
  Redactor redactor_;
  std::unique_ptr<IdentityProvider> provider_;
};

TEST_F(Keycloak, ProvisionsRealmClientAndUserThroughTheAdminApi) {
  script_success();
  auto identity = provider_->provision(request());
  ASSERT_TRUE(identity.ok()) << identity.error().message;

  EXPECT_EQ(identity->issuer, "https://kc-7f3a.ci.example/realms/ccci-run-7f3a-b2");
  EXPECT_EQ(identity->discovery_url,
            "https://kc-7f3a.ci.example/realms/ccci-run-7f3a-b2/.well-known/openid-configuration");
  EXPECT_EQ(identity->token_url, "https://kc-7f3a.ci.example/realms/ccci-run-7f3a-b2/protocol/openid-connect/token");
  EXPECT_EQ(identity->authorization_url,
            "https://kc-7f3a.ci.example/realms/ccci-run-7f3a-b2/protocol/openid-connect/auth");
  EXPECT_EQ(identity->realm, kc::realm);
  EXPECT_EQ(identity->client_id, "fixture-web");
  EXPECT_EQ(identity->client_secret, kc::client_secret);
  EXPECT_EQ(identity->username, "ccci-test");
  EXPECT_EQ(identity->password, kc::user_password);
  EXPECT_EQ(provider_->kind(), "keycloak");

  auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 6U);
  for (const auto& sent : requests) {
    EXPECT_EQ(sent.timeout, 7s) << sent.url;
    EXPECT_EQ(header(sent, "Accept"), "application/json") << sent.url;
  }
  const std::string bearer = std::string("Bearer ") + kc::access_token;

  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].url, kc::token_url);
  EXPECT_EQ(header(requests[0], "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(header(requests[0], "Authorization"), "<absent>");
  EXPECT_EQ(requests[0].body,
            "grant_type=password&client_id=admin-cli&username=admin&password=adm1n%20pw%26x%3D%2B%25%2FZq9");

  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].url, kc::realms_url);
  EXPECT_EQ(header(requests[1], "Authorization"), bearer);
  EXPECT_EQ(header(requests[1], "Content-Type"), "application/json");
  EXPECT_EQ(json_body(requests[1]), boost::json::parse(R"({"realm":"ccci-run-7f3a-b2","enabled":true})"));

  EXPECT_EQ(requests[2].method, "POST");
  EXPECT_EQ(requests[2].url, kc::clients_url);
  EXPECT_EQ(header(requests[2], "Authorization"), bearer);
  EXPECT_EQ(header(requests[2], "Content-Type"), "application/json");
  EXPECT_EQ(json_body(requests[2]), boost::json::parse(R"({"clientId":"fixture-web","protocol":"openid-connect",
      "publicClient":false,"standardFlowEnabled":true,"directAccessGrantsEnabled":true,
      "redirectUris":["https://web-7f3a.ci.example/oidc/callback","https://web-7f3a.ci.example/*"],
      "webOrigins":["https://web-7f3a.ci.example"]})"));

  EXPECT_EQ(requests[3].method, "GET");
  EXPECT_EQ(requests[3].url, kc::secret_url);
  EXPECT_EQ(header(requests[3], "Authorization"), bearer);
  EXPECT_EQ(requests[3].body, "");

  EXPECT_EQ(requests[4].method, "POST");
  EXPECT_EQ(requests[4].url, kc::users_url);
  EXPECT_EQ(header(requests[4], "Authorization"), bearer);
  EXPECT_EQ(header(requests[4], "Content-Type"), "application/json");
  EXPECT_EQ(json_body(requests[4]), boost::json::parse(R"({"username":"ccci-test",
      "email":"ccci-test@web-7f3a.ci.example","emailVerified":true,"enabled":true,"firstName":"CCCI",
      "lastName":"Test","requiredActions":[]})"));

  EXPECT_EQ(requests[5].method, "PUT");
  EXPECT_EQ(requests[5].url, kc::reset_password_url);
  EXPECT_EQ(header(requests[5], "Authorization"), bearer);
  EXPECT_EQ(header(requests[5], "Content-Type"), "application/json");
  EXPECT_EQ(json_body(requests[5]),
            boost::json::parse(R"({"type":"password","value":"Us3r-p4ss-7hX2wQ-run","temporary":false})"));
}

TEST_F(Keycloak, RegistersTheAdminPasswordTokenClientSecretAndUserPassword) {
  script_success();
  ASSERT_TRUE(provider_->provision(request()).ok());
  for (const char* secret : {kc::admin_password, kc::access_token, kc::client_secret, kc::user_password}) {
    EXPECT_EQ(redactor_.redact(std::string("<") + secret + ">"), "<********>") << secret;
  }
}

TEST_F(Keycloak, HostileValuesStayInsideTheirJsonStrings) {
  script_success();
  ProvisionRequest hostile = request();
  hostile.client_id = R"(web","publicClient":true,"x":")";
  hostile.username = "a\"b\\c\n";
  ASSERT_TRUE(provider_->provision(hostile).ok());
  auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 6U);
  EXPECT_EQ(json_body(requests[2]).at("clientId"), boost::json::value(hostile.client_id));
  EXPECT_EQ(json_body(requests[2]).at("publicClient"), boost::json::value(false));
  EXPECT_EQ(json_body(requests[4]).at("username"), boost::json::value(hostile.username));
}

TEST_F(Keycloak, ARealmNameThatIsNotPlainIsRefusedBeforeAnyRequest) {
  for (const char* bad : {"", "..", "a/b", "a?b", "a b", "r%2F", "ümlaut"}) {
    ProvisionRequest bad_request = request();
    bad_request.realm = bad;
    auto result = provider_->provision(bad_request);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().kind, ErrorKind::usage) << bad;
    EXPECT_NE(result.error().message.find("provisioning step 'create realm' failed: the realm name"), std::string::npos)
        << result.error().message;
  }
  EXPECT_TRUE(http_.requests().empty());
  ProvisionRequest long_name = request();
  long_name.realm = std::string(65, 'r');
  EXPECT_FALSE(provider_->provision(long_name).ok());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(Keycloak, FetchesOneAdminTokenPerProvision) {
  script_success();
  ASSERT_TRUE(provider_->provision(request()).ok());
  EXPECT_EQ(http_.count("POST", kc::token_url), 1);
}

TEST_F(Keycloak, AcceptsALocationHeaderSpelledInLowerCase) {
  http_.respond("POST", kc::clients_url, kc::created(std::string(kc::clients_url) + "/" + kc::client_uuid));
  http_.respond("POST", kc::users_url,
                kc::answer(201, "", {{"location", std::string(kc::users_url) + "/" + kc::user_id}}));
  script_success();
  auto identity = provider_->provision(request());
  ASSERT_TRUE(identity.ok()) << identity.error().message;
  EXPECT_EQ(http_.count("PUT", kc::reset_password_url), 1);
}

}  // namespace
}  // namespace ccci::harness
