#pragma once
/// FakeAbra and FakeDocker: the two drivers as in-memory worlds for Deployment tests. Every call
/// is recorded as one line ("deploy chaos force", "service_rm a_b"); an operation fails when a
/// test puts an Error under its name in `failures`. FakeAbra keeps its ABRA_DIR in a directory
/// the test owns, so the compose model and the app .env are real files.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "harness/abra.hpp"
#include "harness/docker.hpp"
#include "harness/volume_files.hpp"

namespace ccci::fakes {

class FakeAbra final : public harness::AbraDriver {
 public:
  explicit FakeAbra(std::filesystem::path abra_dir) : abra_dir_(std::move(abra_dir)) {}

  std::vector<std::string> calls;
  std::vector<std::string> call_domains;            ///< the app each call of `calls` was for ("" for calls without one)
  std::map<std::string, std::string> inserted;      ///< "<domain> <secret>" → the value file's content at insert
  std::map<std::string, harness::Error> failures;   ///< by operation name ("deploy", "backup_create", …) or call line
  std::function<void(const std::string&)> on_call;  ///< told each call line, e.g. to move the fake git's HEAD
  /// The .env `app new` writes (the recipe's .env.sample in abra).
  std::string env_sample = "TYPE=fixture\nCOMPOSE_FILE=compose.yml\n";
  std::vector<harness::Snapshot> snapshots;  ///< grows by one per backup_create
  /// Errors the next backup_create calls answer, one per call, before it succeeds again.
  std::deque<harness::Error> backup_create_errors;
  /// What backup_list answers, one entry per call; the last repeats.
  std::deque<std::vector<std::string>> listings;

  harness::Status app_new(const std::string& recipe, const std::optional<std::string>& version,
                          const std::string& domain, harness::SecretGeneration secrets) override;
  harness::Status deploy(const std::string& domain, const harness::DeployOptions& options) override;
  harness::Status undeploy(const std::string& domain) override;
  harness::Status remove(const std::string& domain) override;
  harness::Status volume_remove(const std::string& domain) override;
  harness::Status secret_generate_all(const std::string& domain) override;
  harness::Status secret_insert(const std::string& domain, const std::string& name, const std::string& version,
                                const std::filesystem::path& value_file) override;
  harness::Status backup_create(const std::string& domain) override;
  harness::Result<std::vector<harness::Snapshot>> backup_snapshots(const std::string& domain) override;
  harness::Result<std::vector<std::string>> backup_list(const std::string& domain,
                                                        const std::optional<std::string>& snapshot,
                                                        harness::BackupListScope scope) override;
  harness::Status restore(const std::string& domain, const std::optional<std::string>& snapshot) override;
  std::filesystem::path app_env_path(const std::string& domain) const override;
  std::filesystem::path recipe_dir(const std::string& recipe) const override;
  std::filesystem::path logs_dir() const override;

 private:
  harness::Status record(const std::string& operation, const std::string& line, const std::string& domain = {});
  std::filesystem::path abra_dir_;
};

class FakeDocker final : public harness::DockerDriver {
 public:
  std::vector<std::string> calls;
  std::map<std::string, harness::Error> failures;  ///< by operation name ("image_pull", …)
  std::set<std::string> images;                    ///< present on the host
  std::set<std::string> pullable;                  ///< image_pull adds these; others are not_found
  harness::EngineFacts engine{"28.0.1", "active", true, "/var/lib/docker"};  ///< what engine_facts answers
  std::map<std::string, harness::NetworkFacts> networks;     ///< by name; network_facts of another is not_found
  std::map<std::string, std::vector<std::string>> labelled;  ///< services_labelled by filter; others: none
  /// What service_ls answers (service_rm removes); service_images answers each one's `image`.
  std::vector<harness::ServiceSummary> services;
  std::map<std::string, std::map<std::string, std::string>> labels;  ///< by service name
  std::deque<harness::Completion> exec_answers;                      ///< consumed in order; then exec exits 0 silently
  std::map<std::string, std::string> tasks;  ///< service_tasks text by service; others not_found
  std::map<std::string, std::string> logs;   ///< service_logs text by service; others not_found
  /// What service_rollouts answers, one entry per call; the last repeats. Empty: each asked-for
  /// service of `services` with as many "Running" tasks of its current spec as its replicas run.
  std::deque<std::vector<harness::ServiceRollout>> rollouts;
  /// What stack_residue answers, one entry per call; the last repeats. Empty: nothing left.
  std::deque<harness::Residue> residues;
  /// What stack_container_stats answers (an error or the rows of the stacks asked for), one entry
  /// per call; the last repeats. Empty: no container runs. Set before another thread samples.
  std::deque<harness::Result<std::vector<harness::ContainerStats>>> stats;

