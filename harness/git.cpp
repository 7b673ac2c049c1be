#include "harness/git.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <sstream>

#include "harness/filesystem.hpp"

namespace ccci::harness {
namespace {

using namespace std::string_literals;

/// The last few lines of git's stderr: enough for a message, never a wall of text.
std::string stderr_tail(const std::string& err) {
  std::string trimmed = err;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  constexpr std::size_t kMaxChars = 600;
  if (trimmed.size() > kMaxChars) trimmed = "..." + trimmed.substr(trimmed.size() - kMaxChars);
  return trimmed.empty() ? "(no output)" : trimmed;
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

/// A repository URL or path handed to git as an argument. A leading '-' would turn a hostile
/// value into a git option (--upload-pack=...), so it is refused outright.
Status check_repository(const std::string& repo) {
  if (repo.empty()) return make_error(ErrorKind::usage, "empty git repository URL");
  if (repo.front() == '-') return make_error(ErrorKind::usage, "git repository '" + repo + "' must not start with '-'");
  if (repo.find_first_of("\n\r"s + '\0') != std::string::npos) {
    return make_error(ErrorKind::usage, "git repository URL contains a line break");
  }
  return ok_status();
}

/// A ref name (refs/pull/1/head, a tag, a branch, HEAD or a sha) handed to git fetch. Beyond the
/// leading '-', refuse what would make it a refspec (':' writes a local ref, a leading '+' forces)
/// or a revision expression, and anything git check-ref-format rejects anyway. A '+' inside is
/// fine: Co-op Cloud versions are tags like 1.2.0+3.4.5.
Status check_ref(const std::string& ref) {
  if (ref.empty()) return make_error(ErrorKind::usage, "empty git ref");
  if (ref.front() == '-') return make_error(ErrorKind::usage, "git ref '" + ref + "' must not start with '-'");
  if (ref.front() == '+') return make_error(ErrorKind::usage, "git ref '" + ref + "' must not start with '+'");
  constexpr std::string_view kForbidden = ":^~?*[\\ \t\n\r";
  bool control =
      std::any_of(ref.begin(), ref.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (control || ref.find_first_of(kForbidden) != std::string::npos || ref.find("..") != std::string::npos ||
      ref.find("@{") != std::string::npos) {
    return make_error(ErrorKind::usage, "git ref '" + ref + "' contains characters a ref name cannot have");
  }
  return ok_status();
}

class RealGit final : public Git {
 public:
  RealGit(ProcessRunner& runner, Environment env, std::chrono::milliseconds timeout)
      : runner_(runner), env_(std::move(env)), timeout_(timeout) {
    env_["GIT_TERMINAL_PROMPT"] = "0";                       // never wait for a password on /dev/tty
    env_["GIT_ALLOW_PROTOCOL"] = "file:git:http:https:ssh";  // never ext:: or fd::
    env_["LC_ALL"] = "C";  // the same messages in every log; failures are classified by exit code, never by them
  }

  Result<std::map<std::string, std::string>> list_remote_refs(const std::string& repo) override {
    CCCI_TRY_STATUS(check_repository(repo));
    std::lock_guard lock(listed_mutex_);
    if (auto known = listed_.find(repo); known != listed_.end()) return known->second;
    CCCI_TRY(auto refs, read_remote_refs(repo));
    listed_.emplace(repo, refs);
    return refs;
  }

  Result<std::map<std::string, std::string>> read_remote_refs(const std::string& repo) {
    CCCI_TRY(auto listing, git({"ls-remote", "--", repo}, {}, "list refs of " + repo));
    std::map<std::string, std::string> refs;
    std::istringstream lines(listing.out);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      auto tab = line.find('\t');
      if (tab == std::string::npos || tab == 0 || tab + 1 == line.size()) {
        return make_error(ErrorKind::infra, "unexpected git ls-remote line from " + repo + ": " + line);
      }
      refs[line.substr(tab + 1)] = line.substr(0, tab);
    }
    return refs;
  }

  Status clone(const std::string& repo, const std::filesystem::path& into) override {
    CCCI_TRY_STATUS(check_repository(repo));
    std::filesystem::path target = into;
    if (into.is_relative()) {
      CCCI_TRY(target, absolute_path(into));
    }
    CCCI_TRY(auto cloned, git({"clone", "--quiet", "--", repo, target.string()}, {}, "clone " + repo));
    (void)cloned;
    return ok_status();
  }

  Status fetch_and_checkout(const std::filesystem::path& clone, const std::string& ref) override {
    CCCI_TRY_STATUS(check_ref(ref));
    auto fetched = git({"fetch", "--quiet", "origin", ref}, clone, "fetch " + ref);
    if (!fetched.ok()) return classify_failed_fetch(clone, ref, fetched.error());
    CCCI_TRY(auto checked_out, git({"checkout", "--quiet", "--detach", "FETCH_HEAD"}, clone, "check out " + ref));
    (void)checked_out;
    return ok_status();
  }

  Result<std::string> head_commit(const std::filesystem::path& clone) override {
    CCCI_TRY(auto parsed, git({"rev-parse", "--verify", "HEAD^{commit}"}, clone, "read HEAD"));
    return trim(parsed.out);
  }

 private:
  /// Runs `git <args>` and returns how it ended, whatever its exit. A git that cannot be started
  /// (absent, or its working directory gone) is the host's problem: ErrorKind::infra.
  Result<Completion> spawn(std::vector<std::string> args, const std::filesystem::path& cwd) {
    args.insert(args.begin(), "git");
    auto done = runner_.run(Command{std::move(args), env_, cwd, timeout_});
    if (!done.ok() && done.error().kind == ErrorKind::not_found) {
      return make_error(ErrorKind::infra, "cannot run git: " + done.error().message);
    }
    return done;
  }

  /// Runs `git <args>`; any ending but exit 0 (an exit code, a signal, our timeout) is
  /// ErrorKind::infra naming `what`: reaching and reading repositories is the environment's part.
  Result<Completion> git(std::vector<std::string> args, const std::filesystem::path& cwd, const std::string& what) {
    CCCI_TRY(auto done, spawn(std::move(args), cwd));
    if (done.succeeded()) return done;
    return make_error(ErrorKind::infra,
                      "git could not " + what + " (" + done.describe() + "): " + stderr_tail(done.err));
  }

  /// `git fetch` exits 128 whether origin lacks the ref or cannot be reached, so origin is asked
  /// again and answers by exit code: `git ls-remote --exit-code` exits 2 when no ref matches
  /// (git-ls-remote(1)). Only then is the failure ErrorKind::not_found; otherwise it stays the
  /// fetch's own error.
  Error classify_failed_fetch(const std::filesystem::path& clone, const std::string& ref, Error fetch_error) {
    if (fetch_error.kind != ErrorKind::infra) return fetch_error;  // interrupted: no new spawn
    constexpr int no_matching_ref = 2;
    auto probe = spawn({"ls-remote", "--exit-code", "--quiet", "origin", ref}, clone);
    bool missing = probe.ok() && !probe->timed_out && probe->signal == 0 && probe->exit_code == no_matching_ref;
    if (!missing) return fetch_error;
    return make_error(ErrorKind::not_found, "ref " + ref + " does not exist on origin of " + clone.string());
  }

  ProcessRunner& runner_;
  Environment env_;
  std::chrono::milliseconds timeout_;
  std::mutex listed_mutex_;
  std::map<std::string, std::map<std::string, std::string>> listed_;  ///< repo → its refs, as first listed
};

}  // namespace

Result<std::string> Git::resolve_remote_ref(const std::string& repo, const std::string& ref) {
  CCCI_TRY_STATUS(check_ref(ref));
  CCCI_TRY(auto refs, list_remote_refs(repo));
  // git's own lookup order for a short name: the full name, then tags, then branches.
  std::array<std::string, 3> candidates{ref, "refs/tags/" + ref, "refs/heads/" + ref};
  for (const auto& name : candidates) {
    // An annotated tag's own sha names the tag object; the peeled entry names its commit.
    if (auto peeled = refs.find(name + "^{}"); peeled != refs.end()) return peeled->second;
    if (auto direct = refs.find(name); direct != refs.end()) return direct->second;
  }
  return make_error(ErrorKind::not_found, "ref " + ref + " does not exist in " + repo);
}

std::unique_ptr<Git> make_git(ProcessRunner& runner, Environment env, std::chrono::milliseconds timeout) {
  return std::make_unique<RealGit>(runner, std::move(env), timeout);
}

}  // namespace ccci::harness
