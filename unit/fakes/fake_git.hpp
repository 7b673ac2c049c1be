#pragma once
/// FakeGit: remote repositories as maps of ref → sha, for planning tests. Repos not in the map
/// are unreachable (ErrorKind::infra). Clone and checkout record their arguments.
#include <map>
#include <string>
#include <vector>

#include "harness/git.hpp"

namespace ccci::fakes {

class FakeGit final : public harness::Git {
 public:
  std::map<std::string, std::map<std::string, std::string>> repos;  ///< url → refs
  std::vector<std::string> calls;

  harness::Result<std::map<std::string, std::string>> list_remote_refs(const std::string& repo) override {
    calls.push_back("ls-remote " + repo);
    auto found = repos.find(repo);
    if (found == repos.end()) return harness::make_error(harness::ErrorKind::infra, "cannot reach " + repo);
    return found->second;
  }
  harness::Status clone(const std::string& repo, const std::filesystem::path& into) override {
    calls.push_back("clone " + repo + " " + into.string());
    return harness::ok_status();
  }
  harness::Status fetch_and_checkout(const std::filesystem::path& clone, const std::string& ref) override {
    calls.push_back("checkout " + clone.string() + " " + ref);
    return harness::ok_status();
  }
  harness::Result<std::string> head_commit(const std::filesystem::path&) override { return std::string(40, 'f'); }
};

}  // namespace ccci::fakes
