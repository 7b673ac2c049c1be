#pragma once
/// The stand-in's `abra app …` commands other than backups, imitating abra's documented
/// behaviour (abra-cli.md §1–§3, §8; docs/abra-standin.md says what is fact and what assumed).
#include <string>
#include <vector>

#include "harness/result.hpp"
#include "testbed/abra/cli.hpp"
#include "testbed/abra/context.hpp"

namespace ccci::testbed {

harness::Status app_new(Context& context, const Invocation& invocation);
harness::Status app_deploy(Context& context, const Invocation& invocation);
harness::Status app_undeploy(Context& context, const Invocation& invocation);
harness::Status app_remove(Context& context, const Invocation& invocation);
harness::Status app_volume_remove(Context& context, const Invocation& invocation);
harness::Status app_secret_generate(Context& context, const Invocation& invocation);
harness::Status app_secret_insert(Context& context, const Invocation& invocation);

/// What abra does first in a command that loads the recipe (secret generate and insert, backup
/// create, snapshots and list, restore; app new and deploy choose their version themselves):
/// without --chaos it checks out, in $ABRA_DIR/recipes/<recipe>, the version the app's .env pins
/// (TYPE=<recipe>:<version>), refusing a dirty tree like deploy. With --chaos, or with no version
/// pinned, the checkout stays as it is. Any other command: nothing.
harness::Status check_out_pinned_version(Context& context, const Invocation& invocation);

/// The same for an app already loaded.
harness::Status check_out_pinned_version(Context& context, const App& app, bool chaos);

struct SecretPlan {
  std::string key;       ///< the compose file's key
  std::string name;      ///< the docker secret: its `name:`, else <stack>_<key>_<SECRET_<KEY>_VERSION or v1>
  bool generate = true;  ///< false with `# generate=false` on the version line
  size_t length = 32;    ///< `# length=N` on the version line
};

/// The secrets the app's compose files declare, with abra's `.env` modifiers applied.
harness::Result<std::vector<SecretPlan>> secret_plans(const App& app);

/// "<first 8 hex of HEAD>" plus "+U" when the checkout has any change, untracked files included.
std::string chaos_version(const std::string& head, bool dirty);

/// The generated secret value: `length` random alphanumerics (abra: `# length=N`, default 32).
std::string generate_secret(size_t length);

}  // namespace ccci::testbed
