#include "runner/tier_machine.hpp"

#include <algorithm>
#include <csignal>
#include <exception>
#include <optional>

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::Status;

std::chrono::milliseconds since(const harness::Clock& clock, std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
}

TierStatus status_from_checks(const std::vector<CheckOutcome>& checks, std::string& reason) {
  TierStatus status = TierStatus::pass;
  for (const auto& check : checks) {
    if (check.status == CheckStatus::error && status != TierStatus::error) {
      status = TierStatus::error;
      reason = "check " + check.name + " errored: " + check.message;
    } else if (check.status == CheckStatus::fail && status == TierStatus::pass) {
      status = TierStatus::fail;
      reason = "check " + check.name + " failed: " + check.message;
    }
  }
  return status;
}

/// More deployments than planned is always wrong (something reinstalled); fewer is wrong only
/// once install has passed (a failed install may stop before its deploy). Each base install
/// deployed and removed again (BaseOutcome::abandoned_deploys) was one deployment more.
std::optional<std::string> deploy_count_error(const MachineResult& result, int expected) {
  if (result.base) expected += result.base->abandoned_deploys;
  bool install_passed = !result.tiers.empty() && result.tiers.front().status == TierStatus::pass;
  if (result.deploy_count > expected || (install_passed && result.deploy_count != expected)) {
    return "deploy count " + std::to_string(result.deploy_count) + " != expected " + std::to_string(expected) +
           ": a run deploys the recipe once plus once per dependency";
  }
  return std::nullopt;
}

std::string signal_name(int sig) {
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal " + std::to_string(sig);
}

}  // namespace

std::string_view to_string(SeedOp op) {
  switch (op) {
    case SeedOp::pre_upgrade: return "pre_upgrade";
    case SeedOp::pre_backup: return "pre_backup";
    case SeedOp::pre_restore: return "pre_restore";
  }
  return "unknown";
}

TierMachine::TierMachine(Operations& ops, harness::Clock& clock, std::function<int()> pending_interrupt,
                         MachineObserver observer)
    : ops_(ops), clock_(clock), pending_interrupt_(std::move(pending_interrupt)), observer_(std::move(observer)) {}

template <typename Step>
auto TierMachine::timed(std::string name, std::optional<Tier> tier, Step&& step) -> decltype(step()) {
  auto start = clock_.now();
  try {
    auto done = step();
    operations_.push_back({std::move(name), tier, since(clock_, start)});
    return done;
  } catch (...) {
    operations_.push_back({std::move(name), tier, since(clock_, start)});
    throw;
  }
}

Status TierMachine::perform(Tier tier, bool has_dependencies) {
  switch (tier) {
    case Tier::install:
      if (has_dependencies)
        CCCI_TRY_STATUS(timed("deploy_dependencies", tier, [&] { return ops_.deploy_dependencies(); }));
      return timed("install", tier, [&] { return ops_.install(); });
    case Tier::upgrade:
      CCCI_TRY_STATUS(seed_pre_upgrade(tier));
      return timed("upgrade", tier, [&] { return ops_.upgrade(); });
    case Tier::backup:
      // Without an upgrade the data written before one is written here, so the checks that read
      // it back after the restore still judge something instead of failing on data never written.
      if (!pre_upgrade_seeded_) CCCI_TRY_STATUS(seed_pre_upgrade(tier));
      CCCI_TRY_STATUS(seed(SeedOp::pre_backup, tier));
      return timed("backup", tier, [&] { return ops_.backup(); });
    case Tier::restore:
      CCCI_TRY_STATUS(seed(SeedOp::pre_restore, tier));
      return timed("restore", tier, [&] { return ops_.restore(); });
    case Tier::custom: return harness::ok_status();
  }
  return harness::ok_status();
}

Status TierMachine::seed(SeedOp op, Tier tier) {
  return timed("seed_" + std::string(to_string(op)), tier, [&] { return ops_.seed(op); });
}

Status TierMachine::seed_pre_upgrade(Tier tier) {
  pre_upgrade_seeded_ = true;
  return seed(SeedOp::pre_upgrade, tier);
}

TierOutcome TierMachine::run_tier(const TierIntent& intent, bool has_dependencies) {
  TierOutcome outcome{intent.tier, TierStatus::pass, {}, {}, {}};
  if (observer_.tier_started) observer_.tier_started(intent.tier);
  auto start = clock_.now();
  Status done = perform(intent.tier, has_dependencies);
  if (!done.ok()) {
    const auto& error = done.error();
    outcome.status = error.kind == ErrorKind::check_failed ? TierStatus::fail : TierStatus::error;
    outcome.reason = error.message;
  } else {
    outcome.checks = timed("checks", intent.tier, [&] { return ops_.run_checks(intent.tier); });
    outcome.status = status_from_checks(outcome.checks, outcome.reason);
  }
  outcome.duration = since(clock_, start);
  return outcome;
}

MachineResult TierMachine::run(const MachineInputs& inputs) {
  MachineResult result;
  pre_upgrade_seeded_ = false;
  operations_.clear();
  run_tiers(inputs, result);
  bool red = std::any_of(result.tiers.begin(), result.tiers.end(), [](const TierOutcome& tier) {
    return tier.status == TierStatus::fail || tier.status == TierStatus::error;
  });
  if (red && !result.interrupt_signal && !pending_interrupt_()) collect_evidence(result);
  // A signal during the evidence still wins: an interrupted run always cleans up after itself.
  if (red && inputs.keep_on_failure && !result.interrupt_signal && !pending_interrupt_())
    keep_or_tear_down(inputs.keep_on_failure, result);
  else
    tear_down(result);
  result.operations = std::move(operations_);
  operations_.clear();  // moved-from: valid but unspecified
  result.deploy_count = ops_.deploy_count();
  if (auto wrong = deploy_count_error(result, inputs.expected_deploy_count)) result.infra_errors.push_back(*wrong);
  return result;
}

