#include "unit/fakes/sample_report.hpp"

namespace ccci::fakes {

using namespace runner;

RunReport green_report() {
  RunReport report;
  report.run_id = "fixture-web-pr1-3a9c1e";
  report.recipe = "fixture-web";
  report.pr = 1;
  report.src = "coop-cloud/fixture-web";
  report.head_ref = "refs/pull/1/head";
  report.head_commit = std::string(40, 'b');
  report.base = {BaseSource::target_branch, "", std::string(40, 'a'), "main", "tip of main"};
  for (Tier tier : all_tiers) {
    report.tiers.push_back({tier,
                            TierStatus::pass,
                            {},
                            {{std::string(to_string(tier)) + "_ok",
                              CheckSource::generic,
                              CheckStatus::pass,
                              {},
                              {},
                              {},
                              std::chrono::milliseconds(1234)},
                             {std::string(to_string(tier)) + "_overlay",
                              CheckSource::overlay,
                              CheckStatus::pass,
                              {},
                              {},
                              {},
                              std::chrono::milliseconds(5)}},
                            std::chrono::milliseconds(2000)});
  }
  report.teardown = {true, true, {}, {}, std::chrono::milliseconds(900)};
  report.operations = {{"install", Tier::install, std::chrono::milliseconds(1500)},
                       {"checks", Tier::install, std::chrono::milliseconds(500)},
                       {"upgrade", Tier::upgrade, std::chrono::milliseconds(1800)},
                       {"teardown", std::nullopt, std::chrono::milliseconds(900)}};
  report.resources = {12, 157286400, 37.5, std::chrono::seconds(5), ""};
  report.deploy_count = 1;
  report.started_at = "2026-11-23T07:00:00Z";
  report.duration = std::chrono::milliseconds(65000);
  return report;
}

RunReport mixed_report() {
  RunReport report = green_report();
  report.tiers[1] = {Tier::upgrade,
                     TierStatus::error,
                     "check head_deployed errored: docker inspect timed out",
                     {{"head_deployed",
                       CheckSource::generic,
                       CheckStatus::error,
                       "docker inspect timed out\nsecond line",
                       "\x1b[31mred ANSI\x1b[0m and a bell \x07 and ]]> and bad UTF-8 \xff\xfe and a secret hunter2",
                       {}},
                      {"marker_survived",
                       CheckSource::overlay,
                       CheckStatus::fail,
                       "GET /cgi-bin/marker answered 404 <&>\"'",
                       "body: not found",
                       {}}},
                     {}};
  report.tiers[2] = {Tier::backup, TierStatus::skipped, "upgrade errored", {}, {}};
  report.tiers[3] = {Tier::restore, TierStatus::not_applicable, "backup is n/a: no backupbot labels", {}, {}};
  report.tiers[4] = {Tier::custom, TierStatus::skipped, "upgrade errored", {}, {}};
  report.teardown = {
      true, false, {"volume fixt-3a9c1e_ccci_test_data"}, "teardown left volumes: fixt-3a9c1e_ccci_test_data", {}};
  report.infra_errors = {"teardown left volumes: fixt-3a9c1e_ccci_test_data"};
  report.pr.reset();
  return report;
}

RunReport with_evidence(RunReport report) {
  report.evidence.collected = true;
  report.evidence.files = {"evidence/tasks.txt", "evidence/logs/fixt_app.log"};
  return report;
}

RunReport with_flaky_check(RunReport report) {
  for (auto& tier : report.tiers) {
    if (tier.tier != Tier::custom) continue;
    CheckOutcome flaky{
        "note_roundtrip",
        CheckSource::overlay,
        CheckStatus::pass,
        "flaky: failed, then passed when run again; the failure: GET /notes/1 answered 502, expected 200",
        "attempt 1: GET /notes/1 answered 502\n\nattempt 2: passed",
        {},
        std::chrono::milliseconds(800)};
    flaky.flaky = true;
    flaky.attempts = 2;
    tier.checks.push_back(flaky);
  }
  return report;
}

}  // namespace ccci::fakes
