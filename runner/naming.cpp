#include "runner/naming.hpp"

#include <cctype>
#include <random>

namespace ccci::runner {
namespace {

std::string short_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    if (out.size() == 4) break;
  }
  return out;
}

}  // namespace

std::string make_run_nonce() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string nonce;
  for (int i = 0; i < 6; ++i) nonce += "0123456789abcdef"[digit(device)];
  return nonce;
}

std::string app_domain(const std::string& recipe, const std::string& nonce, const std::string& suffix) {
  return short_name(recipe) + "-" + nonce + "." + suffix;
}

std::string dependency_domain(const std::string& dep, const std::string& parent, const std::string& nonce,
                              const std::string& suffix) {
  return short_name(dep) + "-" + nonce + "-" + short_name(parent) + "." + suffix;
}

std::string run_id(const std::string& recipe, std::optional<int> pr, const std::string& nonce) {
  return recipe + (pr ? "-pr" + std::to_string(*pr) : "") + "-" + nonce;
}

}  // namespace ccci::runner
