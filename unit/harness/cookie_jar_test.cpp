#include "harness/cookie_jar.hpp"

#include <gtest/gtest.h>

namespace ccci::harness {
namespace {

const auto now = std::chrono::system_clock::from_time_t(1'800'000'000);

TEST(CookieJar, ACookieGoesBackToTheHostThatSetItUnderItsPath) {
  CookieJar jar;
  jar.take({{"Set-Cookie", "session=abc; Path=/; Secure; HttpOnly"}, {"set-cookie", "pref=1; Path=/app"}},
           "app.ccci.test", "/cgi-bin/login", now);
  EXPECT_EQ(jar.cookie_header("app.ccci.test", "/cgi-bin/notes"), "session=abc");
  EXPECT_EQ(jar.cookie_header("APP.ccci.test", "/app/x?y=1"), "session=abc; pref=1");
  EXPECT_EQ(jar.cookie_header("app.ccci.test", "/apple"), "session=abc") << "paths match on / boundaries";
  EXPECT_EQ(jar.cookie_header("other.ccci.test", "/"), "") << "host-only without Domain";
  EXPECT_EQ(jar.cookie_header("sub.app.ccci.test", "/"), "");
}

TEST(CookieJar, TheDefaultPathIsTheRequestsDirectory) {
  CookieJar jar;
  jar.take({{"Set-Cookie", "a=1"}}, "app.test", "/cgi-bin/login", now);
  EXPECT_EQ(jar.cookie_header("app.test", "/cgi-bin/notes"), "a=1");
  EXPECT_EQ(jar.cookie_header("app.test", "/"), "");
}

TEST(CookieJar, ADomainCookieReachesSubdomainsButNoHostMaySetAnotherDomain) {
  CookieJar jar;
  jar.take({{"Set-Cookie", "wide=1; Domain=.ccci.test; Path=/"}, {"Set-Cookie", "evil=1; Domain=example.com; Path=/"}},
           "app.ccci.test", "/", now);
  EXPECT_EQ(jar.cookie_header("other.ccci.test", "/"), "wide=1");
  EXPECT_EQ(jar.cookie_header("example.com", "/"), "");
  EXPECT_EQ(jar.size(), 1u);
}

TEST(CookieJar, ACookieIsReplacedAndDeletedByMaxAgeOrAPastExpiry) {
  CookieJar jar;
  jar.take({{"Set-Cookie", "s=1; Path=/"}}, "app.test", "/", now);
  jar.take({{"Set-Cookie", "s=2; Path=/"}}, "app.test", "/", now);
  EXPECT_EQ(jar.cookie_header("app.test", "/"), "s=2");
  jar.take({{"Set-Cookie", "s=; Path=/; Max-Age=0"}}, "app.test", "/", now);
  EXPECT_EQ(jar.cookie_header("app.test", "/"), "");
  jar.take({{"Set-Cookie", "t=1; Path=/"}}, "app.test", "/", now);
  jar.take({{"Set-Cookie", "t=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}}, "app.test", "/", now);
  EXPECT_EQ(jar.cookie_header("app.test", "/"), "");
  jar.take({{"Set-Cookie", "u=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60"}}, "app.test", "/", now);
  EXPECT_EQ(jar.cookie_header("app.test", "/"), "u=1") << "Max-Age wins over Expires";
  jar.take({{"Set-Cookie", "v=1; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT"}}, "app.test", "/", now);
  EXPECT_EQ(jar.cookie_header("app.test", "/"), "u=1; v=1");
}

TEST(CookieJar, MalformedOrHostileLinesAreIgnoredAndTheJarIsBounded) {
  CookieJar jar;
  jar.take({{"Set-Cookie", "novalue"},
            {"Set-Cookie", "=anonymous"},
            {"Set-Cookie", "a=1\r\nX-Evil: 1"},
            {"Set-Cookie", "big=" + std::string(CookieJar::max_cookie_bytes, 'x')}},
           "app.test", "/", now);
  EXPECT_EQ(jar.size(), 0u);
  for (size_t i = 0; i < CookieJar::max_cookies + 5; ++i)
    jar.take({{"Set-Cookie", "c" + std::to_string(i) + "=1; Path=/"}}, "app.test", "/", now);
  EXPECT_EQ(jar.size(), CookieJar::max_cookies);
  EXPECT_EQ(jar.cookie_header("app.test", "/").rfind("c5=1; ", 0), 0u) << "the oldest went first";
}

}  // namespace
}  // namespace ccci::harness
