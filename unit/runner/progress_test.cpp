#include "runner/progress.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace ccci::runner {
namespace {

using namespace std::chrono_literals;

TEST(Progress, SaysWhichCheckBrokeAndWhyAsTheTierEnds) {
  std::ostringstream sink;
  harness::Logger log(sink);
  auto observer = terminal_progress(log);
  observer.tier_started(Tier::upgrade);
  TierOutcome upgrade{
      Tier::upgrade, TierStatus::fail, "check upgrade_marker_survived failed: answered 404", {}, 13400ms};
  upgrade.checks.push_back({"head_deployed", CheckSource::generic, CheckStatus::pass, "", "", {}, 50ms});
  upgrade.checks.push_back(
      {"upgrade_marker_survived", CheckSource::overlay, CheckStatus::fail, "answered 404", "", {}, 9ms});
  observer.tier_finished(upgrade);
  observer.tier_finished({Tier::backup, TierStatus::skipped, "upgrade failed", {}, {}});
  observer.teardown_started();
  observer.teardown_finished({true, true, {}, "", 7200ms});
  EXPECT_EQ(sink.str(),
            "[tier] upgrade: started\n"
            "[check] upgrade/head_deployed [generic]: pass\n"
            "[check] upgrade/upgrade_marker_survived [overlay]: fail — answered 404\n"
            "[tier] upgrade: fail in 13.4s — check upgrade_marker_survived failed: answered 404\n"
            "[tier] backup: skipped — upgrade failed\n"
            "[tier] teardown: started\n"
            "[tier] teardown: clean in 7.2s\n");
}

TEST(Progress, AKeptDeploymentIsSaidOnceNotAsACleanOrUncleanTeardown) {
  std::ostringstream sink;
  harness::Logger log(sink);
  auto observer = terminal_progress(log);
  TeardownOutcome kept;
  kept.kept = true;
  kept.message = "kept for debugging (--keep-on-failure): the reaper removes it after the run's expiry";
  observer.teardown_finished(kept);
  EXPECT_EQ(sink.str(),
            "[tier] teardown: kept for debugging (--keep-on-failure): the reaper removes it after the run's expiry\n");
}

}  // namespace
}  // namespace ccci::runner
