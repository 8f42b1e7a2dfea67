#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace sg::http {

/// Spare capacity the server leaves after a request body whose length it knows: readers that
/// read a little past the end (simdjson, for SBOM uploads) can then parse the body in place.
inline constexpr std::size_t kRequestBodySlack = 64;

/// A request as handlers see it: no Beast types, so handlers compile fast and test easily.
struct Request {
  std::string method;
  std::string path;                            // decoded path, without the query
  std::map<std::string, std::string> query;    // decoded; the last value of a repeated name wins
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;  // capacity() - size() is at least kRequestBodySlack when it had a length
  std::string remote_ip;
  std::string request_id;
  bool secure = false;  // TLS to this server, or HTTPS to a trusted reverse proxy

  std::optional<std::string> Header(const std::string& lower_name) const;
  std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(unsigned status, std::string body);
  static Response NoContent();
};

using Handler = std::function<Response(Request&)>;

/// The one table from error kinds to HTTP statuses.
unsigned StatusOf(ErrorKind kind);

/// {"error":{"code","message","fields"}} with the error's status; internal errors carry only
/// the request id, never their detail.
Response ErrorResponse(const Error& error, std::string_view request_id);

/// One part of a multipart/form-data body.
struct FormPart {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;
  std::string content;
};

/// Parses multipart/form-data given the request's Content-Type header value.
Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body);

}  // namespace sg::http
