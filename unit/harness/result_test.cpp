#include "harness/result.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ccci::harness {
namespace {

Result<int> broken() { return make_error(ErrorKind::infra, "docker is gone"); }

TEST(Result, HoldsAValueOrAnError) {
  Result<int> value = 7;
  EXPECT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  EXPECT_FALSE(broken().ok());
  EXPECT_EQ(broken().error().kind, ErrorKind::infra);
  EXPECT_EQ(broken().error().message, "docker is gone");
}

TEST(Result, TryPropagatesTheError) {
  auto doubled = []() -> Result<int> {
    CCCI_TRY(int value, broken());
    return value * 2;
  };
  EXPECT_EQ(doubled().error().message, "docker is gone");
}

TEST(ResultDeathTest, ValueOfAnErrorAbortsNamingItsKindAndMessage) {
  EXPECT_DEATH((void)broken().value(), "value\\(\\) of a Result holding an error \\(infra\\): docker is gone");
  const Result<std::string> error = make_error(ErrorKind::not_found, "no such ref");
  EXPECT_DEATH((void)error->size(), "\\(not_found\\): no such ref");
  Status status = make_error(ErrorKind::timeout, "deploy timed out");
  EXPECT_DEATH((void)*status, "\\(timeout\\): deploy timed out");
}

TEST(ResultDeathTest, ErrorOfAValueAborts) {
  Result<int> value = 7;
  EXPECT_DEATH((void)value.error(), "error\\(\\) of a Result holding a value");
}

}  // namespace
}  // namespace ccci::harness
