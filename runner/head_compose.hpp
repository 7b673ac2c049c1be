#pragma once
/// The head's compose model, read before anything is deployed, for what the plan tells about it
/// (runner/backup_analysis.hpp): a scratch clone of the recipe repo checked out at the head, its
/// compose files interpolated with the head's .env.sample, the spec's env on top, and the run's
/// DOMAIN and STACK_NAME — the values the app will be given.
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "harness/compose.hpp"
#include "harness/result.hpp"
#include "runner/backup_analysis.hpp"

namespace ccci::harness {
class Git;
}

namespace ccci::runner {

struct HeadComposeSource {
  std::string repo_url;
  std::string head_ref;
  std::string domain;
  std::map<std::string, std::string> env_overlay;  ///< the spec's env
};

/// Clones into `scratch` (which must not exist) and removes it again, whatever happens; an error
/// keeps the kind git, the env file reader or the compose loader gave it.
/// `visit`, when given, sees the checkout once the head is checked out, before anything is read,
/// so one clone serves whatever else the plan needs of the head (runner/repo_local.hpp).
using CheckoutVisitor = std::function<void(const std::filesystem::path& checkout)>;
harness::Result<harness::ComposeModel> read_head_compose(harness::Git& git, const HeadComposeSource& source,
                                                         const std::filesystem::path& scratch,
                                                         const CheckoutVisitor& visit = {});

/// The static backup-coverage analysis of the head (runner/backup_analysis.hpp), for the plan: a
/// head that cannot be read is "not analysed" with why, never a failed run.
BackupCoverage analyse_head_backup_coverage(harness::Git& git, const HeadComposeSource& source,
                                            const std::filesystem::path& scratch, const CheckoutVisitor& visit = {});

}  // namespace ccci::runner
