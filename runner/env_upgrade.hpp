#pragma once
/// The head's new configuration for the upgrade tier: what the head's `.env.sample` changes against
/// the base's (diff_env_samples), and what the upgrade did about it (EnvUpgrade, for the reports).
///
/// A key is an uncommented assignment. `#KEY=value` lines are documentation of optional settings in
/// Co-op Cloud recipes — abra copies them into a new app's .env still commented — so they are no
/// keys here either (DECISIONS.md). Both texts are hostile input (a PR author's): they are parsed by
/// harness::parse_env_file, bounded, and a line that is not `KEY=value` with KEY a variable name is
/// refused (ErrorKind::spec naming file:line), so nothing else can reach the app's .env.
#include <string>
#include <vector>

#include "harness/env_file.hpp"
#include "harness/result.hpp"

namespace ccci::runner {

/// A key the head's `.env.sample` adds, with its default there.
struct AddedEnvKey {
  std::string key;
  std::string value;  ///< unquoted and expanded, as the head's sample gives it
};

struct EnvSampleDiff {
  std::vector<AddedEnvKey> added;    ///< in the head's order; SECRET_<NAME>_VERSION keys included
  std::vector<std::string> removed;  ///< keys the base's sample has and the head's does not, sorted
  std::vector<std::string> secrets;  ///< <name> of each SECRET_<NAME>_VERSION the head adds, lower case
};

/// The keys the head adds and removes. A key set twice counts once, with its last value.
EnvSampleDiff diff_env_samples(const harness::EnvFile& base, const harness::EnvFile& head);
/// The same of two texts, parsed first; a text that does not parse is ErrorKind::spec naming
/// "the base's .env.sample:<line>" or "the head's .env.sample:<line>".
harness::Result<EnvSampleDiff> diff_env_samples(const std::string& base_text, const std::string& head_text);

/// The secret a `SECRET_<NAME>_VERSION` key versions ("api_key" for SECRET_API_KEY_VERSION), as abra
/// names it; empty for any other key.
std::string secret_of_version_key(const std::string& key);

/// What the upgrade did to the app's .env before the head's deploy. Names only, never a value.
struct EnvUpgrade {
  bool applied = true;                 ///< false: the spec's upgrade.apply_env is off; nothing was written
  std::vector<std::string> added;      ///< keys the head adds, written with its defaults when applied
  std::vector<std::string> kept;       ///< keys the head adds that the app's .env already had: its value stays
  std::vector<std::string> removed;    ///< keys the head's sample drops: reported, never deleted
  std::vector<std::string> secrets;    ///< secrets the head adds, generated before its deploy when applied
  std::vector<std::string> spec_keys;  ///< keys the spec's upgrade.env set on top
};

}  // namespace ccci::runner
