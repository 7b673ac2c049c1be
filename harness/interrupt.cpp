#include "harness/interrupt.hpp"

#include <atomic>
#include <cstring>
#include <string>

#include <signal.h>

namespace ccci::harness {
namespace {

std::atomic<int> g_first_signal{0};
std::atomic<int> g_shields{0};  ///< InterruptShields alive
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");

extern "C" void record_interrupt(int signal) {
  // Keep the first signal: it decides the exit code (130 for SIGINT, 143 for SIGTERM).
  int expected = 0;
  g_first_signal.compare_exchange_strong(expected, signal);
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

bool interrupt_stops_children() { return g_first_signal.load() != 0 && g_shields.load() == 0; }

std::string describe_interrupt() {
  int signal = g_first_signal.load();
  const char* abbrev = ::sigabbrev_np(signal);
  return "interrupted by " + (abbrev ? std::string("SIG") + abbrev : std::to_string(signal));
}

InterruptShield::InterruptShield() { g_shields.fetch_add(1); }

InterruptShield::~InterruptShield() { g_shields.fetch_sub(1); }

void request_interrupt_for_tests(int signal) { record_interrupt(signal); }

void reset_interrupt_for_tests() {
  g_first_signal.store(0);
  g_shields.store(0);
}

}  // namespace ccci::harness
