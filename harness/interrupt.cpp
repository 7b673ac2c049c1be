#include "harness/interrupt.hpp"

#include <atomic>

#include <signal.h>

namespace ccci::harness {
namespace {

constexpr int kNoShield = -1;

std::atomic<int> g_first_signal{0};
std::atomic<int> g_signal_count{0};
std::atomic<int> g_shielded_count{kNoShield};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");

extern "C" void record_interrupt(int signal) {
  // Keep the first signal: it decides the exit code (130 for SIGINT, 143 for SIGTERM).
  int expected = 0;
  g_first_signal.compare_exchange_strong(expected, signal);
  g_signal_count.fetch_add(1);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = record_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

int pending_interrupt() { return g_first_signal.load(); }

bool interrupt_stops_children() {
  if (g_first_signal.load() == 0) return false;
  int shielded = g_shielded_count.load();
  return shielded == kNoShield || g_signal_count.load() > shielded;
}

InterruptShield::InterruptShield() : previous_(g_shielded_count.load()) {
  g_shielded_count.store(g_signal_count.load());
}

InterruptShield::~InterruptShield() { g_shielded_count.store(previous_); }

void request_interrupt_for_tests(int signal) { record_interrupt(signal); }

void reset_interrupt_for_tests() {
  g_first_signal.store(0);
  g_signal_count.store(0);
  g_shielded_count.store(kNoShield);
}

}  // namespace ccci::harness
