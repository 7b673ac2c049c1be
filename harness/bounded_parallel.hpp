#pragma once
/// run_bounded: calls `work(i)` for every i in [0, count), at most `limit` at once, and returns
/// when all have returned. With a limit of 1, or a single item, everything runs on the calling
/// thread in order (no thread is started), so a serial run is exactly the loop it replaces.
/// `work` must not throw: harness code reports failures as values (harness/result.hpp); an
/// exception that escapes anyway ends the process, as it would on the calling thread.
#include <cstddef>
#include <functional>

namespace ccci::harness {

void run_bounded(std::size_t count, std::size_t limit, const std::function<void(std::size_t)>& work);

}  // namespace ccci::harness
