#include "harness/bounded_parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace ccci::harness {
namespace {

TEST(RunBounded, CallsEveryItemOnceAndNeverMoreThanTheLimitAtOnce) {
  constexpr std::size_t count = 40;
  std::vector<std::atomic<int>> calls(count);
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  run_bounded(count, 3, [&](std::size_t i) {
    int now = ++running;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ++calls[i];
    --running;
  });
  for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(calls[i].load(), 1) << i;
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 2) << "items overlapped: the limit was used";
}

TEST(RunBounded, ALimitOfOneRunsInOrderOnTheCallingThread) {
  std::vector<std::size_t> order;
  std::vector<std::thread::id> threads;
  run_bounded(5, 1, [&](std::size_t i) {
    order.push_back(i);
    threads.push_back(std::this_thread::get_id());
  });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  for (auto id : threads) EXPECT_EQ(id, std::this_thread::get_id());
}

TEST(RunBounded, NothingToDoOrALimitOfZeroIsHandled) {
  int calls = 0;
  run_bounded(0, 4, [&](std::size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  run_bounded(2, 0, [&](std::size_t) { ++calls; });  // 0 means serial, never "run nothing"
  EXPECT_EQ(calls, 2);
}

TEST(RunBounded, ItemsStartInTheirOrder) {
  std::mutex mutex;
  std::vector<std::size_t> started;
  run_bounded(20, 4, [&](std::size_t i) {
    std::lock_guard lock(mutex);
    started.push_back(i);
  });
  ASSERT_EQ(started.size(), 20u);
  // Each index is taken from one counter, so starts interleave only among the few running at once.
  for (std::size_t k = 0; k < started.size(); ++k) EXPECT_LE(started[k], k + 3) << k;
}

}  // namespace
}  // namespace ccci::harness
