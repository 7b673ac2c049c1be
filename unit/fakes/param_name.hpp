#pragma once
/// Readable names for value-parameterized tests, so ctest lists "…/3_recipeyml116healthpath"
/// instead of a byte dump.
#include <cctype>
#include <cstddef>
#include <string>

namespace ccci::fakes {

/// Case `index`: its number and the alphanumerics of the first 40 characters of `text`.
inline std::string param_test_name(std::size_t index, const std::string& text) {
  std::string name = std::to_string(index) + "_";
  for (char c : text.substr(0, 40)) {
    if (std::isalnum(static_cast<unsigned char>(c))) name += c;
  }
  return name;
}

}  // namespace ccci::fakes
