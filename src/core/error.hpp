#pragma once

#include <expected>
#include <map>
#include <string>
#include <vector>

namespace sg {

/// Protocol-neutral category of an expected failure. Exactly one table (http/error_status.cpp)
/// maps these to HTTP statuses; the CLI maps them to exit codes.
enum class ErrorKind {
  kBadRequest,        // malformed input (JSON, parameters, file)
  kValidationFailed,  // well-formed but invalid; `fields` says where
  kUnauthenticated,
  kForbidden,
  kNotFound,
  kConflict,
  kPayloadTooLarge,
  kRateLimited,
  kUnavailable,  // a dependency (database) is down
  kInternal,
};

/// Field name -> list of error codes, e.g. {"amount": ["mustNotBeNegative"]}.
using FieldErrors = std::map<std::string, std::vector<std::string>>;

/// An expected failure. `code` is the stable camelCase key the UI translates; `message` is safe to
/// show a user; `detail` is logged only and never leaves the process.
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;
  std::string message;
  FieldErrors fields;
  std::string detail;

  static Error BadRequest(std::string message, std::string code = "badRequest");
  static Error Validation(FieldErrors fields, std::string message = "The request is invalid.");
  static Error NotFound(std::string message = "Not found.");
  static Error Forbidden(std::string message = "You may not do this.");
  static Error Unauthenticated(std::string message = "Sign in first.",
                               std::string code = "unauthenticated");
  static Error Conflict(std::string message, std::string code = "conflict");
  static Error TooLarge(std::string message = "The request body is too large.");
  static Error Unavailable(std::string detail);
  static Error Internal(std::string detail);
};

template <typename T>
using Result = std::expected<T, Error>;

/// Shorthand for returning an error from a function that returns Result<T>.
inline std::unexpected<Error> Fail(Error error) { return std::unexpected<Error>(std::move(error)); }

}  // namespace sg
