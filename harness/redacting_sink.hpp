#pragma once
/// RedactingSink: streams text to an ostream through a Redactor, so a secret is masked even when
/// it arrives split across writes ("abc", then "def…").
///
/// `write` holds back the end of what it was given, at most SecretMatcher::longest_occurrence()
/// - 1 bytes (nothing while no secret is registered), until more data or `flush` shows whether
/// those bytes start a secret. Every occurrence that starts in released text is then complete,
/// so the output is exactly what Redactor::redact of everything written would give (with
/// `Release::at_newline`: as long as no secret spans a newline; see there). Secrets added
/// mid-stream apply to text not yet released. One writer at a time; the stream and redactor must
/// outlive the sink, whose destructor flushes.
#include <ostream>
#include <string>
#include <string_view>

#include "harness/redactor.hpp"

namespace ccci::harness {

class RedactingSink {
 public:
  enum class Release {
    /// Hold back only the window above: for files and evidence, where nothing is waiting.
    on_flush,
    /// Also release everything up to each '\n' at once: for live streams read line by line. A
    /// secret can then be cut only at a newline, and a multi-line secret's lines are masked one by
    /// one (lines under 4 characters excepted).
    at_newline,
  };

  RedactingSink(std::ostream& out, const Redactor& redactor, Release release);
  ~RedactingSink();
  RedactingSink(const RedactingSink&) = delete;
  RedactingSink& operator=(const RedactingSink&) = delete;

  void write(std::string_view text);
  /// Releases everything held back (redacted as if the text ended here) and flushes the stream.
  void flush();

 private:
  /// Writes pending_[0, limit) redacted and keeps the rest.
  void release(size_t limit, const SecretMatcher& matcher);

  std::ostream& out_;
  const Redactor& redactor_;
  Release release_;
  std::string pending_;
  size_t masked_ahead_ = 0;    // bytes at the front of pending_ already covered by the last mask
  bool ends_in_mask_ = false;  // the last bytes released were a mask: a touching span joins it
};

}  // namespace ccci::harness
