#include "core/error.hpp"

namespace sg {

Error Error::BadRequest(std::string message, std::string code) {
  return {ErrorKind::kBadRequest, std::move(code), std::move(message), {}, {}};
}

Error Error::Validation(FieldErrors fields, std::string message) {
  return {
      ErrorKind::kValidationFailed, "validationFailed", std::move(message), std::move(fields), {}};
}

Error Error::NotFound(std::string message) {
  return {ErrorKind::kNotFound, "notFound", std::move(message), {}, {}};
}

Error Error::Forbidden(std::string message) {
  return {ErrorKind::kForbidden, "forbidden", std::move(message), {}, {}};
}

Error Error::Unauthenticated(std::string message, std::string code) {
  return {ErrorKind::kUnauthenticated, std::move(code), std::move(message), {}, {}};
}

Error Error::Conflict(std::string message, std::string code) {
  return {ErrorKind::kConflict, std::move(code), std::move(message), {}, {}};
}

Error Error::TooLarge(std::string message) {
  return {ErrorKind::kPayloadTooLarge, "payloadTooLarge", std::move(message), {}, {}};
}

Error Error::Unavailable(std::string detail) {
  return {ErrorKind::kUnavailable,
          "unavailable",
          "The service is temporarily unavailable.",
          {},
          std::move(detail)};
}

Error Error::Internal(std::string detail) {
  return {ErrorKind::kInternal, "internal", "An internal error occurred.", {}, std::move(detail)};
}

}  // namespace sg
