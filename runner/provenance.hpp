#pragma once
/// Provenance: the environment a run ran in (ccci's, abra's and the docker engine's versions, the
/// kernel and the host), recorded in results.json and summary.md so that two runners' differing
/// verdicts can be told apart. Gathering never fails a run: what cannot be read is
/// "unknown (<why>)". abra and docker are asked side by side, each bounded by `timeout`.
#include <chrono>
#include <string>

#include "harness/docker.hpp"
#include "harness/process.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

/// ccci's own version: `git describe --always --dirty` of the source tree at build time.
std::string ccci_version();

struct ProvenanceSources {
  std::string abra = "abra";
  harness::Environment env;  ///< the children's environment
  std::chrono::milliseconds timeout{std::chrono::seconds(20)};
};

/// abra's version through `runner`, the engine's through `docker` (engine_facts: its own timeout).
Provenance gather_provenance(harness::ProcessRunner& runner, harness::DockerDriver& docker,
                             const ProvenanceSources& sources);

/// "ccci: <v> · abra: <v> · docker engine: <v> · kernel: <r> · host: <h>": the summaries' one line.
std::string render_provenance(const Provenance& provenance);

}  // namespace ccci::runner
