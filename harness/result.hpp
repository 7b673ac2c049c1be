#pragma once
/// Result<T>: a value or a typed Error. Errors are values with a kind the caller can branch on;
/// a JUnit failure vs error vs skipped is decided from the kind, never by parsing a message.
/// Exceptions stop at third-party adapters; only main() has a catch-all. Asking an error for its
/// value (or a value for its error) is a programming error: the process prints what it held and
/// aborts, it never throws.
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace ccci::harness {

/// Who is to blame when something went wrong. Maps onto verdicts and exit codes.
enum class ErrorKind {
  usage,         ///< bad flags or environment from the caller (exit 2)
  spec,          ///< the recipe spec or a recipe file is malformed (exit 2)
  check_failed,  ///< the recipe misbehaved: a check's expectation did not hold (exit 1)
  infra,         ///< docker, abra, network or the host misbehaved (exit 3)
  timeout,       ///< an operation ran out of time (infrastructure unless a check says otherwise)
  not_found,     ///< a named thing (ref, file, service, image) does not exist
  interrupted,   ///< SIGINT/SIGTERM arrived (exit 130/143)
};

std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::infra;
  std::string message;
};

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

namespace detail {
/// Result::value() of an error: prints "value() of a Result holding an error (<kind>): <message>"
/// to stderr and aborts.
[[noreturn]] void value_of_error(const Error& error);
/// Result::error() of a value: prints that and aborts.
[[noreturn]] void error_of_value();
}  // namespace detail

template <class T>
class [[nodiscard]] Result {
 public:
  /// A default Result holds a default value (so Status{} is success).
  Result() requires std::is_default_constructible_v<T> : state_(T{}) {}
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return *checked_value(); }
  const T& value() const& { return *checked_value(); }
  T&& value() && { return std::move(*checked_value()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    const Error* error = std::get_if<1>(&state_);
    if (!error) detail::error_of_value();
    return *error;
  }

 private:
  T* checked_value() {
    if (Error* error = std::get_if<1>(&state_)) detail::value_of_error(*error);
    return std::get_if<0>(&state_);
  }
  const T* checked_value() const {
    if (const Error* error = std::get_if<1>(&state_)) detail::value_of_error(*error);
    return std::get_if<0>(&state_);
  }

  std::variant<T, Error> state_;
};

/// Result of an operation with no value.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace ccci::harness

/// Propagate an error from an expression yielding Result<...>: CCCI_TRY(auto x, f());
#define CCCI_CONCAT_INNER(a, b) a##b
#define CCCI_CONCAT(a, b) CCCI_CONCAT_INNER(a, b)
#define CCCI_TRY(decl, expr) CCCI_TRY_IMPL(CCCI_CONCAT(ccci_try_, __LINE__), decl, expr)
// `tmp` and `decl` name and declare variables, which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define CCCI_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                   \
  if (!tmp.ok()) return tmp.error();   \
  decl = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
#define CCCI_TRY_STATUS(expr)                            \
  do {                                                   \
    auto ccci_status_ = (expr);                          \
    if (!ccci_status_.ok()) return ccci_status_.error(); \
  } while (0)
