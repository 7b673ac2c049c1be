#include "runner/progress.hpp"

#include "runner/summary.hpp"

namespace ccci::runner {
namespace {

std::string check_line(Tier tier, const CheckOutcome& check) {
  std::string line = std::string(to_string(tier)) + "/" + check.name + " [" + std::string(to_string(check.source)) +
                     "]: " + std::string(to_string(check.status));
  if (!check.message.empty()) line += " — " + check.message;
  return line;
}

std::string tier_line(const TierOutcome& tier) {
  std::string line = std::string(to_string(tier.tier)) + ": " + std::string(to_string(tier.status));
  if (tier.status == TierStatus::pass || tier.status == TierStatus::fail || tier.status == TierStatus::error) {
    line += " in " + format_seconds(tier.duration);
  }
  if (!tier.reason.empty()) line += " — " + tier.reason;
  return line;
}

}  // namespace

MachineObserver terminal_progress(harness::Logger& log) {
  MachineObserver observer;
  observer.tier_started = [&log](Tier tier) { log.info("tier", std::string(to_string(tier)) + ": started"); };
  observer.tier_finished = [&log](const TierOutcome& tier) {
    for (const auto& check : tier.checks) log.info("check", check_line(tier.tier, check));
    log.info("tier", tier_line(tier));
  };
  observer.evidence_collected = [&log](const Evidence& evidence) {
    std::string line = std::to_string(evidence.files.size()) + " file(s) in " + format_seconds(evidence.duration);
    if (!evidence.files.empty()) line += " under OUT/evidence/";
    for (const auto& note : evidence.notes) line += "; " + note;
    log.info("evidence", line);
  };
  observer.teardown_started = [&log] { log.info("tier", "teardown: started"); };
  observer.teardown_finished = [&log](const TeardownOutcome& teardown) {
    // A kept deployment's message already says it all ("kept for debugging (--keep-on-failure): …").
    if (teardown.kept) {
      log.info("tier",
               "teardown: " + (teardown.message.empty() ? std::string("kept for debugging") : teardown.message));
      return;
    }
    std::string line = std::string("teardown: ") + (teardown.clean ? "clean" : "NOT clean") + " in " +
                       format_seconds(teardown.duration);
    if (!teardown.message.empty()) line += " — " + teardown.message;
    log.info("tier", line);
  };
  return observer;
}

}  // namespace ccci::runner
