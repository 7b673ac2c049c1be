// The testbed proves itself before anything is judged on it: `ccci-testbed selftest` deploys the
// fixtures by hand and checks every image, the gateway's routing, the fixture apps' write path
// (bodies that arrive after their headers, straight and through the gateway, over HTTP/1.1 and
// HTTP/2; short bodies refused), the database password, and backups with restic. A fixture that is
// kinder or flakier than a real app would make every verdict on it a lie.
#include <gtest/gtest.h>

#include <filesystem>

#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

using namespace std::chrono_literals;

class TestbedSelftest : public OnTestbed {};

TEST_F(TestbedSelftest, EveryImageFixtureAndTheGatewayBehaveAsTheRealThingsDo) {
  auto selftest = run({(std::filesystem::path(CCCI_SOURCE_DIR) / "testbed/ccci-testbed").string(), "selftest"}, 10min);
  EXPECT_EQ(selftest.exit_code, 0) << selftest.describe << "\n" << selftest.output;
  EXPECT_NE(selftest.output.find("selftest: all checks passed"), std::string::npos) << selftest.output;
}

}  // namespace
}  // namespace ccci::e2e
