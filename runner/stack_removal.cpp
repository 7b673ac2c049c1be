#include "runner/stack_removal.hpp"

#include "runner/convergence.hpp"

namespace ccci::runner {

using harness::ErrorKind;

harness::Result<StackRemoval> force_remove_stack(harness::DockerDriver& docker, harness::Clock& clock,
                                                 const std::string& stack, std::chrono::milliseconds stop_timeout) {
  auto found = docker.stack_residue(stack);
  if (!found.ok())
    return harness::make_error(ErrorKind::infra,
                               "cannot list what stack " + stack + " holds: " + found.error().message);
  StackRemoval removal{*found, *found, {}};
  if (found->empty()) return removal;
  auto note = [&](const harness::Status& status) {
    if (!status.ok()) removal.notes.push_back(status.error().message);
  };
  note(docker.service_rm(found->services));
  auto stopped = wait_until_stack_stopped(docker, clock, stack, stop_timeout);
  note(harness::to_status(stopped, "the services of stack " + stack + " to stop", ErrorKind::infra));
  if (!stopped.done()) {
    // A container that outlived its service (a task stuck in shutdown) still holds its volumes.
    if (auto still = docker.stack_residue(stack); still.ok()) note(docker.container_rm(still->containers));
  }
  note(docker.volume_rm(found->volumes));
  note(docker.secret_rm(found->secrets));
  note(docker.config_rm(found->configs));
  note(docker.network_rm(found->networks));
  auto after = docker.stack_residue(stack);
  if (!after.ok())
    return harness::make_error(ErrorKind::infra, "cannot verify stack " + stack + " is gone: " + after.error().message);
  removal.left = *after;
  return removal;
}

}  // namespace ccci::runner
