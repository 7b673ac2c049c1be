#include "harness/bounded_parallel.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace ccci::harness {

void run_bounded(std::size_t count, std::size_t limit, const std::function<void(std::size_t)>& work) {
  std::size_t workers = std::min(count, std::max<std::size_t>(limit, 1));
  if (workers <= 1) {
    for (std::size_t i = 0; i < count; ++i) work(i);
    return;
  }
  // Each worker takes the next index until none is left: items start in order, at most `workers` at once.
  std::atomic<std::size_t> next{0};
  auto drain = [&] {
    for (std::size_t i = next++; i < count; i = next++) work(i);
  };
  std::vector<std::jthread> threads;
  threads.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(drain);
  drain();
}  // the jthreads join here

}  // namespace ccci::harness
