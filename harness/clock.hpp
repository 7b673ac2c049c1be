#pragma once
/// Clock: time as a seam, so polling, backoff and timeouts are testable without sleeping.
#include <chrono>
#include <memory>

namespace ccci::harness {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

std::unique_ptr<Clock> make_system_clock();

}  // namespace ccci::harness
