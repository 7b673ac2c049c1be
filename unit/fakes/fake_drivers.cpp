#include "unit/fakes/fake_drivers.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "harness/text.hpp"

namespace ccci::fakes {

using harness::ErrorKind;
using harness::make_error;
using harness::Status;

// --- FakeAbra ----------------------------------------------------------------------------------

Status FakeAbra::record(const std::string& operation, const std::string& line, const std::string& domain) {
  calls.push_back(line);
  call_domains.push_back(domain);
  if (on_call) on_call(line);
  if (auto failure = failures.find(operation); failure != failures.end()) return failure->second;
  if (auto failure = failures.find(line); failure != failures.end()) return failure->second;
  return harness::ok_status();
}

Status FakeAbra::app_new(const std::string& recipe, const std::optional<std::string>& version,
                         const std::string& domain, harness::SecretGeneration) {
  CCCI_TRY_STATUS(record("app_new", "app_new " + recipe + " " + version.value_or("chaos"), domain));
  std::filesystem::create_directories(app_env_path(domain).parent_path());
  std::ofstream(app_env_path(domain)) << env_sample;
  return harness::ok_status();
}

Status FakeAbra::deploy(const std::string& domain, const harness::DeployOptions& options) {
  std::string line = "deploy ";
  line +=
      options.mode.kind == harness::DeployMode::Kind::chaos ? "chaos" : "release " + options.mode.version.value_or("");
  if (options.force == harness::Force::yes) line += " force";
  if (options.converge == harness::ConvergeChecks::skip) line += " no-converge-checks";
  return record("deploy", line, domain);
}

Status FakeAbra::undeploy(const std::string& domain) { return record("undeploy", "undeploy", domain); }
Status FakeAbra::remove(const std::string& domain) { return record("remove", "remove", domain); }
Status FakeAbra::volume_remove(const std::string&) { return record("volume_remove", "volume_remove"); }
Status FakeAbra::secret_generate_all(const std::string& domain) {
  return record("secret_generate_all", "secret_generate_all", domain);
}
Status FakeAbra::secret_insert(const std::string& domain, const std::string& name, const std::string& version,
                               const std::filesystem::path& value_file) {
  std::ifstream in(value_file);
  inserted[domain + " " + name] = std::string(std::istreambuf_iterator<char>(in), {});
  return record("secret_insert", "secret_insert " + name + " " + version, domain);
}

Status FakeAbra::backup_create(const std::string&) {
  CCCI_TRY_STATUS(record("backup_create", "backup_create"));
  if (!backup_create_errors.empty()) {
    auto error = backup_create_errors.front();
    backup_create_errors.pop_front();
    return error;
  }
  snapshots.push_back(
      {"2026-11-23T08:00:0" + std::to_string(snapshots.size()), "snap" + std::to_string(snapshots.size() + 1), ""});
  return harness::ok_status();
}

harness::Result<std::vector<harness::Snapshot>> FakeAbra::backup_snapshots(const std::string&) {
  CCCI_TRY_STATUS(record("backup_snapshots", "backup_snapshots"));
  return snapshots;
}

harness::Result<std::vector<std::string>> FakeAbra::backup_list(const std::string&,
                                                                const std::optional<std::string>& snapshot,
                                                                harness::BackupListScope) {
  CCCI_TRY_STATUS(record("backup_list", "backup_list " + snapshot.value_or("latest")));
  if (listings.empty()) return std::vector<std::string>{};
  auto listing = listings.front();
  if (listings.size() > 1) listings.pop_front();
  return listing;
}

Status FakeAbra::restore(const std::string&, const std::optional<std::string>& snapshot) {
  return record("restore", "restore " + snapshot.value_or("latest"));
}

std::filesystem::path FakeAbra::app_env_path(const std::string& domain) const {
  return abra_dir_ / "servers" / "default" / (domain + ".env");
}

std::filesystem::path FakeAbra::recipe_dir(const std::string& recipe) const { return abra_dir_ / "recipes" / recipe; }

std::filesystem::path FakeAbra::logs_dir() const { return abra_dir_ / "logs" / "default"; }

// --- FakeDocker --------------------------------------------------------------------------------

Status FakeDocker::record(const std::string& operation, const std::string& line) {
  std::lock_guard lock(mutex_);
  calls.push_back(line);
  if (auto failure = failures.find(operation); failure != failures.end()) return failure->second;
  return harness::ok_status();
}

harness::Result<harness::EngineFacts> FakeDocker::engine_facts() {
  CCCI_TRY_STATUS(record("engine_facts", "engine_facts"));
  return engine;
}

harness::Result<harness::NetworkFacts> FakeDocker::network_facts(const std::string& network) {
  CCCI_TRY_STATUS(record("network_facts", "network_facts " + network));
  auto found = networks.find(network);
  if (found == networks.end()) return make_error(ErrorKind::not_found, "Error: No such network: " + network);
  return found->second;
}

harness::Result<std::vector<std::string>> FakeDocker::services_labelled(const std::string& label_filter) {
  CCCI_TRY_STATUS(record("services_labelled", "services_labelled " + label_filter));
  auto found = labelled.find(label_filter);
  return found == labelled.end() ? std::vector<std::string>{} : found->second;
}

harness::Result<std::vector<harness::ServiceSummary>> FakeDocker::service_ls(const std::string& stack) {
  CCCI_TRY_STATUS(record("service_ls", "service_ls " + stack));
  return services;
}

harness::Result<std::map<std::string, std::string>> FakeDocker::service_labels(const std::string& service) {
  CCCI_TRY_STATUS(record("service_labels", "service_labels " + service));
  auto found = labels.find(service);
  if (found == labels.end()) return make_error(ErrorKind::not_found, "no such service: " + service);
  return found->second;
}

Status FakeDocker::service_rm(const std::vector<std::string>& names) {
  CCCI_TRY_STATUS(record("service_rm", "service_rm " + harness::join(names, " ")));
  std::erase_if(services, [&](const auto& s) { return std::find(names.begin(), names.end(), s.name) != names.end(); });
  return harness::ok_status();
}

harness::Result<std::map<std::string, std::string>> FakeDocker::service_images(const std::vector<std::string>& names) {
  CCCI_TRY_STATUS(record("service_images", "service_images " + harness::join(names, " ")));
  std::map<std::string, std::string> answer;
  for (const auto& name : names) {
    auto service = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.name == name; });
    if (service == services.end()) return make_error(ErrorKind::not_found, "no such service: " + name);
    answer[name] = service->image;
  }
  return answer;
}

