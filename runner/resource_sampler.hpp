#pragma once
/// ResourceSampler: the run's stacks' peak memory and CPU as Docker reports them (issue 12),
/// sampled on a thread of its own from install until teardown begins.
///
/// One `docker stats --no-stream` per sample (it takes docker a second or two), then a pause of
/// `interval`: ccci-run itself stays idle between samples. Figures never fail a run: a docker
/// call that fails is counted and named in the note, a run Docker reported nothing of has null
/// figures and says why. stop() returns at once — teardown never waits for a sample in flight —
/// and finish() (after teardown) joins the thread. After an interrupt no further sample starts,
/// and the machine's teardown_started stops the sampler. Owns its thread; borrows the driver.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/docker.hpp"
#include "runner/outcome.hpp"
#include "runner/tier_machine.hpp"

namespace ccci::runner {

/// A pause long enough that sampling costs ccci-run next to nothing, short enough to catch a
/// peak that lasts a tier.
inline constexpr std::chrono::seconds resource_sample_interval{5};
/// One docker stats call; it normally answers within two seconds.
inline constexpr std::chrono::seconds resource_sample_timeout{20};

/// The peaks over samples: each sample's containers summed (the stack as a whole), the largest
/// sum kept. A sample without a container of the run's stacks is not counted. Not thread-safe.
class ResourcePeaks {
 public:
  void add_sample(const std::vector<harness::ContainerStats>& containers);
  void add_failure(const std::string& message);
  ResourceFigures figures(std::chrono::milliseconds interval) const;

 private:
  int samples_ = 0;
  int empty_samples_ = 0;
  int failures_ = 0;
  std::string last_failure_;
  std::optional<std::uint64_t> peak_memory_;
  std::optional<double> peak_cpu_;
};

class ResourceSampler {
 public:
  ResourceSampler(harness::DockerDriver& docker, std::vector<std::string> stacks,
                  std::chrono::milliseconds interval = resource_sample_interval,
                  std::chrono::milliseconds call_timeout = resource_sample_timeout);
  ~ResourceSampler();
  ResourceSampler(const ResourceSampler&) = delete;
  ResourceSampler& operator=(const ResourceSampler&) = delete;

  /// Starts sampling, the first sample at once; a second start, or one after stop, does nothing.
  void start();
  /// Asks the thread to stop; returns without waiting for a docker call in flight.
  void stop();
  /// Stops, waits for the thread, and returns the figures ("not sampled" if never started).
  ResourceFigures finish();

 private:
  void sample_until_stopped();

  harness::DockerDriver& docker_;
  const std::vector<std::string> stacks_;
  const std::chrono::milliseconds interval_;
  const std::chrono::milliseconds call_timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool started_ = false;
  bool stop_requested_ = false;
  ResourcePeaks peaks_;  ///< guarded by mutex_
  std::thread thread_;
};

/// `inner`, plus: the sampler starts when install starts and stops when teardown starts.
MachineObserver sampling_while_deployed(MachineObserver inner, ResourceSampler& sampler);

}  // namespace ccci::runner
