#pragma once
/// poll_until: call a probe until it reports done, reports failed, or a deadline passes.
///
/// The first probe runs immediately; between probes the wait starts small and doubles up to a
/// cap (default 100ms → 2s), so a ready service is noticed within a fraction of a second and a
/// slow one is not hammered. The last wait is cut short so one final probe runs at the deadline.
/// Time is read and spent only through the given Clock (tests use a fake one and never sleep).
/// A probe that throws is not caught: probes return their state, they do not throw.
/// An interrupt (harness/interrupt.hpp) that stops children also stops the polling after the
/// probe it arrived during: an interrupted run waits for nothing but its teardown, which polls
/// under a shield.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "harness/clock.hpp"
#include "harness/result.hpp"

namespace ccci::harness {

/// What one probe saw. `message` says why it is not done yet, or what it found.
struct ProbeReport {
  enum class State { done, pending, failed };
  State state = State::pending;
  std::string message;

  static ProbeReport done(std::string message = {}) { return {State::done, std::move(message)}; }
  static ProbeReport pending(std::string message) { return {State::pending, std::move(message)}; }
  /// Waiting longer cannot help (e.g. the task was rejected): stop now.
  static ProbeReport failed(std::string message) { return {State::failed, std::move(message)}; }
};

using Probe = std::function<ProbeReport()>;

struct PollOptions {
  std::chrono::milliseconds timeout{60'000};  ///< deadline = start + timeout
  std::chrono::milliseconds first_wait{100};  ///< wait after the first unsuccessful probe
  std::chrono::milliseconds max_wait{2'000};  ///< cap of the doubling wait
};

struct PollResult {
  enum class End { done, failed, timed_out, interrupted };
  End end = End::timed_out;
  int attempts = 0;                      ///< probes run, including the last one
  std::chrono::milliseconds elapsed{0};  ///< from the first probe's start to the last probe's end
  std::string last_message;              ///< the last probe's message

  bool done() const { return end == End::done; }
};

PollResult poll_until(Clock& clock, const PollOptions& options, const Probe& probe);

/// ok when done; ErrorKind::timeout, ErrorKind::interrupted or `failed_kind` otherwise, the
/// message naming `what` we waited for, the time spent, the attempts and the last probe's message.
Status to_status(const PollResult& result, std::string_view what, ErrorKind failed_kind = ErrorKind::check_failed);

}  // namespace ccci::harness
