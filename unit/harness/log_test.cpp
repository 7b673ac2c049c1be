#include "harness/log.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace ccci::harness {
namespace {

TEST(Logger, WritesEachLineAtOnceWithSecretsMasked) {
  std::ostringstream out;
  Logger log(out);
  log.redactor().add_secret("s3cret-token");
  log.info("http", "GET https://x.example/?t=s3cret%2Dtoken -> 200");
  EXPECT_EQ(out.str(), "[http] GET https://x.example/?t=******** -> 200\n");
  log.info("process", "abra app secret insert s3cret-tok");
  EXPECT_EQ(out.str(), "[http] GET https://x.example/?t=******** -> 200\n[process] abra app secret insert s3cret-tok\n")
      << "a line is never held back for the next";
}

TEST(Logger, MasksAMultiLineSecretLineByLine) {
  std::ostringstream out;
  Logger log(out);
  log.redactor().add_secret("-----BEGIN KEY-----\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC\n-----END KEY-----\n");
  log.info("process", "stderr: hkiG9w0BAQEFAASC");
  log.info("process", "key:\n-----BEGIN KEY-----\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC\n-----END KEY-----");
  EXPECT_EQ(out.str(), "[process] stderr: ********\n[process] key:\n********\n");
}

TEST(Logger, WritesABlockAsItIsWithSecretsMasked) {
  std::ostringstream out;
  Logger log(out);
  log.redactor().add_secret("s3cret-token");
  log.info("plan", "ready");
  log.write("plan:\n  token: s3cret-token\n");
  EXPECT_EQ(out.str(), "[plan] ready\nplan:\n  token: ********\n");
}

}  // namespace
}  // namespace ccci::harness
