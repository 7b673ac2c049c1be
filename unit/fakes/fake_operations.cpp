#include "unit/fakes/fake_operations.hpp"

namespace ccci::fakes {

void FakeOperations::record(const std::string& name) {
  calls.push_back(name);
  if (during) during(name);
}

harness::Status FakeOperations::step(const std::string& name, int deploys_on_success) {
  record(name);
  if (throw_at == name) throw std::runtime_error("boom in " + name);
  if (interrupt_at == name) pending = interrupt_signal;
  auto answer = answers.find(name);
  if (answer != answers.end() && !answer->second.ok()) return answer->second;
  deploys += deploys_on_success;
  return harness::ok_status();
}

std::vector<runner::CheckOutcome> FakeOperations::run_checks(runner::Tier tier) {
  std::string name = "checks:" + std::string(runner::to_string(tier));
  record(name);
  if (throw_at == name) throw std::runtime_error("boom in " + name);
  auto scripted = checks.find(tier);
  if (scripted != checks.end()) return scripted->second;
  return {runner::CheckOutcome{std::string(runner::to_string(tier)) + "_ok",
                               runner::CheckSource::generic,
                               runner::CheckStatus::pass,
                               {},
                               {},
                               {}}};
}

runner::TeardownOutcome FakeOperations::teardown() {
  record("teardown");
  if (throw_at == "teardown") throw std::runtime_error("boom in teardown");
  return teardown_answer;
}

}  // namespace ccci::fakes
