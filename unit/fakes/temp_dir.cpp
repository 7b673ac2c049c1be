#include "unit/fakes/temp_dir.hpp"

#include <stdlib.h>
#include <fstream>
#include <stdexcept>

namespace ccci::fakes {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ccci-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& relative, const std::string& text) const {
  auto full = path_ / relative;
  std::filesystem::create_directories(full.parent_path());
  std::ofstream(full, std::ios::binary) << text;
  return full;
}

}  // namespace ccci::fakes
