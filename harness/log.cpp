#include "harness/log.hpp"

namespace ccci::harness {

void Logger::info(std::string_view component, std::string_view message) {
  std::string line = "[" + std::string(component) + "] " + redactor_.redact(message) + "\n";
  std::lock_guard lock(mutex_);
  *sink_ << line << std::flush;
}

}  // namespace ccci::harness
