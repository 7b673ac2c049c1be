#include "runner/head_compose.hpp"

#include "harness/abra.hpp"
#include "harness/env_file.hpp"
#include "harness/filesystem.hpp"
#include "harness/git.hpp"

namespace ccci::runner {
namespace {

harness::Result<harness::ComposeModel> read_checked_out(harness::Git& git, const HeadComposeSource& source,
                                                        const std::filesystem::path& scratch,
                                                        const CheckoutVisitor& visit) {
  CCCI_TRY_STATUS(git.clone(source.repo_url, scratch));
  CCCI_TRY_STATUS(git.fetch_and_checkout(scratch, source.head_ref));
  if (visit) visit(scratch);
  std::map<std::string, std::string> env;
  CCCI_TRY(bool has_sample, harness::path_exists(scratch / ".env.sample"));
  if (has_sample) {
    CCCI_TRY(auto sample, harness::read_env_file(scratch / ".env.sample"));
    env = sample.values();
  }
  for (const auto& [key, value] : source.env_overlay) env[key] = value;
  env["DOMAIN"] = source.domain;
  env["STACK_NAME"] = harness::stack_name_for(source.domain);
  return harness::load_compose(scratch, env);
}

}  // namespace

harness::Result<harness::ComposeModel> read_head_compose(harness::Git& git, const HeadComposeSource& source,
                                                         const std::filesystem::path& scratch,
                                                         const CheckoutVisitor& visit) {
  auto model = read_checked_out(git, source, scratch, visit);
  auto removed = harness::remove_tree(scratch);
  if (!model.ok()) return model;
  if (!removed.ok()) return removed.error();
  return model;
}

BackupCoverage analyse_head_backup_coverage(harness::Git& git, const HeadComposeSource& source,
                                            const std::filesystem::path& scratch, const CheckoutVisitor& visit) {
  auto model = read_head_compose(git, source, scratch, visit);
  if (!model.ok()) return {false, {}, "the head's compose files could not be read: " + model.error().message};
  return coverage_of(analyse_backup_coverage(*model));
}

}  // namespace ccci::runner
