#include "runner/backup_analysis.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <tuple>

#include "harness/text.hpp"

namespace ccci::runner {
namespace {

constexpr std::string_view enabled = "backupbot.backup";
constexpr std::string_view backup_pre_hook = "backupbot.backup.pre-hook";
constexpr std::string_view backup_post_hook = "backupbot.backup.post-hook";
constexpr std::string_view restore_pre_hook = "backupbot.restore.pre-hook";
constexpr std::string_view restore_post_hook = "backupbot.restore.post-hook";

/// Image names (the last path component, before the tag) of servers that keep live files a plain
/// copy may catch mid-write. A prefix match: "postgres" also covers "postgresql", "postgres-ha".
constexpr std::array database_images{
    std::string_view{"postgres"},    std::string_view{"postgis"}, std::string_view{"pgvecto"},
    std::string_view{"timescaledb"}, std::string_view{"mariadb"}, std::string_view{"mysql"},
    std::string_view{"percona"},     std::string_view{"mongo"},   std::string_view{"redis"},
    std::string_view{"valkey"},      std::string_view{"keydb"},   std::string_view{"couchdb"},
    std::string_view{"clickhouse"},  std::string_view{"influxdb"}};

std::string label(const harness::ComposeService& service, std::string_view key) {
  auto found = service.deploy_labels.find(std::string(key));
  return found == service.deploy_labels.end() ? std::string() : found->second;
}

/// "ghcr.io/immich-app/postgres:14-vectorchord@sha256:…" → "postgres".
std::string_view image_name(std::string_view image) {
  image = image.substr(0, image.find('@'));
  auto slash = image.rfind('/');
  if (slash != std::string_view::npos) image = image.substr(slash + 1);
  return image.substr(0, image.find(':'));
}

bool is_database(std::string_view image) {
  std::string name = harness::lowercase(image_name(image));
  return std::any_of(database_images.begin(), database_images.end(),
                     [&](std::string_view db) { return name.rfind(db, 0) == 0; });
}

/// A `|` that is not part of `||`, in a command without pipefail.
bool hides_failures(std::string_view command) {
  if (command.find("pipefail") != std::string_view::npos) return false;
  for (size_t at = command.find('|'); at != std::string_view::npos; at = command.find('|', at + 1)) {
    bool doubled = (at + 1 < command.size() && command[at + 1] == '|') || (at > 0 && command[at - 1] == '|');
    if (!doubled) return true;
  }
  return false;
}

/// Whether `volume` is left out by the stack's labels (`backupbot.backup.volumes.<v>=false`).
bool excluded(const harness::ComposeModel& model, const std::string& volume) {
  const std::string key = "backupbot.backup.volumes." + volume;
  return std::any_of(model.services.begin(), model.services.end(),
                     [&](const auto& entry) { return label(entry.second, key) == "false"; });
}

/// The named volumes (declared at the top level) `service` mounts.
std::vector<harness::VolumeMount> named_volumes(const harness::ComposeModel& model,
                                                const harness::ComposeService& service) {
  std::vector<harness::VolumeMount> mounts;
  for (const auto& mount : service.volumes) {
    if (mount.type == "volume" && !mount.source.empty() && model.volumes.count(mount.source)) mounts.push_back(mount);
  }
  return mounts;
}

void check_hooks(const std::string& name, const harness::ComposeService& service,
                 std::vector<BackupFinding>& findings) {
  std::string dump = label(service, backup_pre_hook);
  if (!dump.empty() && label(service, restore_pre_hook).empty() && label(service, restore_post_hook).empty()) {
    findings.push_back({name, "dumps before a backup (" + std::string(backup_pre_hook) + ": " + dump +
                                  ") but has no restore hook (" + std::string(restore_post_hook) +
                                  "): the dump comes back as a file and is never reimported"});
  }
  for (auto key : {backup_pre_hook, backup_post_hook, restore_pre_hook, restore_post_hook}) {
    std::string command = label(service, key);
    if (hides_failures(command)) {
      findings.push_back({name, std::string(key) + " pipes commands without pipefail (" + command +
                                    "): a failed step hides behind the last one's success"});
    }
  }
}

}  // namespace

std::vector<BackupFinding> analyse_backup_coverage(const harness::ComposeModel& model) {
  std::vector<BackupFinding> findings;
  bool backups = model.backup_enabled();
  std::vector<std::string> unprotected;
  for (const auto& [name, service] : model.services) {
    for (const auto& mount : named_volumes(model, service)) {
      if (!backups) {
        unprotected.push_back(mount.source);
      } else if (excluded(model, mount.source)) {
        findings.push_back({name, "volume " + mount.source + " (at " + mount.target +
                                      ") is excluded from backups (backupbot.backup.volumes." + mount.source +
                                      "=false): its data is not covered"});
      } else if (is_database(service.image) && label(service, backup_pre_hook).empty()) {
        findings.push_back({name, "runs " + service.image + ", a database, and its volume " + mount.source +
                                      " is backed up as live files with no dump hook (" + std::string(backup_pre_hook) +
                                      "): a copy of a running database may not "
                                      "restore"});
      }
    }
    check_hooks(name, service, findings);
  }
  if (!unprotected.empty()) {
    std::sort(unprotected.begin(), unprotected.end());
    unprotected.erase(std::unique(unprotected.begin(), unprotected.end()), unprotected.end());
    findings.push_back({"", "no service carries " + std::string(enabled) +
                                "=true, so nothing is backed up (named volumes: " + harness::join(unprotected, ", ") +
                                ")"});
  }
  std::sort(findings.begin(), findings.end(), [](const BackupFinding& a, const BackupFinding& b) {
    return std::tie(a.service, a.message) < std::tie(b.service, b.message);
  });
  return findings;
}

std::string describe(const BackupFinding& finding) {
  return finding.service.empty() ? finding.message : finding.service + ": " + finding.message;
}

BackupCoverage coverage_of(const std::vector<BackupFinding>& findings) {
  BackupCoverage coverage;
  coverage.analysed = true;
  for (const auto& finding : findings) coverage.warnings.push_back(describe(finding));
  return coverage;
}

std::string describe(const BackupCoverage& coverage) {
  if (!coverage.analysed) return "not analysed: " + coverage.note;
  if (coverage.warnings.empty()) return "no coverage warnings";
  size_t count = coverage.warnings.size();
  return std::to_string(count) + (count == 1 ? " coverage warning" : " coverage warnings");
}

}  // namespace ccci::runner
