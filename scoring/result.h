// riskd's one error model for expected failures: a Result<T> holds either a
// value or an Error (a machine-readable code plus a message for people).
// Exceptions are for startup only; see the top-level README.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace riskd {

struct Error {
  std::string code;     // stable, machine-readable: "malformed", "io_error", …
  std::string message;  // for people; never contains secrets
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace riskd