harness::Result<std::vector<harness::ServiceRollout>> FakeDocker::service_rollouts(
    const std::vector<std::string>& names) {
  CCCI_TRY_STATUS(record("service_rollouts", "service_rollouts " + harness::join(names, " ")));
  if (!rollouts.empty()) {
    auto answer = rollouts.front();
    if (rollouts.size() > 1) rollouts.pop_front();
    return answer;
  }
  std::vector<harness::ServiceRollout> answer;
  for (const auto& name : names) {
    auto service = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.name == name; });
    if (service == services.end()) return make_error(ErrorKind::not_found, "no such service: " + name);
    CCCI_TRY(auto count, harness::parse_replicas(service->replicas));
    harness::ServiceRollout rollout{name, "", "", {}};
    for (int slot = 1; slot <= count.running; ++slot)
      rollout.current_tasks.push_back({name + "." + std::to_string(slot), "Running", "Running 1 second ago", ""});
    answer.push_back(std::move(rollout));
  }
  return answer;
}

harness::Result<bool> FakeDocker::image_present(const std::string& image) {
  CCCI_TRY_STATUS(record("image_present", "image_present " + image));
  return images.count(image) > 0;
}

Status FakeDocker::image_pull(const std::string& image) {
  CCCI_TRY_STATUS(record("image_pull", "image_pull " + image));
  if (!pullable.count(image)) return make_error(ErrorKind::not_found, "manifest for " + image + " not found");
  images.insert(image);
  return harness::ok_status();
}

harness::Result<bool> FakeDocker::stack_services_converged(const std::string& stack) {
  CCCI_TRY_STATUS(record("stack_services_converged", "stack_services_converged " + stack));
  return true;
}

harness::Result<std::string> FakeDocker::service_tasks(const std::string& service, std::chrono::milliseconds) {
  CCCI_TRY_STATUS(record("service_tasks", "service_tasks " + service));
  auto found = tasks.find(service);
  if (found == tasks.end()) return harness::make_error(ErrorKind::not_found, "no such service: " + service);
  return found->second;
}

harness::Result<std::string> FakeDocker::service_logs(const std::string& service, int lines,
                                                      std::chrono::milliseconds) {
  CCCI_TRY_STATUS(record("service_logs", "service_logs " + service + " " + std::to_string(lines)));
  auto found = logs.find(service);
  if (found == logs.end()) return harness::make_error(ErrorKind::not_found, "no such service: " + service);
  return found->second;
}

harness::Result<std::string> FakeDocker::container_for_service(const std::string& service) {
  CCCI_TRY_STATUS(record("container_for_service", "container_for_service " + service));
  return std::string("c0ffee");
}

harness::Result<harness::Completion> FakeDocker::exec(const std::string& container,
                                                      const std::vector<std::string>& argv, std::chrono::milliseconds) {
  CCCI_TRY_STATUS(record("exec", "exec " + container + " " + harness::join(argv, " ")));
  harness::Completion done;
  done.exit_code = 0;
  if (!exec_answers.empty()) {
    done = exec_answers.front();
    exec_answers.pop_front();
  }
  return done;
}

