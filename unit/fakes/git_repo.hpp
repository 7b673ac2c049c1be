#pragma once
/// GitRepo: builds a real git repository for a test (init, commits, annotated tags, branches,
/// refs/pull/N/head), through the real ProcessRunner. Git runs hermetically: no system or user
/// config, a fixed identity. Any git failure throws std::runtime_error with git's stderr, which
/// fails the test that called it. The repository lives at the directory given (owned by the
/// caller, typically a TempDir).
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "harness/log.hpp"
#include "harness/process.hpp"

namespace ccci::fakes {

class GitRepo {
 public:
  /// `git init` at `dir` (created if missing) with `initial_branch` as the unborn branch.
  explicit GitRepo(std::filesystem::path dir, const std::string& initial_branch = "main");

  const std::filesystem::path& path() const { return dir_; }
  /// What a Git driver takes as the repository URL (a local path).
  std::string url() const { return dir_.string(); }

  /// Writes `files` (relative path → content) and commits them; returns the new commit sha.
  std::string commit(const std::map<std::string, std::string>& files, const std::string& message = "change");
  /// An annotated tag at `target`; returns the commit it points to.
  std::string annotated_tag(const std::string& name, const std::string& target = "HEAD");
  /// A lightweight tag at `target`; returns the commit it points to.
  std::string lightweight_tag(const std::string& name, const std::string& target = "HEAD");
  /// Creates (or moves) branch `name` to `target` without checking it out.
  void branch(const std::string& name, const std::string& target = "HEAD");
  /// Checks out branch `name`, creating it at HEAD when it does not exist.
  void checkout(const std::string& name);
  /// refs/pull/<number>/head at `commit`, as forges publish pull-request heads.
  void pull_ref(int number, const std::string& commit);
  void delete_ref(const std::string& full_ref);
  /// The full sha of `revision` (peeled to a commit).
  std::string rev_parse(const std::string& revision);

  /// The hermetic environment the repository's git runs with; reuse it for drivers under test.
  static harness::Environment hermetic_env();

  /// Runs `git <args>` in the repository and returns its trimmed stdout; throws on failure.
  std::string git(std::vector<std::string> args);

 private:
  std::filesystem::path dir_;
  std::ostringstream log_text_;
  harness::Logger log_{log_text_};
  std::unique_ptr<harness::ProcessRunner> runner_;
};

}  // namespace ccci::fakes
