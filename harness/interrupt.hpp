#pragma once
/// Interrupts: SIGINT/SIGTERM become a flag the run polls, never an abrupt exit, so the current
/// step can stop its children's process groups and teardown can still run (exit 130/143 after).
///
/// install_interrupt_handlers() installs handlers that only touch lock-free atomics
/// (async-signal-safe). pending_interrupt() is sticky: the first signal decides the exit code.
/// The ProcessRunner refuses to start, and kills the group of, any child while
/// interrupt_stops_children() holds. Teardown runs under an InterruptShield so it can still spawn
/// docker/abra after an interrupt; no further signal breaks through it — a teardown abandoned
/// halfway leaves the stack on the host (issue 12). Only SIGKILL stops a teardown.
/// Handlers are process-wide: install them once, from main().
#include <string>

namespace ccci::harness {

/// Route SIGINT and SIGTERM to the interrupt flag (SA_RESTART, so other syscalls carry on).
void install_interrupt_handlers();

/// 0 when no interrupt arrived, else the first signal number (SIGINT or SIGTERM).
int pending_interrupt();

/// True when an interrupt is pending and no shield is alive: running children must stop.
bool interrupt_stops_children();

/// "interrupted by SIGTERM" (or SIGINT): the pending interrupt, as errors name it.
std::string describe_interrupt();

/// While alive, no interrupt stops children: neither those that came before it nor those that
/// come while it lives. Nest them in one thread (teardown).
class InterruptShield {
 public:
  InterruptShield();
  ~InterruptShield();
  InterruptShield(const InterruptShield&) = delete;
  InterruptShield& operator=(const InterruptShield&) = delete;
};

/// Acts as if `signal` had arrived; for tests of interrupt handling.
void request_interrupt_for_tests(int signal);

/// Clears every interrupt state; for tests.
void reset_interrupt_for_tests();

}  // namespace ccci::harness
