#include "runner/env_upgrade.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace ccci::runner {

std::string secret_of_version_key(const std::string& key) {
  const std::string head = "SECRET_";
  const std::string tail = "_VERSION";
  if (key.size() <= head.size() + tail.size() || key.compare(0, head.size(), head) != 0 ||
      key.compare(key.size() - tail.size(), tail.size(), tail) != 0) {
    return {};
  }
  std::string name = key.substr(head.size(), key.size() - head.size() - tail.size());
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

EnvSampleDiff diff_env_samples(const harness::EnvFile& base, const harness::EnvFile& head) {
  auto base_values = base.values();
  auto head_values = head.values();
  EnvSampleDiff diff;
  std::set<std::string> seen;
  for (const auto& entry : head.entries) {
    if (base_values.count(entry.key) || !seen.insert(entry.key).second) continue;
    diff.added.push_back({entry.key, head_values.at(entry.key)});
    if (auto secret = secret_of_version_key(entry.key); !secret.empty()) diff.secrets.push_back(secret);
  }
  for (const auto& [key, value] : base_values) {
    if (!head_values.count(key)) diff.removed.push_back(key);
  }
  return diff;
}

harness::Result<EnvSampleDiff> diff_env_samples(const std::string& base_text, const std::string& head_text) {
  CCCI_TRY(auto base, harness::parse_env_file(base_text, "the base's .env.sample"));
  CCCI_TRY(auto head, harness::parse_env_file(head_text, "the head's .env.sample"));
  return diff_env_samples(base, head);
}

}  // namespace ccci::runner
