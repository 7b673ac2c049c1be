#include "harness/result.hpp"

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
