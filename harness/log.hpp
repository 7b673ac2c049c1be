#pragma once
/// Logger: the run's one log stream. Every line passes the Redactor first, so a secret the run
/// generated or read never reaches the terminal or an artifact. Thread-safe.
///
/// Lines go out through a RedactingSink that releases at each newline: this is the live progress
/// stream, so a line is written and flushed the moment it is logged, never held back waiting for
/// the next. The whole line is redacted (component included), and a message spanning several
/// lines is masked like any text, with a multi-line secret's lines masked one by one.
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "harness/redacting_sink.hpp"
#include "harness/redactor.hpp"

namespace ccci::harness {

class Logger {
 public:
  explicit Logger(std::ostream& sink) : out_(sink, redactor_, RedactingSink::Release::at_newline) {}

  Redactor& redactor() { return redactor_; }
  const Redactor& redactor() const { return redactor_; }

  /// "[component] message", redacted, one line.
  void info(std::string_view component, std::string_view message);
  /// A block of text as it is (the plan, the final summary), redacted, through the same stream.
  void write(std::string_view text);

 private:
  std::mutex mutex_;
  Redactor redactor_;
  RedactingSink out_;  // after redactor_, which it reads
};

}  // namespace ccci::harness