void TierMachine::finish(MachineResult& result, TierOutcome outcome) {
  if (observer_.tier_finished) observer_.tier_finished(outcome);
  result.tiers.push_back(std::move(outcome));
}

void TierMachine::run_tiers(const MachineInputs& inputs, MachineResult& result) {
  std::string stop_reason;  // set once a tier fails, errors or the run is interrupted
  auto interrupted = [&](int sig) {
    result.interrupt_signal = sig;
    stop_reason = "interrupted by " + signal_name(sig);
  };
  try {
    for (const auto& intent : inputs.tiers) {
      if (stop_reason.empty()) {
        if (int sig = pending_interrupt_()) interrupted(sig);
      }
      if (!stop_reason.empty()) {
        finish(result, {intent.tier, TierStatus::skipped, stop_reason, {}, {}});
        continue;
      }
      if (intent.disposition != Disposition::run) {
        auto status =
            intent.disposition == Disposition::not_applicable ? TierStatus::not_applicable : TierStatus::skipped;
        finish(result, {intent.tier, status, intent.reason, {}, {}});
        continue;
      }
      if (intent.tier == Tier::upgrade && result.base) {
        // Not the head's doing, so it does not stop the tiers that still judge the head.
        if (!result.base->not_deployable.empty()) {
          finish(result, {intent.tier, TierStatus::error, result.base->not_deployable, {}, {}});
          continue;
        }
        if (result.base->base.source == BaseSource::skip) {
          finish(result, {intent.tier, TierStatus::skipped, "no upgrade base: " + result.base->base.reason, {}, {}});
          continue;
        }
      }
      TierOutcome outcome = run_tier(intent, inputs.has_dependencies);
      if (intent.tier == Tier::install) {
        result.base = ops_.base_outcome();
        if (const auto& why = result.base->not_deployable; !why.empty()) {
          outcome.reason =
              why + (outcome.status == TierStatus::pass ? "; the head was installed (chaos) instead"
                                                        : "; the head, installed instead: " + outcome.reason);
        }
      }
      if (outcome.status == TierStatus::fail || outcome.status == TierStatus::error) {
        stop_reason =
            std::string(to_string(intent.tier)) + (outcome.status == TierStatus::fail ? " failed" : " errored");
      }
      if (int sig = pending_interrupt_(); sig && !result.interrupt_signal) interrupted(sig);
      finish(result, std::move(outcome));
    }
  } catch (const std::exception& e) {
    result.infra_errors.push_back(std::string("unexpected exception: ") + e.what());
  } catch (...) {
    result.infra_errors.push_back("unexpected exception");
  }
  // Tiers never reached because of an exception are still reported.
  for (size_t i = result.tiers.size(); i < inputs.tiers.size(); ++i) {
    finish(result, {inputs.tiers[i].tier, TierStatus::skipped, "the run stopped on an internal error", {}, {}});
  }
}

void TierMachine::collect_evidence(MachineResult& result) {
  auto start = clock_.now();
  try {
    result.evidence = ops_.collect_evidence();
  } catch (const std::exception& e) {
    result.evidence.notes.push_back(std::string("evidence collection threw: ") + e.what());
  }
  result.evidence.collected = true;
  result.evidence.duration = since(clock_, start);
  operations_.push_back({"evidence", std::nullopt, result.evidence.duration});
  if (observer_.evidence_collected) observer_.evidence_collected(result.evidence);
}

void TierMachine::keep_or_tear_down(const std::function<harness::Status()>& keep, MachineResult& result) {
  Status recorded = [&]() -> Status {
    try {
      return keep();
    } catch (const std::exception& e) {
      return harness::make_error(ErrorKind::infra, std::string("recording it threw: ") + e.what());
    }
  }();
  if (!recorded.ok()) {
    tear_down(result);
    result.teardown.message = "not kept for debugging (" + recorded.error().message + "); torn down" +
                              (result.teardown.message.empty() ? "" : ": " + result.teardown.message);
    return;
  }
  if (observer_.teardown_started) observer_.teardown_started();
  result.teardown = TeardownOutcome{};
  result.teardown.kept = true;
  result.teardown.message = "kept for debugging (--keep-on-failure): the reaper removes it after the run's expiry";
  if (observer_.teardown_finished) observer_.teardown_finished(result.teardown);
}

void TierMachine::tear_down(MachineResult& result) {
  if (observer_.teardown_started) observer_.teardown_started();
  auto start = clock_.now();
  try {
    result.teardown = ops_.teardown();
  } catch (const std::exception& e) {
    result.teardown = TeardownOutcome{true, false, {}, std::string("teardown threw: ") + e.what(), {}};
  }
  if (result.teardown.duration == std::chrono::milliseconds::zero()) result.teardown.duration = since(clock_, start);
  operations_.push_back({"teardown", std::nullopt, result.teardown.duration});
  if (!result.teardown.clean) {
    std::string what = result.teardown.message.empty() ? "teardown left resources behind" : result.teardown.message;
    for (const auto& item : result.teardown.residue) what += "; left: " + item;
    result.infra_errors.push_back(what);
  }
  if (observer_.teardown_finished) observer_.teardown_finished(result.teardown);
}

}  // namespace ccci::runner
