#include "unit/fakes/git_repo.hpp"

#include <fstream>
#include <stdexcept>

namespace ccci::fakes {

using namespace std::chrono_literals;

harness::Environment GitRepo::hermetic_env() {
  harness::Environment env = harness::inherited_environment({"PATH", "TMPDIR"});
  env["GIT_CONFIG_NOSYSTEM"] = "1";
  env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  env["GIT_AUTHOR_NAME"] = "ccci test";
  env["GIT_AUTHOR_EMAIL"] = "ccci-test@example.invalid";
  env["GIT_COMMITTER_NAME"] = "ccci test";
  env["GIT_COMMITTER_EMAIL"] = "ccci-test@example.invalid";
  env["HOME"] = "/nonexistent";
  return env;
}

GitRepo::GitRepo(std::filesystem::path dir, const std::string& initial_branch)
    : dir_(std::move(dir)), runner_(harness::make_process_runner(log_)) {
  std::filesystem::create_directories(dir_);
  git({"init", "--quiet", "--initial-branch=" + initial_branch});
}

std::string GitRepo::git(std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  harness::Command command{args, hermetic_env(), dir_, 30s};
  auto done = runner_->run(command);
  std::string line;
  for (const auto& arg : args) line += " " + arg;
  if (!done.ok()) throw std::runtime_error("test git" + line + ": " + done.error().message);
  if (!done->succeeded()) throw std::runtime_error("test git" + line + ": " + done->describe() + ": " + done->err);
  std::string out = done->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string GitRepo::commit(const std::map<std::string, std::string>& files, const std::string& message) {
  for (const auto& [relative, text] : files) {
    auto full = dir_ / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream(full, std::ios::binary) << text;
    git({"add", "--", relative});
  }
  git({"commit", "--quiet", "--allow-empty", "-m", message});
  return rev_parse("HEAD");
}

std::string GitRepo::annotated_tag(const std::string& name, const std::string& target) {
  git({"tag", "--annotate", "-m", "release " + name, name, target});
  return rev_parse(name);
}

std::string GitRepo::lightweight_tag(const std::string& name, const std::string& target) {
  git({"tag", name, target});
  return rev_parse(name);
}

void GitRepo::branch(const std::string& name, const std::string& target) { git({"branch", "--force", name, target}); }

void GitRepo::checkout(const std::string& name) {
  bool exists = !git({"branch", "--list", name}).empty();
  if (exists) {
    git({"checkout", "--quiet", name});
  } else {
    git({"checkout", "--quiet", "-b", name});
  }
}

void GitRepo::pull_ref(int number, const std::string& commit) {
  git({"update-ref", "refs/pull/" + std::to_string(number) + "/head", commit});
}

void GitRepo::delete_ref(const std::string& full_ref) { git({"update-ref", "-d", full_ref}); }

std::string GitRepo::rev_parse(const std::string& revision) {
  return git({"rev-parse", "--verify", revision + "^{commit}"});
}

}  // namespace ccci::fakes
