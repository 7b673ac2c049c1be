#include "runner/summary.hpp"

#include <gtest/gtest.h>

#include "unit/fakes/sample_report.hpp"

namespace ccci::runner {
namespace {

RunReport red_report() {
  RunReport report = fakes::green_report();
  report.run_id = "fixture-web-pr3-3a9c1e";
  report.pr = 3;
  report.head_ref = "refs/pull/3/head";
  report.tiers = {
      {Tier::install, TierStatus::pass, {}, {}, std::chrono::milliseconds(1500)},
      {Tier::upgrade,
       TierStatus::fail,
       "check marker_survived failed: marker | missing",
       {{"marker_survived",
         CheckSource::overlay,
         CheckStatus::fail,
         "GET /cgi-bin/marker answered 404, expected 200",
         std::string(5000, 'x'),
         {}}},
       {}},
      {Tier::backup, TierStatus::skipped, "upgrade failed", {}, {}},
      {Tier::restore, TierStatus::skipped, "upgrade failed", {}, {}},
      {Tier::custom, TierStatus::skipped, "upgrade failed", {}, {}},
  };
  report.teardown = {true, true, {}, {}, {}};
  report.deploy_count = 1;
  return report;
}

TEST(Summary, ABaseThatCouldNotBeDeployedIsSaidInBothSummaries) {
  RunReport report = fakes::green_report();
  std::string plain = render_summary_markdown(report);
  EXPECT_EQ(plain.find("not deployable"), std::string::npos) << plain;
  report.base_not_deployable = "base 1.0.0+1.0 not deployable: FATA lint | error";
  std::string md = render_summary_markdown(report);
  EXPECT_NE(md.find("\n- base 1.0.0+1.0 not deployable: FATA lint \\| error: the head was installed instead; the "
                    "upgrade was not tested\n"),
            std::string::npos)
      << md;
  EXPECT_NE(render_terminal_summary(report).find("  base 1.0.0+1.0 not deployable: FATA lint | error\n"),
            std::string::npos);
}

TEST(Summary, TheStacksPeakResourcesAreOneLineOrSayWhyNot) {
  RunReport report = fakes::green_report();
  std::string md = render_summary_markdown(report);
  EXPECT_NE(md.find("\n- stack resources: peak memory 150.0 MiB, peak CPU 37.5% of a core (12 samples)\n"),
            std::string::npos)
      << md;
  report.resources = {0, std::nullopt, std::nullopt, std::chrono::seconds(5),
                      "docker reported no running container of the run's stacks"};
  md = render_summary_markdown(report);
  EXPECT_NE(md.find("\n- stack resources: not reported (0 samples): docker reported no running container of the "
                    "run's stacks\n"),
            std::string::npos)
      << md;
}

TEST(Summary, EachPreviousOverlayIsOneLineSayingAppliedOrStaleAndWhy) {
  RunReport report = fakes::green_report();
  EXPECT_EQ(render_summary_markdown(report).find("previous/"), std::string::npos);
  report.previous_overlays = {{"1.0.0+1.0",
                               {"compose.previous.yml"},
                               OverlayStatus::stale,
                               "the base is 1.1.0+1.1, from last-green; this "
                               "overlay is for 1.0.0+1.0"},
                              {"1.1.0+1.1",
                               {"compose.a.yml", "compose.b.yml"},
                               OverlayStatus::applied,
                               "the base is 1.1.0+1.1, from last-green"}};
  std::string md = render_summary_markdown(report);
  EXPECT_NE(md.find("\n- previous/1.0.0+1.0 overlay (compose.previous.yml): stale — the base is 1.1.0+1.1, from "
                    "last-green; this overlay is for 1.0.0+1.0\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("\n- previous/1.1.0+1.1 overlay (compose.a.yml, compose.b.yml): applied — the base is 1.1.0+1.1, "
                    "from last-green\n"),
            std::string::npos)
      << md;
}

TEST(Summary, TheHeadsNewConfigurationIsOneLineAndSaysWhenItWasNotApplied) {
  RunReport report = fakes::green_report();
  EXPECT_EQ(render_summary_markdown(report).find("new configuration"), std::string::npos);
  report.env_upgrade = EnvUpgrade{};
  EXPECT_EQ(render_summary_markdown(report).find("new configuration"), std::string::npos) << "nothing changed";
  report.env_upgrade =
      EnvUpgrade{true, {"GREETING", "SECRET_API_KEY_VERSION"}, {"PAGE_TITLE"}, {"OLD_FLAG"}, {"api_key"}, {}};
  EXPECT_NE(render_summary_markdown(report).find(
                "\n- head's new configuration: added GREETING, SECRET_API_KEY_VERSION; secrets generated: api_key; "
                "already set: PAGE_TITLE; dropped by the head (left in place): OLD_FLAG\n"),
            std::string::npos)
      << render_summary_markdown(report);
  report.env_upgrade->applied = false;
  EXPECT_NE(render_summary_markdown(report).find(
                "- head's new configuration: not added (upgrade.apply_env off): GREETING, SECRET_API_KEY_VERSION; "
                "secrets not generated: api_key;"),
            std::string::npos)
      << render_summary_markdown(report);
}

TEST(Summary, AFlakyPassIsListedInBothSummariesAndTheRunStaysGreen) {
  RunReport report = fakes::with_flaky_check(fakes::green_report());
  std::string md = render_summary_markdown(report);
  EXPECT_NE(md.find("**custom / note_roundtrip** (overlay, flaky): flaky: failed, then passed when run again"),
            std::string::npos)
      << md;
  std::string text = render_terminal_summary(report);
  EXPECT_NE(text.find("      flaky note_roundtrip: flaky: failed, then passed"), std::string::npos) << text;
  EXPECT_NE(text.find("verdict: green"), std::string::npos) << text;
}

TEST(Summary, RedRunNamesTheFailingCheckAndItsTier) {
  std::string md = render_summary_markdown(red_report());
  EXPECT_NE(md.find("❌ ccci: fixture-web PR #3 failed"), std::string::npos) << md;
  EXPECT_NE(md.find("level 1/5"), std::string::npos);
  EXPECT_NE(md.find("- level 1, not higher: upgrade fail: "), std::string::npos) << md;
  EXPECT_NE(md.find("**upgrade / marker_survived** (overlay, fail): GET /cgi-bin/marker answered 404"),
            std::string::npos);
  EXPECT_NE(md.find("| backup | skipped | 0.0s | upgrade failed |"), std::string::npos) << md;
  EXPECT_NE(md.find("marker \\| missing"), std::string::npos) << "pipes in cells are escaped";
  EXPECT_NE(md.find("… (truncated)"), std::string::npos);
  EXPECT_NE(md.find("upgrade base: main @ aaaaaaaaaaaa, from target-branch"), std::string::npos) << md;
}

TEST(Summary, RecipeWithoutASpecSaysItRanTheGenericChecksOnly) {
  RunReport report = fakes::green_report();
  EXPECT_EQ(render_summary_markdown(report).find("not enrolled"), std::string::npos);
  EXPECT_EQ(render_terminal_summary(report).find("not enrolled"), std::string::npos);
  report.enrolled = false;
  std::string md = render_summary_markdown(report);
  EXPECT_NE(md.find("- spec: not enrolled: generic checks only (no `recipes/fixture-web/recipe.yml`)\n"),
            std::string::npos)
      << md;
  EXPECT_NE(render_terminal_summary(report).find("  not enrolled: generic checks only\n"), std::string::npos);
}

TEST(Summary, ResidueAndInfraErrorsAreShownAndTheRunIsAnError) {
  auto report = red_report();
  report.teardown = {true, false, {"volume fixt-3a9c1e_ccci_test_data"}, "teardown left resources behind", {}};
  std::string md = render_summary_markdown(report);
  EXPECT_NE(md.find("⚠️"), std::string::npos);
  EXPECT_NE(md.find("`volume fixt-3a9c1e_ccci_test_data`"), std::string::npos);
}

TEST(Summary, TerminalSummaryEndsWithVerdictLevelAndExitCode) {
  std::string text = render_terminal_summary(red_report());
  EXPECT_NE(text.find("  upgrade  fail"), std::string::npos) << text;
  EXPECT_NE(text.find("fail marker_survived: GET /cgi-bin/marker answered 404"), std::string::npos);
  EXPECT_NE(text.find("verdict: red, level 1/5, exit 1"), std::string::npos) << text;
  EXPECT_NE(text.find("  level 1, not higher: upgrade fail: check marker_survived failed"), std::string::npos) << text;
}

TEST(Summary, SaysTheBaseWithItsReasonAndWhetherTheRunPromoted) {
  RunReport report = fakes::green_report();
  report.base.reason = "tip of main (last-green 1.1.0+1.1 is no longer a tag of /srv/git/coop-cloud/fixture-web)";
  report.promotion = {false, "", "a PR run never promotes"};
  std::string md = render_summary_markdown(report);
  EXPECT_NE(md.find("- upgrade base: main @ aaaaaaaaaaaa, from target-branch (tip of main (last-green 1.1.0+1.1 is no "
                    "longer a tag of /srv/git/coop-cloud/fixture-web))\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- last-green: not promoted: a PR run never promotes\n"), std::string::npos) << md;
  std::string text = render_terminal_summary(report);
  EXPECT_NE(text.find("  upgrade base: main @ aaaaaaaaaaaa, from target-branch (tip of main (last-green 1.1.0+1.1 "
                      "is no longer a tag"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  last-green: not promoted: a PR run never promotes\n"), std::string::npos) << text;

  report.promotion = {true, "1.2.0+1.2", ""};
  EXPECT_NE(render_summary_markdown(report).find("- last-green: promoted 1.2.0+1.2 to last-green\n"),
            std::string::npos);
  EXPECT_NE(render_terminal_summary(report).find("  last-green: promoted 1.2.0+1.2 to last-green\n"),
            std::string::npos);
}

TEST(Summary, AKeptDeploymentSaysHowToReachAndRemoveItAndTheRunStaysRed) {
  RunReport report = red_report();
  report.teardown = {};
  report.teardown.kept = true;
  report.kept = KeptDeployment{"https://fixture-web-3a9c1e.ci.test",
                               {"fixture-web-3a9c1e_ci_test"},
                               "2026-12-01T18:00:00Z",
                               "ccci-run reap --state-dir /var/lib/ccci --run fixture-web-pr3-3a9c1e"};
  const std::vector<std::string> lines{
      "reach it at https://fixture-web-3a9c1e.ci.test",
      "stack fixture-web-3a9c1e_ci_test: docker service ls --filter "
      "label=com.docker.stack.namespace=fixture-web-3a9c1e_ci_test",
      "reaped by the first `ccci-run reap` after 2026-12-01T18:00:00Z",
      "remove it now: ccci-run reap --state-dir /var/lib/ccci --run fixture-web-pr3-3a9c1e"};
  std::string terminal = render_terminal_summary(report);
  std::string markdown = render_summary_markdown(report);
  EXPECT_NE(terminal.find("  teardown kept for debugging, deployments 1/1\n"), std::string::npos) << terminal;
  EXPECT_NE(markdown.find("**Deployment kept for debugging**"), std::string::npos) << markdown;
  for (const auto& line : lines) {
    EXPECT_NE(terminal.find("    " + line + "\n"), std::string::npos) << line << "\n" << terminal;
    EXPECT_NE(markdown.find("- " + line), std::string::npos) << line << "\n" << markdown;
  }
  EXPECT_NE(terminal.find("verdict: red, level 1/5, exit 1\n"), std::string::npos) << terminal;
  report.teardown = {true, true, {}, {}, {}};
  report.kept.reset();
  EXPECT_EQ(render_terminal_summary(report).find("kept"), std::string::npos) << "the negative control";
}

}  // namespace
}  // namespace ccci::runner
