#include "runner/outcome.hpp"

namespace ccci::runner {

std::string_view to_string(Tier tier) {
  switch (tier) {
    case Tier::install: return "install";
    case Tier::upgrade: return "upgrade";
    case Tier::backup: return "backup";
    case Tier::restore: return "restore";
    case Tier::custom: return "custom";
  }
  return "unknown";
}

std::optional<Tier> tier_from_string(std::string_view name) {
  for (Tier tier : all_tiers) {
    if (to_string(tier) == name) return tier;
  }
  return std::nullopt;
}

std::string_view to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::pass: return "pass";
    case CheckStatus::fail: return "fail";
    case CheckStatus::error: return "error";
    case CheckStatus::skip: return "skip";
  }
  return "unknown";
}

std::string_view to_string(CheckSource source) {
  switch (source) {
    case CheckSource::generic: return "generic";
    case CheckSource::overlay: return "overlay";
    case CheckSource::repo_local: return "repo_local";
  }
  return "unknown";
}

std::string_view to_string(TierStatus status) {
  switch (status) {
    case TierStatus::pass: return "pass";
    case TierStatus::fail: return "fail";
    case TierStatus::error: return "error";
    case TierStatus::skipped: return "skipped";
    case TierStatus::not_applicable: return "n/a";
  }
  return "unknown";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::green: return "green";
    case Verdict::red: return "red";
    case Verdict::error: return "error";
    case Verdict::interrupted: return "interrupted";
  }
  return "unknown";
}

}  // namespace ccci::runner
