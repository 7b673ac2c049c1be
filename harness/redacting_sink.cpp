#include "harness/redacting_sink.hpp"

#include <algorithm>

namespace ccci::harness {

RedactingSink::RedactingSink(std::ostream& out, const Redactor& redactor, Release release)
    : out_(out), redactor_(redactor), release_(release) {}

RedactingSink::~RedactingSink() { flush(); }

void RedactingSink::write(std::string_view text) {
  pending_ += text;
  // One snapshot for the window and the search: a secret added meanwhile waits for the next write.
  auto matcher = redactor_.matcher();
  size_t window = matcher->longest_occurrence();
  // An occurrence starting before `limit` ends within pending_, so it is found whole now.
  size_t limit = window == 0 ? pending_.size() : pending_.size() - std::min(pending_.size(), window - 1);
  if (release_ == Release::at_newline) {
    if (size_t newline = pending_.rfind('\n'); newline != std::string::npos) limit = std::max(limit, newline + 1);
  }
  release(limit, *matcher);
}

void RedactingSink::flush() {
  release(pending_.size(), *redactor_.matcher());
  out_.flush();
}

void RedactingSink::release(size_t limit, const SecretMatcher& matcher) {
  if (limit == 0) return;
  std::vector<TextSpan> spans = matcher.find(pending_, limit);
  // The tail of the last mask released is a span of its own, joined with whatever it touches.
  if (masked_ahead_ > 0) {
    TextSpan carried{0, masked_ahead_};
    auto joined = spans.begin();
    for (; joined != spans.end() && joined->begin <= carried.end; ++joined)
      carried.end = std::max(carried.end, joined->end);
    spans.erase(spans.begin(), joined);
    spans.insert(spans.begin(), carried);
  }
  std::string out;
  size_t copied = 0;
  for (const auto& span : spans) {
    out.append(pending_, copied, span.begin - copied);
    if (!(span.begin == 0 && ends_in_mask_)) out += Redactor::mask;
    copied = std::max(copied, std::min(span.end, limit));
  }
  if (copied < limit) out.append(pending_, copied, limit - copied);
  size_t span_end = spans.empty() ? 0 : spans.back().end;
  masked_ahead_ = span_end > limit ? span_end - limit : 0;
  ends_in_mask_ = !spans.empty() && span_end >= limit;
  pending_.erase(0, limit);
  out_ << out;
}

}  // namespace ccci::harness
