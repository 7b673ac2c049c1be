#include "harness/poll.hpp"

#include <algorithm>

#include "harness/interrupt.hpp"

namespace ccci::harness {

using std::chrono::milliseconds;

PollResult poll_until(Clock& clock, const PollOptions& options, const Probe& probe) {
  const auto start = clock.now();
  const auto deadline = start + options.timeout;
  milliseconds wait = std::max(options.first_wait, milliseconds(1));
  PollResult result;
  while (true) {
    ProbeReport report = probe();
    ++result.attempts;
    result.last_message = std::move(report.message);
    const auto now = clock.now();
    result.elapsed = std::chrono::duration_cast<milliseconds>(now - start);
    if (report.state == ProbeReport::State::done) {
      result.end = PollResult::End::done;
      return result;
    }
    if (report.state == ProbeReport::State::failed) {
      result.end = PollResult::End::failed;
      return result;
    }
    if (interrupt_stops_children()) {  // its spawns are refused now: every later probe would fail the same
      result.end = PollResult::End::interrupted;
      return result;
    }
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - now);
    if (remaining <= milliseconds::zero()) {
      result.end = PollResult::End::timed_out;
      return result;
    }
    clock.sleep_for(std::min(wait, remaining));
    wait = std::min(wait * 2, std::max(options.max_wait, options.first_wait));
  }
}

Status to_status(const PollResult& result, std::string_view what, ErrorKind failed_kind) {
  if (result.done()) return ok_status();
  std::string spent = " after " + std::to_string(result.elapsed.count()) + "ms and " + std::to_string(result.attempts) +
                      (result.attempts == 1 ? " attempt" : " attempts");
  std::string last = result.last_message.empty() ? "" : ": " + result.last_message;
  if (result.end == PollResult::End::failed) {
    return make_error(failed_kind, std::string(what) + " failed" + spent + last);
  }
  if (result.end == PollResult::End::interrupted) {
    return make_error(ErrorKind::interrupted,
                      describe_interrupt() + " while waiting for " + std::string(what) + spent + last);
  }
  return make_error(ErrorKind::timeout, "timed out waiting for " + std::string(what) + spent + last);
}

}  // namespace ccci::harness
