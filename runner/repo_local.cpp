#include "runner/repo_local.hpp"

#include <fstream>
#include <sstream>

#include "harness/filesystem.hpp"
#include "harness/yaml.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
namespace fs = std::filesystem;

std::string trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t\r") - first + 1));
}

harness::Error spec_error(const std::string& message) { return harness::Error{ErrorKind::spec, message}; }

/// Copies `from` to `to`: folders and regular files only, within the limits; anything else (a
/// symlink could point anywhere on the host) refuses the whole folder.
harness::Status copy_checked(const fs::path& from, const fs::path& to, const RepoLocalLimits& limits,
                             const std::string& shown) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return harness::make_error(ErrorKind::infra, "cannot create " + to.string() + ": " + ec.message());
  size_t files = 0;
  std::uintmax_t bytes = 0;
  fs::recursive_directory_iterator walk(from, fs::directory_options::none, ec);
  for (; !ec && walk != fs::recursive_directory_iterator(); walk.increment(ec)) {
    const auto& entry = *walk;
    std::string name = shown + "/" + entry.path().lexically_relative(from).string();
    if (walk.depth() >= limits.max_depth) return spec_error(name + ": " + shown + " is nested too deep");
    auto status = entry.symlink_status(ec);
    if (ec) break;
    auto target = to / entry.path().lexically_relative(from);
    if (fs::is_directory(status)) {
      fs::create_directory(target, ec);
      if (ec) break;
      continue;
    }
    if (!fs::is_regular_file(status)) return spec_error(name + ": only regular files and folders may be in " + shown);
    bytes += entry.file_size(ec);
    if (ec) break;
    if (++files > limits.max_files || bytes > limits.max_bytes) {
      return spec_error(shown + " holds more than " + std::to_string(limits.max_files) + " files or " +
                        std::to_string(limits.max_bytes >> 20) + " MiB");
    }
    fs::copy_file(entry.path(), target, ec);  // keeps the permission bits: scripts stay executable
    if (ec) break;
  }
  if (ec) return harness::make_error(ErrorKind::infra, "cannot copy " + shown + ": " + ec.message());
  return harness::ok_status();
}

}  // namespace

std::string_view to_string(RepoLocal::State state) {
  switch (state) {
    case RepoLocal::State::absent: return "absent";
    case RepoLocal::State::denied: return "denied";
    case RepoLocal::State::approved: return "approved";
  }
  return "absent";
}

harness::Result<bool> repo_local_approved(const fs::path& recipes_dir, const std::string& recipe) {
  fs::path list = recipes_dir / repo_local_allow_list;
  CCCI_TRY(bool exists, harness::path_exists(list));
  if (!exists) return false;
  std::ifstream in(list);
  if (!in) return harness::make_error(ErrorKind::spec, "cannot read " + list.string());
  std::string line;
  while (std::getline(in, line)) {
    std::string name = trimmed(std::string_view(line).substr(0, line.find('#')));
    if (name == recipe) return true;
  }
  if (in.bad()) return harness::make_error(ErrorKind::spec, "cannot read " + list.string());
  return false;
}

harness::Result<RepoLocal> take_repo_local(const fs::path& checkout, const fs::path& recipes_dir,
                                           const std::string& recipe, const std::optional<fs::path>& copy_to,
                                           const RepoLocalLimits& limits) {
  RepoLocal found;
  std::error_code ec;
  auto status = fs::symlink_status(checkout / repo_local_file, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return harness::make_error(ErrorKind::infra,
                               "cannot look for " + std::string(repo_local_file) + ": " + ec.message());
  if (!fs::exists(status)) {
    found.note = "none: the recipe's repository has no " + std::string(repo_local_file);
    return found;
  }
  const std::string list = (recipes_dir / repo_local_allow_list).string();
  CCCI_TRY(bool approved, repo_local_approved(recipes_dir, recipe));
  if (!approved) {
    found.state = RepoLocal::State::denied;
    found.note = std::string(repo_local_file) + " not run: " + recipe + " is not on " + list +
                 " (repo-local checks are code from the PR's author; default deny)";
    return found;
  }
  fs::path source = checkout / repo_local_folder;
  if (!fs::is_directory(fs::symlink_status(source, ec)))
    return spec_error(std::string(repo_local_folder) + " must be a folder, not a link");
  found.dir = source;
  if (copy_to) {
    CCCI_TRY_STATUS(copy_checked(source, *copy_to, limits, repo_local_folder));
    found.dir = *copy_to;
  }
  CCCI_TRY(auto root, harness::load_yaml_file(found.dir / "checks.yml"));
  CCCI_TRY(found.checks, parse_checks_file(root));
  size_t count = 0;
  for (const auto& [tier, checks] : found.checks) count += checks.size();
  found.state = RepoLocal::State::approved;
  found.note = std::to_string(count) + " check(s) from " + repo_local_file + " (" + recipe + " is on " + list + ")";
  return found;
}

RecipeSpec repo_local_spec(const RecipeSpec& spec, const RepoLocal& repo_local) {
  RecipeSpec repo = spec;
  repo.dir = repo_local.dir;
  repo.checks = repo_local.checks;
  repo.seeds.clear();
  repo.previous.clear();
  return repo;
}

std::vector<CheckOutcome> WithRepoLocalChecks::checks(Tier tier) {
  std::vector<CheckOutcome> outcomes = spec_steps_.checks(tier);
  if (repo_steps_) {
    for (auto& outcome : repo_steps_->checks(tier)) {
      outcome.source = CheckSource::repo_local;
      outcomes.push_back(std::move(outcome));
    }
  }
  if (tier == Tier::custom && repo_local_.state == RepoLocal::State::denied) {
    outcomes.push_back({"repo_local_checks", CheckSource::repo_local, CheckStatus::skip, repo_local_.note, {}, {}});
  }
  return outcomes;
}

}  // namespace ccci::runner
