#pragma once
/// FakeClock: a Clock whose time moves only when someone sleeps on it (or a test advances it).
/// sleep_for() returns at once, advances now() and wall_now() and records the duration, so
/// polling and backoff are tested in microseconds. Thread-safe.
#include <chrono>
#include <mutex>
#include <vector>

#include "harness/clock.hpp"

namespace ccci::fakes {

class FakeClock final : public harness::Clock {
 public:
  /// Wall time starts at 2026-01-01T00:00:00Z; steady time at an arbitrary fixed point.
  FakeClock();

  std::chrono::steady_clock::time_point now() const override;
  std::chrono::system_clock::time_point wall_now() const override;
  void sleep_for(std::chrono::milliseconds duration) override;

  /// Moves time forward without recording a sleep (e.g. a probe that itself takes time).
  void advance(std::chrono::milliseconds duration);
  /// Every sleep_for() duration, in order.
  std::vector<std::chrono::milliseconds> sleeps() const;
  /// Total time that passed since construction.
  std::chrono::milliseconds elapsed() const;

 private:
  mutable std::mutex mutex_;
  std::chrono::milliseconds offset_{0};
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace ccci::fakes