  /// Waits (without sleeping) until stack_container_stats was called `count` times; false when
  /// `within` passed first.
  bool wait_for_stats_calls(int count, std::chrono::milliseconds within);

  harness::Result<harness::EngineFacts> engine_facts() override;
  harness::Result<harness::NetworkFacts> network_facts(const std::string& network) override;
  harness::Result<std::vector<std::string>> services_labelled(const std::string& label_filter) override;
  harness::Result<std::vector<harness::ServiceSummary>> service_ls(const std::string& stack) override;
  harness::Result<std::map<std::string, std::string>> service_labels(const std::string& service) override;
  harness::Status service_rm(const std::vector<std::string>& names) override;
  harness::Result<std::map<std::string, std::string>> service_images(const std::vector<std::string>& names) override;
  harness::Result<std::string> service_tasks(const std::string& service, std::chrono::milliseconds timeout) override;
  harness::Result<std::vector<harness::ServiceRollout>> service_rollouts(
      const std::vector<std::string>& names) override;
  harness::Result<std::string> service_logs(const std::string& service, int lines,
                                            std::chrono::milliseconds timeout) override;
  harness::Result<bool> image_present(const std::string& image) override;
  harness::Status image_pull(const std::string& image) override;
  harness::Result<bool> stack_services_converged(const std::string& stack) override;
  harness::Result<std::string> container_for_service(const std::string& service) override;
  harness::Result<harness::Completion> exec(const std::string& container, const std::vector<std::string>& argv,
                                            std::chrono::milliseconds timeout) override;
  harness::Result<std::vector<harness::ContainerStats>> stack_container_stats(
      const std::vector<std::string>& stacks, std::chrono::milliseconds timeout) override;
  harness::Result<harness::Residue> label_residue(const std::string& label_filter) override;
  harness::Result<harness::Residue> stack_residue(const std::string& stack) override;
  harness::Status stack_rm(const std::string& stack) override;
  harness::Status container_rm(const std::vector<std::string>& containers) override;
  harness::Status volume_rm(const std::vector<std::string>& volumes) override;
  harness::Status secret_rm(const std::vector<std::string>& secrets) override;
  harness::Status network_rm(const std::vector<std::string>& names) override;
  harness::Status config_rm(const std::vector<std::string>& configs) override;

 private:
  harness::Status record(const std::string& operation, const std::string& line);
  std::mutex mutex_;  ///< calls may come from several threads (evidence is collected concurrently)
  std::condition_variable stats_called_;
  int stats_calls_ = 0;
};

/// Volumes as maps of path → content. A write needs its directory: the volume's root, or a path
/// in `dirs`. Every call is recorded ("existing a b", "write v:path", "read v:path").
class FakeVolumeFiles final : public harness::VolumeFiles {
 public:
  std::vector<std::string> calls;
  std::set<std::string> volumes;                                    ///< those that exist
  std::map<std::string, std::set<std::string>> dirs;                ///< by volume: directories under the root
  std::map<std::string, std::map<std::string, std::string>> files;  ///< by volume: path → content
  std::map<std::string, harness::Error> failures;                   ///< by operation name ("existing", "write", "read")
  std::function<void()> on_read;                                    ///< e.g. a restore's effect, applied before a read

  harness::Result<std::set<std::string>> existing(const std::vector<std::string>& names) override;
  harness::Result<std::vector<harness::Status>> write(
      const harness::VolumeHost& host, const std::vector<std::pair<harness::VolumeFile, std::string>>& batch) override;
  harness::Result<std::vector<harness::Result<std::string>>> read(
      const harness::VolumeHost& host, const std::vector<harness::VolumeFile>& batch) override;
};

}  // namespace ccci::fakes
