#pragma once
/// The helper subcommands a `script` check calls, so it needs no knowledge of Docker or of the
/// gateway (docs/recipe-spec.md):
///
///   ccci-run exec SERVICE [--] ARGV...
///     ARGV in the running container of the service "$CCCI_STACK"_SERVICE; its stdout and stderr
///     printed, its exit code returned (128+N when a signal ended it). No stdin.
///   ccci-run http [--method M] [--data BODY | --data-file FILE] [--header 'K: V']... [--status-only] PATH
///     A request to https://$CCCI_DOMAIN PATH, through $CCCI_GATEWAY (host[:port]) trusting
///     $CCCI_CA_BUNDLE when they are set. The body on stdout and "HTTP <status>" on stderr, or with
///     --status-only the status alone on stdout. Exit 0 for 2xx and 3xx, 1 for any other status.
///
/// Both read the run's facts from the CCCI_* environment only, so they work in any script a
/// check starts. Exit 2: a usage error or a fact missing ("ccci-run exec runs inside a ccci check:
/// CCCI_STACK is not set"); exit 3: it could not be done (no running container, docker failed,
/// no connection). They log nothing of their own: what they print and return is what the calling
/// script reads, and the run logs the script.
#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "harness/docker.hpp"
#include "harness/http.hpp"
#include "harness/process.hpp"
#include "harness/result.hpp"

namespace ccci::runner {

using EnvironmentMap = std::map<std::string, std::string>;

/// A generous bound on one exec or request: the calling check's own timeout stops it sooner.
inline constexpr std::chrono::minutes helper_timeout{10};

/// Whether `args` start with a helper subcommand (`exec` or `http`).
bool is_helper_command(const std::vector<std::string>& args);

/// Runs the helper subcommand in `args` with the real docker CLI (reached with `child_env`) or
/// libcurl; returns its exit code.
int run_helper_command(const EnvironmentMap& env, const std::vector<std::string>& args,
                       const harness::Environment& child_env, std::ostream& out, std::ostream& err);

/// `exec` on a given driver; `args` without the subcommand's name.
int helper_exec(const EnvironmentMap& env, const std::vector<std::string>& args, harness::DockerDriver& docker,
                std::ostream& out, std::ostream& err);

/// `http` on a given client (already routed, see helper_routing); `args` without the subcommand's name.
int helper_http(const EnvironmentMap& env, const std::vector<std::string>& args, harness::HttpClient& http,
                std::ostream& out, std::ostream& err);

/// The gateway and CA from CCCI_GATEWAY and CCCI_CA_BUNDLE; neither set: DNS and the system trust
/// store. ErrorKind::usage for a gateway that is not host[:port].
harness::Result<harness::HttpRouting> helper_routing(const EnvironmentMap& env);

}  // namespace ccci::runner
