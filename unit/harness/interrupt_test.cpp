#include "harness/interrupt.hpp"

#include <signal.h>

#include <gtest/gtest.h>

namespace ccci::harness {
namespace {

/// Each test starts without an interrupt and with the process's own SIGINT/SIGTERM handling,
/// which it gets back afterwards: installed handlers would outlive the test otherwise.
class Interrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    ::sigaction(SIGINT, nullptr, &saved_int_);
    ::sigaction(SIGTERM, nullptr, &saved_term_);
    reset_interrupt_for_tests();
  }
  void TearDown() override {
    ::sigaction(SIGINT, &saved_int_, nullptr);
    ::sigaction(SIGTERM, &saved_term_, nullptr);
    reset_interrupt_for_tests();
  }

  struct sigaction saved_int_ {};
  struct sigaction saved_term_ {};
};

TEST_F(Interrupt, WithoutASignalNothingIsPendingAndNothingStops) {
  EXPECT_EQ(pending_interrupt(), 0);
  EXPECT_FALSE(interrupt_stops_children());
}

TEST_F(Interrupt, InstalledHandlersTurnSigintAndSigtermIntoTheFlag) {
  install_interrupt_handlers();
  for (int signal : {SIGINT, SIGTERM}) {
    struct sigaction installed {};
    ::sigaction(signal, nullptr, &installed);
    EXPECT_NE(installed.sa_handler, SIG_DFL) << signal;
    EXPECT_NE(installed.sa_handler, SIG_IGN) << signal;
    EXPECT_TRUE(installed.sa_flags & SA_RESTART) << "other syscalls carry on after a signal";
  }
  // Without the handler this would end the test process.
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_EQ(pending_interrupt(), SIGTERM);
  EXPECT_TRUE(interrupt_stops_children());
}

TEST_F(Interrupt, TheFirstSignalDecidesAndStaysPending) {
  install_interrupt_handlers();
  ASSERT_EQ(::raise(SIGINT), 0);
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_EQ(pending_interrupt(), SIGINT) << "SIGINT came first: exit 130, not 143";
  EXPECT_EQ(pending_interrupt(), SIGINT) << "reading the flag does not clear it";
}

TEST_F(Interrupt, AShieldCoversTheInterruptsThatCameBeforeIt) {
  request_interrupt_for_tests(SIGINT);
  {
    InterruptShield teardown;
    EXPECT_FALSE(interrupt_stops_children()) << "teardown may still spawn docker and abra";
    EXPECT_EQ(pending_interrupt(), SIGINT) << "the shield hides nothing from the exit code";
  }
  EXPECT_TRUE(interrupt_stops_children()) << "without the shield the interrupt stops children again";
}

TEST_F(Interrupt, AFurtherSignalDoesNotBreakThroughTheShield) {
  // Issue 12: a second Ctrl-C during teardown must not abandon it halfway, stack left behind.
  request_interrupt_for_tests(SIGTERM);
  InterruptShield teardown;
  request_interrupt_for_tests(SIGINT);
  EXPECT_FALSE(interrupt_stops_children());
  EXPECT_EQ(pending_interrupt(), SIGTERM) << "the first signal still decides the exit code";
}

TEST_F(Interrupt, AShieldAlsoCoversASignalThatArrivesUnderIt) {
  {
    InterruptShield teardown;
    EXPECT_FALSE(interrupt_stops_children());
    request_interrupt_for_tests(SIGTERM);
    EXPECT_FALSE(interrupt_stops_children());
  }
  EXPECT_TRUE(interrupt_stops_children()) << "without the shield the interrupt stops children";
}

TEST_F(Interrupt, NestedShieldsCoverUntilTheOutermostEnds) {
  request_interrupt_for_tests(SIGINT);
  {
    InterruptShield outer;
    request_interrupt_for_tests(SIGINT);
    {
      InterruptShield inner;
      EXPECT_FALSE(interrupt_stops_children());
    }
    EXPECT_FALSE(interrupt_stops_children()) << "the outer shield still stands";
  }
  EXPECT_TRUE(interrupt_stops_children());
}

}  // namespace
}  // namespace ccci::harness