harness::Result<harness::Residue> FakeDocker::label_residue(const std::string& label_filter) {
  CCCI_TRY_STATUS(record("label_residue", "label_residue " + label_filter));
  return harness::Residue{};
}

harness::Result<std::vector<harness::ContainerStats>> FakeDocker::stack_container_stats(
    const std::vector<std::string>& stacks, std::chrono::milliseconds) {
  auto recorded = record("stack_container_stats", "stack_container_stats " + harness::join(stacks, " "));
  harness::Result<std::vector<harness::ContainerStats>> answer = std::vector<harness::ContainerStats>{};
  {
    std::lock_guard lock(mutex_);
    if (!stats.empty()) {
      answer = stats.front();
      if (stats.size() > 1) stats.pop_front();
    }
    ++stats_calls_;
  }
  stats_called_.notify_all();
  if (!recorded.ok()) return recorded.error();
  return answer;
}

bool FakeDocker::wait_for_stats_calls(int count, std::chrono::milliseconds within) {
  std::unique_lock lock(mutex_);
  return stats_called_.wait_for(lock, within, [&] { return stats_calls_ >= count; });
}

harness::Result<harness::Residue> FakeDocker::stack_residue(const std::string& stack) {
  CCCI_TRY_STATUS(record("stack_residue", "stack_residue " + stack));
  if (residues.empty()) return harness::Residue{};
  auto residue = residues.front();
  if (residues.size() > 1) residues.pop_front();
  return residue;
}

Status FakeDocker::stack_rm(const std::string& stack) { return record("stack_rm", "stack_rm " + stack); }
Status FakeDocker::container_rm(const std::vector<std::string>& containers) {
  return record("container_rm", "container_rm " + harness::join(containers, " "));
}
Status FakeDocker::volume_rm(const std::vector<std::string>& volumes) {
  return record("volume_rm", "volume_rm " + harness::join(volumes, " "));
}
Status FakeDocker::secret_rm(const std::vector<std::string>& secrets) {
  return record("secret_rm", "secret_rm " + harness::join(secrets, " "));
}
Status FakeDocker::network_rm(const std::vector<std::string>& names) {
  return record("network_rm", "network_rm " + harness::join(names, " "));
}
Status FakeDocker::config_rm(const std::vector<std::string>& configs) {
  return record("config_rm", "config_rm " + harness::join(configs, " "));
}

harness::Result<std::set<std::string>> FakeVolumeFiles::existing(const std::vector<std::string>& names) {
  calls.push_back("existing " + harness::join(names, " "));
  if (auto failure = failures.find("existing"); failure != failures.end()) return failure->second;
  std::set<std::string> found;
  for (const auto& name : names) {
    if (volumes.count(name)) found.insert(name);
  }
  return found;
}

harness::Result<std::vector<harness::Status>> FakeVolumeFiles::write(
    const harness::VolumeHost& host, const std::vector<std::pair<harness::VolumeFile, std::string>>& batch) {
  (void)host;
  std::vector<harness::Status> outcomes;
  for (const auto& [file, content] : batch) {
    calls.push_back("write " + file.volume + ":" + file.path);
    if (auto failure = failures.find("write"); failure != failures.end()) return failure->second;
    auto slash = file.path.rfind('/');
    std::string dir = slash == std::string::npos ? "" : file.path.substr(0, slash);
    if (!volumes.count(file.volume) || (!dir.empty() && !dirs[file.volume].count(dir))) {
      outcomes.push_back(harness::make_error(harness::ErrorKind::not_found, "no directory for " + file.path));
      continue;
    }
    files[file.volume][file.path] = content;
    outcomes.push_back(harness::ok_status());
  }
  return outcomes;
}

harness::Result<std::vector<harness::Result<std::string>>> FakeVolumeFiles::read(
    const harness::VolumeHost& host, const std::vector<harness::VolumeFile>& batch) {
  (void)host;
  if (on_read) on_read();
  std::vector<harness::Result<std::string>> outcomes;
  for (const auto& file : batch) {
    calls.push_back("read " + file.volume + ":" + file.path);
    if (auto failure = failures.find("read"); failure != failures.end()) return failure->second;
    auto volume = files.find(file.volume);
    if (volume == files.end() || !volume->second.count(file.path)) {
      outcomes.push_back(harness::make_error(harness::ErrorKind::not_found, file.path + " is not there"));
      continue;
    }
    outcomes.push_back(volume->second.at(file.path));
  }
  return outcomes;
}

}  // namespace ccci::fakes
