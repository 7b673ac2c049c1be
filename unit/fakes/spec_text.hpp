#pragma once
/// A recipe spec parsed from text in a test, as `recipe.yml`, and the message of the spec error a
/// bad one must give.
#include <gtest/gtest.h>

#include <string>

#include "runner/spec.hpp"

namespace ccci::fakes {

inline harness::Result<runner::RecipeSpec> parse_spec_text(const std::string& yaml) {
  return runner::parse_spec(yaml, "recipe.yml");
}

/// Parses `yaml`, expects a spec error (ErrorKind::spec), returns its message ("" when it parsed).
inline std::string spec_error_of(const std::string& yaml) {
  auto spec = parse_spec_text(yaml);
  EXPECT_FALSE(spec.ok()) << yaml;
  if (spec.ok()) return {};
  EXPECT_EQ(spec.error().kind, harness::ErrorKind::spec);
  return spec.error().message;
}

}  // namespace ccci::fakes
