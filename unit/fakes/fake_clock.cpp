#include "unit/fakes/fake_clock.hpp"

namespace ccci::fakes {
namespace {

// Fixed origins keep test output reproducible; steady time does not start at zero so a
// default-constructed time_point never looks like "now".
const std::chrono::steady_clock::time_point steady_origin{std::chrono::hours(1000)};
const std::chrono::system_clock::time_point wall_origin{std::chrono::seconds(1'767'225'600)};

}  // namespace

FakeClock::FakeClock() = default;

std::chrono::steady_clock::time_point FakeClock::now() const {
  std::lock_guard lock(mutex_);
  return steady_origin + offset_;
}

std::chrono::system_clock::time_point FakeClock::wall_now() const {
  std::lock_guard lock(mutex_);
  return wall_origin + offset_;
}

void FakeClock::sleep_for(std::chrono::milliseconds duration) {
  std::lock_guard lock(mutex_);
  sleeps_.push_back(duration);
  if (duration > std::chrono::milliseconds::zero()) offset_ += duration;
}

void FakeClock::advance(std::chrono::milliseconds duration) {
  std::lock_guard lock(mutex_);
  offset_ += duration;
}

std::vector<std::chrono::milliseconds> FakeClock::sleeps() const {
  std::lock_guard lock(mutex_);
  return sleeps_;
}

std::chrono::milliseconds FakeClock::elapsed() const {
  std::lock_guard lock(mutex_);
  return offset_;
}

}  // namespace ccci::fakes
