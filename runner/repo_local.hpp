#pragma once
/// Repo-local checks: checks a recipe's own repository ships in `.ccci/checks.yml` (beside it in
/// `.ccci/`, the scripts and browser flows they name). Whoever authors a PR writes them, so they
/// are code from outside: they run only for a recipe listed in `recipes/repo-local-approved.txt`,
/// read from ccci's recipes directory — never from the recipe's repository or the PR. Default
/// deny: without the list, or off it, the file is not even read, and the run reports them
/// skipped with the reason. When approved, `.ccci/` of the head is copied (regular files and
/// folders only, bounded) out of the planning clone into the run's own directory, and its checks
/// run after the spec's, as source repo_local, with the same grammar as recipe.yml's `checks`.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/result.hpp"
#include "runner/outcome.hpp"
#include "runner/recipe_steps.hpp"
#include "runner/spec.hpp"

namespace ccci::runner {

inline constexpr const char* repo_local_folder = ".ccci";
inline constexpr const char* repo_local_file = ".ccci/checks.yml";
inline constexpr const char* repo_local_allow_list = "repo-local-approved.txt";

/// What `.ccci/` may hold: a few scripts and flows, not a second repository.
struct RepoLocalLimits {
  size_t max_files = 64;
  std::uintmax_t max_bytes = 4u << 20;
  int max_depth = 4;
};

struct RepoLocal {
  enum class State { absent, denied, approved };
  State state = State::absent;
  std::string note;           ///< one line for the plan and the reports: what was found, run or skipped and why
  std::filesystem::path dir;  ///< approved: the copied `.ccci/` folder
  std::map<Tier, std::vector<SpecCheck>> checks;  ///< approved: its checks
};
std::string_view to_string(RepoLocal::State state);

/// Whether `recipe` is on `<recipes_dir>/repo-local-approved.txt` (one recipe name a line; blank
/// lines and `#` comments ignored). A missing list approves nobody; an unreadable one is an error.
harness::Result<bool> repo_local_approved(const std::filesystem::path& recipes_dir, const std::string& recipe);

/// Looks at the head's checkout. Absent: no `.ccci/checks.yml`. Denied: it exists and the recipe
/// is not approved (nothing under `.ccci/` is read). Approved: `.ccci/` is copied to `copy_to`
/// (when given; a plan that deploys nothing only reads it in place) and its checks parsed. A
/// malformed file, a symlink or a folder over the limits is ErrorKind::spec naming the path.
harness::Result<RepoLocal> take_repo_local(const std::filesystem::path& checkout,
                                           const std::filesystem::path& recipes_dir, const std::string& recipe,
                                           const std::optional<std::filesystem::path>& copy_to,
                                           const RepoLocalLimits& limits = {});

/// The spec for running approved repo-local checks: the recipe's (its timeouts, its concurrency),
/// with the repository's checks and folder instead of its own, and no seeds.
RecipeSpec repo_local_spec(const RecipeSpec& spec, const RepoLocal& repo_local);

/// One RecipeSteps for the deployment: the spec's seeds and checks, then the tier's repo-local
/// checks (approved: `repo_steps`, their outcomes marked repo_local) or, in the custom tier of a
/// run that denied them, one skipped check `repo_local_checks` saying why nothing of them ran.
class WithRepoLocalChecks final : public RecipeSteps {
 public:
  WithRepoLocalChecks(RecipeSteps& spec_steps, RecipeSteps* repo_steps, const RepoLocal& repo_local)
      : spec_steps_(spec_steps), repo_steps_(repo_steps), repo_local_(repo_local) {}

  harness::Status seed(SeedOp op) override { return spec_steps_.seed(op); }
  std::vector<CheckOutcome> checks(Tier tier) override;

 private:
  RecipeSteps& spec_steps_;
  RecipeSteps* repo_steps_;  ///< null unless approved
  const RepoLocal& repo_local_;
};

}  // namespace ccci::runner
