// Dependencies (runner/dependencies.hpp): the teardown, and the run-private files it removes.
#include <boost/json.hpp>

#include "harness/atomic_file.hpp"
#include "harness/filesystem.hpp"
#include "harness/interrupt.hpp"
#include "harness/text.hpp"
#include "runner/convergence.hpp"
#include "runner/dependencies.hpp"
#include "runner/json_text.hpp"
#include "runner/stack_removal.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;
using harness::Status;

/// The least time docker's removal by identity gets for each dep, however much abra took.
constexpr std::chrono::seconds dep_forced_removal_floor{30};

std::chrono::milliseconds left_until(harness::Clock& clock, std::chrono::steady_clock::time_point deadline) {
  return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now()),
                  std::chrono::milliseconds(0));
}

}  // namespace

harness::Result<std::filesystem::path> Dependencies::write_secret_file(const std::string& name,
                                                                       const std::string& value) const {
  const auto& dir = settings_.secrets_dir;
  if (dir.empty()) return make_error(ErrorKind::infra, "no run-private directory for the dependencies' secrets");
  CCCI_TRY_STATUS(harness::make_directories(dir));
  std::error_code error;
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, error);
  if (error) return make_error(ErrorKind::infra, "cannot make " + dir.string() + " private: " + error.message());
  auto file = dir / name;
  CCCI_TRY_STATUS(harness::write_file_atomically(file, value));
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, error);
  if (error) return make_error(ErrorKind::infra, "cannot make " + file.string() + " private: " + error.message());
  return file;
}

Status Dependencies::write_facts_file() const {
  if (settings_.facts_file.empty()) return harness::ok_status();
  boost::json::array deps;
  for (size_t i = 0; i < settings_.deps.size(); ++i) {
    const auto& dep = settings_.deps[i];
    boost::json::object entry;
    entry["recipe"] = dep.spec.recipe;
    entry["domain"] = dep.warm ? "" : dep.domain;
    entry["url"] = dep.warm ? dep.warm->base_url : "https://" + dep.domain;
    entry["warm"] = dep.warm.has_value();
    if (const auto& id = live_[i].identity) {
      entry["provider"] = dep.spec.provider;
      entry["issuer"] = id->issuer;
      entry["discovery_url"] = id->discovery_url;
      entry["realm"] = id->realm;
      entry["client_id"] = id->client_id;
      entry["username"] = id->username;
      CCCI_TRY(auto secret, write_secret_file(dep.spec.recipe + "-client_secret", id->client_secret));
      CCCI_TRY(auto password, write_secret_file(dep.spec.recipe + "-password", id->password));
      entry["client_secret_file"] = secret.string();
      entry["password_file"] = password.string();
    }
    deps.push_back(std::move(entry));
  }
  boost::json::object root;
  root["deps"] = std::move(deps);
  // Nothing in it is a secret; redacted all the same, so no value a provider echoed can leak.
  return write_json_file(redacted(root, seams_.log.redactor()), settings_.facts_file);
}

std::string Dependencies::remove_stack(const DependencyTarget& dep, std::chrono::steady_clock::time_point deadline) {
  const std::string stack = harness::stack_name_for(dep.domain);
  std::vector<std::string> notes;
  auto undeployed = seams_.abra.undeploy(dep.domain);
  if (!undeployed.ok() && undeployed.error().kind != ErrorKind::not_found) notes.push_back(undeployed.error().message);
  (void)wait_until_stack_stopped(
      seams_.docker, seams_.clock, stack,
      std::min<std::chrono::milliseconds>(std::chrono::minutes(2), left_until(seams_.clock, deadline)));
  if (auto removed = seams_.abra.remove(dep.domain); !removed.ok()) notes.push_back(removed.error().message);
  auto forced = force_remove_stack(
      seams_.docker, seams_.clock, stack,
      std::max<std::chrono::milliseconds>(left_until(seams_.clock, deadline), dep_forced_removal_floor));
  if (!forced.ok()) return "could not verify it is gone: " + forced.error().message;
  if (forced->left.empty()) {
    if (!forced->found.empty())
      seams_.log.info("teardown",
                      dep.spec.recipe + ": abra left " + forced->found.describe() + "; removed with docker");
    return "";
  }
  notes.insert(notes.end(), forced->notes.begin(), forced->notes.end());
  return forced->left.describe() + (notes.empty() ? "" : " (" + harness::join(notes, "; ") + ")");
}

TeardownOutcome Dependencies::teardown() {
  harness::InterruptShield shield;  // the dependencies go even after Ctrl-C
  TeardownOutcome result;
  result.ran = true;
  result.clean = true;
  auto start = seams_.clock.now();
  const auto deadline = start + settings_.teardown_budget;
  std::vector<std::string> problems;
  for (size_t n = settings_.deps.size(); n > 0; --n) {
    size_t i = n - 1;
    const auto& dep = settings_.deps[i];
    auto& live = live_[i];
    auto& report = reports_[i];
    std::string left;
    if (dep.warm && live.realm_requested && live.provider) {
      // Only the realm is ours in an operator's provider.
      if (auto removed = live.provider->remove_realm(settings_.realm); !removed.ok())
        left = "realm " + settings_.realm + " in " + dep.warm->base_url + " (" + removed.error().message + ")";
      live.realm_requested = false;
    } else if (live.created) {
      left = remove_stack(dep, deadline);
      live.created = false;
    } else {
      continue;  // nothing of it was made
    }
    if (left.empty()) {
      report.torn_down = true;
      continue;
    }
    left = seams_.log.redactor().redact(left);
    report.note = "left " + left;
    problems.push_back("dependency " + dep.spec.recipe + " left " + left);
    result.residue.push_back("dependency " + dep.spec.recipe + ": " + left);
  }
  if (auto removed = harness::remove_tree(settings_.secrets_dir); !settings_.secrets_dir.empty() && !removed.ok())
    problems.push_back("the dependencies' secrets directory: " + removed.error().message);
  result.clean = problems.empty();
  result.message = harness::join(problems, "; ");
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(seams_.clock.now() - start);
  return result;
}

}  // namespace ccci::runner
