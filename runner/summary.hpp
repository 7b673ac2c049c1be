#pragma once
/// Summary: the run told for people — summary.md (the PR comment) and a compact terminal table.
#include <chrono>
#include <string>

#include "runner/outcome.hpp"

namespace ccci::runner {

/// Markdown: headline with verdict and level, head and base, the stack's peak resources, a table of the five tiers,
/// then each failing or erroring check with its message and (collapsed, truncated) detail, then teardown residue and
/// run-level errors.
std::string render_summary_markdown(const RunReport& report);

/// A tier's or teardown's duration as the summaries show it: always tenths, "4.8s", "0.0s".
std::string format_seconds(std::chrono::milliseconds duration);

/// Plain text for the log: one line per tier, failures indented below, a closing verdict line.
std::string render_terminal_summary(const RunReport& report);

}  // namespace ccci::runner
