#pragma once
/// Removing a stack with docker alone, by its identity: every object of a run's stack carries the
/// stack's namespace label or its name as a prefix (harness::DockerDriver::stack_residue), and a
/// stack's name holds its run's nonce, so nothing of another run is in reach. It is the last rung
/// of a teardown, once abra's undeploy and remove left something, and the reaper's way with a dead
/// run's stack. In order: the services; a bounded wait for their containers to stop (volumes stay
/// busy until then); the containers still there, forced; then volumes, secrets, configs and
/// networks. A second listing says what went and what is left.
#include <chrono>
#include <string>
#include <vector>

#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/result.hpp"

namespace ccci::runner {

struct StackRemoval {
  harness::Residue found;          ///< what the stack held before
  harness::Residue left;           ///< what it holds after: empty when everything went
  std::vector<std::string> notes;  ///< docker's refusals and a wait that ran out, for messages
};

/// Nothing is removed, and `left` is `found`, when the stack holds nothing. ErrorKind::infra when
/// docker cannot list the stack: "cannot list what stack <s> holds: …" before, "cannot verify
/// stack <s> is gone: …" after.
harness::Result<StackRemoval> force_remove_stack(harness::DockerDriver& docker, harness::Clock& clock,
                                                 const std::string& stack, std::chrono::milliseconds stop_timeout);

}  // namespace ccci::runner
