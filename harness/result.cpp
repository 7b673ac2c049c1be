#include "harness/result.hpp"

#include <cstdio>
#include <cstdlib>

namespace ccci::harness {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::spec: return "spec";
    case ErrorKind::check_failed: return "check_failed";
    case ErrorKind::infra: return "infra";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::interrupted: return "interrupted";
  }
  return "unknown";
}

}  // namespace ccci::harness

namespace ccci::harness::detail {

// stdio, not iostreams: this may run during static destruction or with std::cerr in any state.
void value_of_error(const Error& error) {
  std::fprintf(stderr, "ccci: fatal: value() of a Result holding an error (%.*s): %s\n",
               static_cast<int>(to_string(error.kind).size()), to_string(error.kind).data(), error.message.c_str());
  std::fflush(stderr);
  std::abort();
}

void error_of_value() {
  std::fputs("ccci: fatal: error() of a Result holding a value\n", stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace ccci::harness::detail
