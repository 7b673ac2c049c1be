#pragma once
/// Logger: the run's one log stream. Every line passes the Redactor first, so a secret the run
/// generated or read never reaches the terminal or an artifact. Thread-safe.
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "harness/redactor.hpp"

namespace ccci::harness {

class Logger {
 public:
  explicit Logger(std::ostream& sink) : sink_(&sink) {}

  Redactor& redactor() { return redactor_; }
  const Redactor& redactor() const { return redactor_; }

  /// "[component] message", redacted, one line.
  void info(std::string_view component, std::string_view message);

 private:
  std::mutex mutex_;
  std::ostream* sink_;
  Redactor redactor_;
};

}  // namespace ccci::harness
