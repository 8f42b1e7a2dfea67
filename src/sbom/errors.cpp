#include "sbom/errors.hpp"

#include <fmt/format.h>

namespace sg::sbom {
namespace {

std::string Megabytes(std::size_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

}  // namespace

Error SbomTooLarge(std::size_t size, std::size_t limit) {
  return {ErrorKind::kPayloadTooLarge,
          "sbomTooLarge",
          fmt::format("The SBOM is {} ({} bytes); the limit is {}. Split it per system or remove "
                      "sections the platform does not use (e.g. embedded licence texts).",
                      Megabytes(size), size, Megabytes(limit)),
          {},
          {}};
}

Error SbomUnsupportedFormat(std::string reason) {
  return Error::BadRequest(std::move(reason), "sbomUnsupportedFormat");
}

Error SbomContentTypeMismatch(std::string_view content_type, std::string_view detected) {
  return Error::BadRequest(
      fmt::format("The upload is labelled {} but its content is {}. Send it with the matching "
                  "Content-Type, or without one to let the platform detect the format.",
                  content_type, detected),
      "sbomContentTypeMismatch");
}

Error SbomUnsupportedVersion(std::string message) {
  return Error::BadRequest(std::move(message), "sbomUnsupportedVersion");
}

Error SbomMalformed(std::string message, std::string detail) {
  Error error = Error::BadRequest(std::move(message), "sbomMalformed");
  error.detail = std::move(detail);
  return error;
}

Error XmlDtdForbidden(std::string message) {
  return Error::BadRequest(std::move(message), "xmlDtdForbidden");
}

Error SbomTooDeep(std::string location, std::size_t limit) {
  return Error::BadRequest(
      fmt::format("The SBOM nests components (or services) more than {} levels deep at {}; "
                  "flatten the hierarchy.",
                  limit, location),
      "sbomTooDeep");
}

Error SbomInvalid(std::string location, std::string rule, std::string message) {
  Error error{ErrorKind::kValidationFailed, "sbomInvalid", std::move(message), {}, {}};
  error.fields[std::move(location)].push_back(std::move(rule));
  return error;
}

}  // namespace sg::sbom
