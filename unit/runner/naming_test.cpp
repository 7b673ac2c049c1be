#include "runner/naming.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace ccci::runner {
namespace {

TEST(Naming, NonceIsSixHexDigitsAndVaries) {
  std::string a = make_run_nonce(), b = make_run_nonce();
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{6}")));
  EXPECT_TRUE(std::regex_match(b, std::regex("[0-9a-f]{6}")));
  EXPECT_NE(a + make_run_nonce(), b + make_run_nonce());  // 48 random bits: equal only by astronomic chance
}

TEST(Naming, AppDomainIsShortAndCarriesTheNonce) {
  EXPECT_EQ(app_domain("fixture-web", "3a9c1e", "ccci.test"), "fixt-3a9c1e.ccci.test");
  EXPECT_EQ(app_domain("n8n", "000000", "ci.example.net"), "n8n-000000.ci.example.net");
}

TEST(Naming, DependencyDomainIsPerParentAndDependency) {
  EXPECT_EQ(dependency_domain("keycloak", "discourse", "3a9c1e", "ccci.test"), "keyc-3a9c1e-disc.ccci.test");
}

TEST(Naming, RunIdNamesRecipePrAndNonce) {
  EXPECT_EQ(run_id("fixture-web", 1, "3a9c1e"), "fixture-web-pr1-3a9c1e");
  EXPECT_EQ(run_id("fixture-web", std::nullopt, "3a9c1e"), "fixture-web-3a9c1e");
}

}  // namespace
}  // namespace ccci::runner
