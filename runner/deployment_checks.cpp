#include "runner/deployment.hpp"

// The checks a deployment runs after each tier's operation: the generic ones (generic_checks.hpp)
// and the spec's overlay checks; runner/deployment.cpp does the operations.
#include <algorithm>

#include "harness/compose.hpp"
#include "harness/text.hpp"
#include "runner/generic_checks.hpp"

namespace ccci::runner {
namespace {

CheckOutcome outcome(std::string_view name, CheckStatus status, std::string message = {}, std::string detail = {}) {
  return CheckOutcome{std::string(name), CheckSource::generic, status, std::move(message), std::move(detail), {}};
}

}  // namespace

std::vector<CheckOutcome> Deployment::run_checks(Tier tier) {
  auto outcomes = generic_outcomes(tier);
  auto overlay = seams_.steps.checks(tier);
  outcomes.insert(outcomes.end(), overlay.begin(), overlay.end());
  return outcomes;
}

std::vector<CheckOutcome> Deployment::generic_outcomes(Tier tier) {
  std::vector<CheckOutcome> outcomes;
  auto installed = head_installed_ ? InstallDeploys::head : InstallDeploys::base;
  for (const auto& check : generic_checks(tier, installed)) {
    auto start = seams_.clock.now();
    CheckOutcome result = perform(check.id);
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(seams_.clock.now() - start);
    outcomes.push_back(std::move(result));
  }
  return outcomes;
}

CheckOutcome Deployment::perform(GenericCheckId check) {
  switch (check) {  // no default: a generic check without an implementation does not compile
    case GenericCheckId::serving_https: return check_serving_https();
    case GenericCheckId::services_converged: return check_services_converged();
    case GenericCheckId::head_deployed: return check_head_deployed();
    case GenericCheckId::head_images: return check_head_images();
    case GenericCheckId::orphans_pruned: return check_orphans_pruned();
    case GenericCheckId::snapshot_covers_volumes: return check_snapshot_coverage();
    case GenericCheckId::volume_markers_restored: return markers_.check();
  }
  // Only a value outside the enumeration gets here.
  return outcome(to_string(check), CheckStatus::error,
                 "no implementation for generic check " + std::to_string(static_cast<int>(check)));
}

CheckOutcome Deployment::check_serving_https() {
  harness::HttpRequest request;
  request.url = "https://" + settings_.domain + settings_.health_path;
  request.timeout = std::chrono::seconds(15);
  auto response = seams_.http.send(request);
  if (!response.ok()) {
    // The gateway could not be reached or the TLS handshake failed: the harness's side.
    return outcome(generic::serving_https, CheckStatus::error, response.error().message);
  }
  const auto& ok = settings_.health_ok;
  if (std::find(ok.begin(), ok.end(), static_cast<int>(response->status)) != ok.end()) {
    return outcome(generic::serving_https, CheckStatus::pass);
  }
  std::string body = seams_.log.redactor().redact(response->body);
  return outcome(generic::serving_https, CheckStatus::fail,
                 request.url + " answered " + std::to_string(response->status) + "; " +
                     (body.empty() ? "an empty body" : "body " + harness::printable(body, 300)),
                 body.substr(0, 2000));
}

CheckOutcome Deployment::check_services_converged() {
  auto services = seams_.docker.service_ls(stack_);
  if (!services.ok()) return outcome(generic::services_converged, CheckStatus::error, services.error().message);
  std::vector<std::string> behind;
  for (const auto& service : *services) {
    auto slash = service.replicas.find('/');
    std::string running = service.replicas.substr(0, slash);
    std::string desired =
        slash == std::string::npos ? "" : service.replicas.substr(slash + 1, service.replicas.find(' ') - slash - 1);
    if (running != desired) behind.push_back(service.name + " " + service.replicas);
  }
  if (services->empty())
    return outcome(generic::services_converged, CheckStatus::fail, "the stack " + stack_ + " has no services");
  if (!behind.empty())
    return outcome(generic::services_converged, CheckStatus::fail, "not converged: " + harness::join(behind, ", "));
  return outcome(generic::services_converged, CheckStatus::pass);
}

CheckOutcome Deployment::check_head_deployed() {
  auto labels = seams_.docker.service_labels(stack_ + "_app");
  if (!labels.ok()) return outcome(generic::head_deployed, CheckStatus::error, labels.error().message);
  auto found = labels->find("coop-cloud." + stack_ + ".chaos-version");
  if (found == labels->end()) {
    return outcome(generic::head_deployed, CheckStatus::fail,
                   "the app service has no chaos-version label: the head was not deployed in place");
  }
  std::string deployed = found->second;
  if (deployed.size() >= 2 && deployed.compare(deployed.size() - 2, 2, "+U") == 0) deployed.resize(deployed.size() - 2);
  std::string expected = settings_.head_commit.substr(0, 8);
  if (deployed != expected) {
    return outcome(generic::head_deployed, CheckStatus::fail,
                   "deployed chaos-version " + found->second + ", expected the head " + expected);
  }
  return outcome(generic::head_deployed, CheckStatus::pass, "chaos-version " + found->second);
}

CheckOutcome Deployment::check_head_images() {
  auto env = app_env();
  if (!env.ok()) return outcome(generic::head_images, CheckStatus::error, env.error().message);
  auto model = harness::load_compose(checkout_, *env);
  if (!model.ok()) {
    return outcome(generic::head_images, CheckStatus::skip,
                   "cannot judge: ccci could not resolve the head's compose: " + model.error().message);
  }
  auto live = seams_.docker.service_ls(stack_);
  if (!live.ok()) return outcome(generic::head_images, CheckStatus::error, live.error().message);
  std::vector<std::string> inspect;  // the head's services that run, inspected at once
  for (const auto& service : *live) {
    if (model->services.count(service.name.substr(std::min(service.name.size(), stack_.size() + 1))))
      inspect.push_back(service.name);
  }
  auto images = seams_.docker.service_images(inspect);
  if (!images.ok()) return outcome(generic::head_images, CheckStatus::error, images.error().message);
  std::vector<std::string> wrong;
  std::vector<std::string> right;
  for (const auto& [name, service] : model->services) {
    auto running = images->find(stack_ + "_" + name);
    if (running == images->end()) {
      wrong.push_back(name + ": wanted " + service.image + ", not running in " + stack_);
    } else if (!harness::runs_image(service.image, running->second)) {
      wrong.push_back(name + ": wanted " + service.image + ", running " + running->second);
    } else {
      right.push_back(name + " runs " + service.image);
    }
  }
  if (!wrong.empty()) return outcome(generic::head_images, CheckStatus::fail, harness::join(wrong, "; "));
  return outcome(generic::head_images, CheckStatus::pass, harness::join(right, "; "));
}

CheckOutcome Deployment::check_orphans_pruned() {
  if (!prune_unjudged_.empty()) return outcome(generic::orphans_pruned, CheckStatus::skip, prune_unjudged_);
  auto env = app_env();
  if (!env.ok()) return outcome(generic::orphans_pruned, CheckStatus::error, env.error().message);
  auto model = harness::load_compose(checkout_, *env);
  if (!model.ok()) {
    return outcome(generic::orphans_pruned, CheckStatus::skip,
                   "cannot judge: ccci could not resolve the head's compose: " + model.error().message);
  }
  auto live = seams_.docker.service_ls(stack_);
  if (!live.ok()) return outcome(generic::orphans_pruned, CheckStatus::error, live.error().message);
  auto extra = orphans_among(*live, model->service_names());
  std::string off = settings_.upgrade_prune ? "" : "pruning is off: upgrade.prune false";
  if (!extra.empty()) {
    return outcome(generic::orphans_pruned, CheckStatus::fail,
                   "still running: " + harness::join(extra, ", ") + (off.empty() ? "" : " (" + off + ")"));
  }
  if (!off.empty()) return outcome(generic::orphans_pruned, CheckStatus::pass, "nothing to prune (" + off + ")");
  return outcome(generic::orphans_pruned, CheckStatus::pass,
                 pruned_.empty() ? "" : "pruned " + harness::join(pruned_, ", "));
}

CheckOutcome Deployment::check_snapshot_coverage() {
  if (!snapshot_) return outcome(generic::snapshot_covers_volumes, CheckStatus::error, "no snapshot was taken");
  if (!missing_paths_.empty()) {
    return outcome(generic::snapshot_covers_volumes, CheckStatus::fail,
                   "snapshot " + *snapshot_ + " lacks " + harness::join(missing_paths_, ", ") + " after " +
                       std::to_string(backup_attempts_.size()) + " backups" + backup_notes(),
                   "expected: " + harness::join(expected_paths_, ", "));
  }
  if (expected_paths_.empty()) {
    return outcome(generic::snapshot_covers_volumes, CheckStatus::pass,
                   "snapshot " + *snapshot_ + " taken; the backupbot labels select no volume path" + backup_notes());
  }
  std::string retried = backup_attempts_.size() > 1 ? " at attempt " + std::to_string(backup_attempts_.size()) +
                                                          " of " + std::to_string(settings_.backup_attempts)
                                                    : "";
  return outcome(
      generic::snapshot_covers_volumes, CheckStatus::pass,
      "snapshot " + *snapshot_ + " covers " + harness::join(expected_paths_, ", ") + retried + backup_notes());
}

}  // namespace ccci::runner
