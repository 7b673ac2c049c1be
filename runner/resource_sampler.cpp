#include "runner/resource_sampler.hpp"

#include <exception>
#include <utility>

#include "harness/interrupt.hpp"

namespace ccci::runner {

void ResourcePeaks::add_sample(const std::vector<harness::ContainerStats>& containers) {
  if (containers.empty()) {
    ++empty_samples_;
    return;
  }
  ++samples_;
  std::optional<std::uint64_t> memory;
  std::optional<double> cpu;
  for (const auto& container : containers) {
    if (container.memory_bytes) memory = memory.value_or(0) + *container.memory_bytes;
    if (container.cpu_percent) cpu = cpu.value_or(0.0) + *container.cpu_percent;
  }
  if (memory && (!peak_memory_ || *memory > *peak_memory_)) peak_memory_ = memory;
  if (cpu && (!peak_cpu_ || *cpu > *peak_cpu_)) peak_cpu_ = cpu;
}

void ResourcePeaks::add_failure(const std::string& message) {
  ++failures_;
  last_failure_ = message;
}

ResourceFigures ResourcePeaks::figures(std::chrono::milliseconds interval) const {
  ResourceFigures figures{samples_, peak_memory_, peak_cpu_, interval, ""};
  std::vector<std::string> notes;
  int calls = samples_ + empty_samples_ + failures_;
  if (failures_ > 0) {
    notes.push_back(std::to_string(failures_) + " of " + std::to_string(calls) +
                    " docker stats calls failed; the last: " + last_failure_);
  }
  if (samples_ == 0 && failures_ < calls)
    notes.emplace_back("docker reported no running container of the run's stacks");
  if (calls == 0) notes.emplace_back("no sample was taken before the run stopped");
  if (samples_ > 0 && !peak_memory_) notes.emplace_back("docker reported no memory figure");
  if (samples_ > 0 && !peak_cpu_) notes.emplace_back("docker reported no CPU figure");
  for (const auto& note : notes) figures.note += (figures.note.empty() ? "" : "; ") + note;
  return figures;
}

ResourceSampler::ResourceSampler(harness::DockerDriver& docker, std::vector<std::string> stacks,
                                 std::chrono::milliseconds interval, std::chrono::milliseconds call_timeout)
    : docker_(docker), stacks_(std::move(stacks)), interval_(interval), call_timeout_(call_timeout) {}

ResourceSampler::~ResourceSampler() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void ResourceSampler::start() {
  std::lock_guard lock(mutex_);
  if (started_ || stop_requested_) return;
  started_ = true;
  thread_ = std::thread([this] { sample_until_stopped(); });
}

void ResourceSampler::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  wake_.notify_all();
}

ResourceFigures ResourceSampler::finish() {
  stop();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  if (!started_) return ResourceFigures{};
  return peaks_.figures(interval_);
}

void ResourceSampler::sample_until_stopped() {
  std::unique_lock lock(mutex_);
  // An interrupted run spawns nothing but its teardown: no sample starts after the signal.
  while (!stop_requested_ && harness::pending_interrupt() == 0) {
    lock.unlock();
    harness::Result<std::vector<harness::ContainerStats>> sample = std::vector<harness::ContainerStats>{};
    try {
      sample = docker_.stack_container_stats(stacks_, call_timeout_);
    } catch (const std::exception& e) {
      sample = harness::make_error(harness::ErrorKind::infra, std::string("docker stats threw: ") + e.what());
    }
    lock.lock();
    if (sample.ok()) {
      peaks_.add_sample(*sample);
    } else {
      peaks_.add_failure(sample.error().message);
    }
    wake_.wait_for(lock, interval_, [this] { return stop_requested_; });
  }
}

MachineObserver sampling_while_deployed(MachineObserver inner, ResourceSampler& sampler) {
  MachineObserver observer = inner;
  observer.tier_started = [inner, &sampler](Tier tier) {
    if (tier == Tier::install) sampler.start();
    if (inner.tier_started) inner.tier_started(tier);
  };
  observer.teardown_started = [inner, &sampler] {
    sampler.stop();
    if (inner.teardown_started) inner.teardown_started();
  };
  return observer;
}

}  // namespace ccci::runner
