#pragma once
/// Git: the git operations ccci needs, as argv built for the ProcessRunner (never a shell). Reading
/// refs of a remote needs no clone (`git ls-remote`). Errors are classified from how git ended
/// (exit code, signal, timeout) and which operation ran, never from its message text:
/// ErrorKind::usage for a refused repository or ref (nothing spawned), ErrorKind::not_found when a
/// named ref does not exist (resolve_remote_ref: absent from the listing; fetch_and_checkout: the
/// fetch failed and `git ls-remote --exit-code` says origin has no such ref), ErrorKind::infra for
/// every other failure (git missing, a repository out of reach, a kill or our timeout),
/// ErrorKind::interrupted when the run was interrupted.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/process.hpp"
#include "harness/result.hpp"

namespace ccci::harness {

class Git {
 public:
  virtual ~Git() = default;
  /// All refs of `repo` (URL or path): full ref name → sha. Annotated tags also appear peeled
  /// as "refs/tags/<t>^{}". The real Git lists each repo once and answers later calls from that
  /// listing, so one run resolves its head and its base from one consistent set of refs.
  virtual Result<std::map<std::string, std::string>> list_remote_refs(const std::string& repo) = 0;
  /// The commit a ref points to (peeled for annotated tags); not_found when absent.
  Result<std::string> resolve_remote_ref(const std::string& repo, const std::string& ref);

  virtual Status clone(const std::string& repo, const std::filesystem::path& into) = 0;
  /// Fetches `ref` (e.g. refs/pull/1/head) into the clone and checks its commit out (detached).
  virtual Status fetch_and_checkout(const std::filesystem::path& clone, const std::string& ref) = 0;
  virtual Result<std::string> head_commit(const std::filesystem::path& clone) = 0;
};

/// The real Git, running `git` through `runner` with a bounded timeout per call.
std::unique_ptr<Git> make_git(ProcessRunner& runner, Environment env,
                              std::chrono::milliseconds timeout = std::chrono::seconds(120));

}  // namespace ccci::harness
