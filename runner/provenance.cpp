#include "runner/provenance.hpp"

#include <sys/utsname.h>

#include <cerrno>
#include <cstring>
#include <future>

#include "harness/text.hpp"
#include "runner/ccci_version.hpp"

namespace ccci::runner {
namespace {

constexpr size_t max_line = 160;  ///< a version line is short; anything longer is cut

/// The first line `argv` prints, or "unknown (<why>)".
std::string first_line_of(harness::ProcessRunner& runner, std::vector<std::string> argv,
                          const ProvenanceSources& sources) {
  auto ran = runner.run({std::move(argv), sources.env, {}, sources.timeout});
  if (!ran.ok()) return "unknown (" + ran.error().message + ")";
  auto lines = harness::trimmed_lines(harness::strip_ansi(ran->out));
  if (!ran->succeeded()) {
    return "unknown (" + ran->describe() + ": " + harness::last_lines(ran->err, 1, max_line) + ")";
  }
  if (lines.empty()) return "unknown (no output)";
  return lines.front().substr(0, max_line);
}

}  // namespace

std::string ccci_version() { return std::string(build_info::git_describe); }

Provenance gather_provenance(harness::ProcessRunner& runner, harness::DockerDriver& docker,
                             const ProvenanceSources& sources) {
  auto abra = std::async(std::launch::async, [&] {
    return first_line_of(runner, {sources.abra, "--version"}, sources);
  });
  auto engine = std::async(std::launch::async, [&]() -> std::string {
    auto facts = docker.engine_facts();
    if (facts.ok()) return facts->version.substr(0, max_line);
    std::string why = harness::last_lines(facts.error().message, 1, max_line);
    return "unknown (" + why + ")";
  });
  Provenance provenance;
  provenance.ccci_version = ccci_version();
  struct utsname names {};
  if (::uname(&names) == 0) {
    provenance.kernel = names.release;
    provenance.host = names.nodename;
  } else {
    provenance.kernel = provenance.host = "unknown (uname: " + std::string(std::strerror(errno)) + ")";
  }
  provenance.abra_version = abra.get();
  provenance.docker_version = engine.get();
  return provenance;
}

std::string render_provenance(const Provenance& provenance) {
  return "ccci: " + provenance.ccci_version + " · abra: " + provenance.abra_version +
         " · docker engine: " + provenance.docker_version + " · kernel: " + provenance.kernel +
         " · host: " + provenance.host;
}

}  // namespace ccci::runner
