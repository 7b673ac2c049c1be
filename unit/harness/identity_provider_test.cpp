#include "harness/identity_provider.hpp"

#include <gtest/gtest.h>

#include "harness/http.hpp"
#include "harness/redactor.hpp"

namespace ccci::harness {
namespace {

HttpResponse answered(long status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

TEST(PlainNames, RealmNamesArePathSafe) {
  EXPECT_TRUE(is_plain_realm_name("ccci-run-7f3a.b_2"));
  EXPECT_TRUE(is_plain_realm_name(std::string(64, 'r')));
  for (const char* bad : {"", ".", "..", "a/b", "a%2Fb", "a b", "a?b", "a#b", "ré"}) {
    EXPECT_FALSE(is_plain_realm_name(bad)) << bad;
  }
  EXPECT_FALSE(is_plain_realm_name(std::string(65, 'r')));
}

TEST(PlainNames, IdsAreUuidLike) {
  EXPECT_TRUE(is_plain_id("4b3c9a52-1b2f-4e5e-9c1d-2f7a0e8b6c11"));
  for (const char* bad : {"", ".", "..", "a.b", "a/b", "a_b", "a\nb"}) EXPECT_FALSE(is_plain_id(bad)) << bad;
  EXPECT_FALSE(is_plain_id(std::string(65, 'a')));
}

TEST(FormUrlencoded, EncodesEveryByteThatCouldChangeAField) {
  EXPECT_EQ(form_urlencoded({{"grant_type", "password"}, {"password", "a b&c=d+e%f/g\n\xc3\xa9~._-"}}),
            "grant_type=password&password=a%20b%26c%3Dd%2Be%25f%2Fg%0A%C3%A9~._-");
  EXPECT_EQ(form_urlencoded({}), "");
  EXPECT_EQ(form_urlencoded({{"a&b", ""}}), "a%26b=");
}

TEST(StatusLine, NamesCommonStatusesAndKeepsOthersAsNumbers) {
  EXPECT_EQ(status_line(403), "403 Forbidden");
  EXPECT_EQ(status_line(409), "409 Conflict");
  EXPECT_EQ(status_line(599), "599");
}

TEST(StepErrors, ARefusalQuotesARedactedOneLineExcerpt) {
  Redactor redactor;
  redactor.add_secret("hunter22");
  StepErrors errors("keycloak", "provisioning", ErrorKind::check_failed, redactor);
  Error error = errors.refused("create client", answered(400, "bad\r\nsecret hunter22\x01 end"), "why hunter22");
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_EQ(error.message,
            "provisioning step 'create client' failed: keycloak answered 400 Bad Request: why ********: bad  secret "
            "********  end");
}

TEST(StepErrors, ALongBodyIsCutAndAnEmptyOneSaidSo) {
  Redactor redactor;
  StepErrors errors("keycloak", "realm removal", ErrorKind::infra, redactor);
  Error long_body = errors.refused("delete realm", answered(500, std::string(5000, 'x')));
  EXPECT_EQ(long_body.kind, ErrorKind::infra);
  EXPECT_EQ(long_body.message,
            "realm removal step 'delete realm' failed: keycloak answered 500 Internal Server Error: " +
                std::string(200, 'x') + "…");
  EXPECT_EQ(errors.refused("delete realm", answered(503, "")).message,
            "realm removal step 'delete realm' failed: keycloak answered 503 Service Unavailable (empty body)");
}

TEST(StepErrors, ASecretStraddlingTheCutIsStillMasked) {
  Redactor redactor;
  redactor.add_secret("straddling-secret");
  StepErrors errors("keycloak", "provisioning", ErrorKind::check_failed, redactor);
  Error error = errors.refused("create user", answered(400, std::string(195, 'x') + "straddling-secret"));
  EXPECT_EQ(error.message.find("straddl"), std::string::npos) << error.message;
}

TEST(StepErrors, TransportErrorsKeepTheirKindAndMalformedAnswersTakeTheRefusalKind) {
  Redactor redactor;
  redactor.add_secret("hunter22");
  StepErrors errors("keycloak", "provisioning", ErrorKind::check_failed, redactor);
  Error timeout = errors.transport("create realm", make_error(ErrorKind::timeout, "timed out sending hunter22"));
  EXPECT_EQ(timeout.kind, ErrorKind::timeout);
  EXPECT_EQ(timeout.message, "provisioning step 'create realm' failed: timed out sending ********");
  Error malformed = errors.malformed("read client secret", "has no string \"value\"");
  EXPECT_EQ(malformed.kind, ErrorKind::check_failed);
  EXPECT_EQ(malformed.message,
            "provisioning step 'read client secret' failed: keycloak's answer has no string \"value\"");
  EXPECT_EQ(errors.bad_request("create realm", "the realm name is empty").kind, ErrorKind::usage);
}

}  // namespace
}  // namespace ccci::harness
