#pragma once
/// FakeOperations: scripted Operations for tier state machine tests. Records every call in order
/// ("install", "seed:pre_upgrade", "checks:install", "teardown", ...); each step answers its
/// scripted Status (default ok); a step can be made to throw or to raise an interrupt.
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runner/operations.hpp"

namespace ccci::fakes {

class FakeOperations final : public runner::Operations {
 public:
  std::vector<std::string> calls;
  std::map<std::string, harness::Status> answers;                    ///< step name → status
  std::map<runner::Tier, std::vector<runner::CheckOutcome>> checks;  ///< default: one passing check
  runner::TeardownOutcome teardown_answer{true, true, {}, {}, {}};
  runner::Evidence evidence_answer{false, {"evidence/tasks.txt"}, {}, {}};
  std::string throw_at;      ///< step name that throws std::runtime_error
  std::string interrupt_at;  ///< step name after which interrupt_signal becomes pending
  int interrupt_signal = 0;
  /// Told each call's name as it is made, e.g. to let a FakeClock's time pass inside a step.
  std::function<void(const std::string&)> during;
  int pending = 0;  ///< what pending_interrupt() returns
  int deploys = 0;
  int extra_deploys_on_upgrade = 0;  ///< simulate a reinstall hiding in the upgrade
  /// Set: install deployed the head after the base failed (and counts one more deployment).
  std::optional<std::string> base_failure;
  /// What base_outcome says install used: by default a branch tip, so the upgrade runs.
  runner::UpgradeBase base_used{runner::BaseSource::target_branch, "", std::string(40, 'a'), "main", "tip of main"};

  harness::Status deploy_dependencies() override { return step("deps", 1); }
  harness::Status install() override { return step("install", base_failure ? 2 : 1); }
  harness::Status seed(runner::SeedOp op) override { return step("seed:" + std::string(runner::to_string(op)), 0); }
  harness::Status upgrade() override { return step("upgrade", extra_deploys_on_upgrade); }
  harness::Status backup() override { return step("backup", 0); }
  harness::Status restore() override { return step("restore", 0); }
  std::vector<runner::CheckOutcome> run_checks(runner::Tier tier) override;
  runner::Evidence collect_evidence() override {
    record("evidence");
    if (throw_at == "evidence") throw std::runtime_error("scripted throw at evidence");
    return evidence_answer;
  }
  runner::TeardownOutcome teardown() override;
  int deploy_count() const override { return deploys; }
  runner::BaseOutcome base_outcome() const override {
    return {base_used, base_failure.value_or(""), base_failure ? 1 : 0};
  }

  std::function<int()> interrupt_source() {
    return [this] { return pending; };
  }

 private:
  void record(const std::string& name);
  harness::Status step(const std::string& name, int deploys_on_success);
};

}  // namespace ccci::fakes
