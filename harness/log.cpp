#include "harness/log.hpp"

namespace ccci::harness {

void Logger::info(std::string_view component, std::string_view message) {
  std::string line = "[" + std::string(component) + "] " + std::string(message) + "\n";
  std::lock_guard lock(mutex_);
  out_.write(line);
  out_.flush();  // the line ends in '\n', so nothing is held back: this only flushes the stream
}

void Logger::write(std::string_view text) {
  std::lock_guard lock(mutex_);
  out_.write(text);
  out_.flush();
}

}  // namespace ccci::harness
