#pragma once
/// FakeGit: remote repositories as maps of ref → sha, for planning tests. Repos not in the map
/// are unreachable (ErrorKind::infra). Clone and checkout record their arguments; a checkout
/// moves HEAD to the ref's commit in `commits` (unlisted refs: forty 'f's), which tests may also
/// set `head` to directly, as an abra command that moves the checkout would.
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/git.hpp"

namespace ccci::fakes {

class FakeGit final : public harness::Git {
 public:
  std::map<std::string, std::map<std::string, std::string>> repos;  ///< url → refs
  std::vector<std::string> calls;
  std::map<std::string, std::string> commits;  ///< ref → the commit a checkout of it leaves HEAD at
  /// ref → files (path in the clone → text) a checkout of it writes, e.g. the ref's .env.sample
  std::map<std::string, std::map<std::string, std::string>> files_at;
  std::map<std::string, harness::Error> clone_failures;       ///< repo → what cloning it answers
  std::map<std::string, std::vector<std::string>> absent_at;  ///< ref → paths a checkout of it removes
  std::string head = std::string(40, 'f');                    ///< what head_commit answers
  std::function<void(const std::string& ref)> on_checkout;    ///< told each checkout's ref, before it happens

  harness::Result<std::map<std::string, std::string>> list_remote_refs(const std::string& repo) override {
    calls.push_back("ls-remote " + repo);
    auto found = repos.find(repo);
    if (found == repos.end()) return harness::make_error(harness::ErrorKind::infra, "cannot reach " + repo);
    return found->second;
  }
  harness::Status clone(const std::string& repo, const std::filesystem::path& into) override {
    calls.push_back("clone " + repo + " " + into.string());
    if (auto failure = clone_failures.find(repo); failure != clone_failures.end()) return failure->second;
    std::filesystem::create_directories(into);
    return harness::ok_status();
  }
  harness::Status fetch_and_checkout(const std::filesystem::path& clone, const std::string& ref) override {
    calls.push_back("checkout " + clone.string() + " " + ref);
    if (on_checkout) on_checkout(ref);
    auto commit = commits.find(ref);
    head = commit == commits.end() ? std::string(40, 'f') : commit->second;
    if (auto tree = files_at.find(ref); tree != files_at.end()) {
      for (const auto& [path, text] : tree->second) std::ofstream(clone / path, std::ios::trunc) << text;
    }
    if (auto absent = absent_at.find(ref); absent != absent_at.end()) {
      for (const auto& path : absent->second) std::filesystem::remove(clone / path);
    }
    return harness::ok_status();
  }
  harness::Result<std::string> head_commit(const std::filesystem::path&) override { return head; }
};

}  // namespace ccci::fakes
