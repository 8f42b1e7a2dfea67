#include "http/message.hpp"

#include <boost/json.hpp>

#include "core/text.hpp"

namespace sg::http {

std::optional<std::string> Request::Header(const std::string& lower_name) const {
  const auto found = headers.find(lower_name);
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  const auto header = Header("cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    std::string_view pair = text::Trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    if (pair.substr(0, equals) == name) return std::string(pair.substr(equals + 1));
  }
  return std::nullopt;
}

Response Response::Json(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response Response::NoContent() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

unsigned StatusOf(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadRequest:
      return 400;
    case ErrorKind::kValidationFailed:
      return 422;
    case ErrorKind::kUnauthenticated:
      return 401;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kPayloadTooLarge:
      return 413;
    case ErrorKind::kRateLimited:
      return 429;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(const Error& error, std::string_view request_id) {
  namespace json = boost::json;
  json::object fields;
  for (const auto& [field, codes] : error.fields) {
    json::array list;
    for (const auto& code : codes) list.emplace_back(json::string(code));
    fields[field] = std::move(list);
  }
  json::object body{
      {"code", error.code}, {"message", error.message}, {"fields", std::move(fields)}};
  if (error.kind == ErrorKind::kInternal || error.kind == ErrorKind::kUnavailable) {
    body["request_id"] = request_id;
  }
  return Response::Json(StatusOf(error.kind),
                        json::serialize(json::object{{"error", std::move(body)}}));
}

namespace {

std::optional<std::string> Parameter(std::string_view header, std::string_view name) {
  std::size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    ++at;
    std::string_view part = text::Trim(header.substr(at, header.find(';', at) - at));
    const auto equals = part.find('=');
    if (equals == std::string_view::npos) continue;
    if (text::AsciiLower(text::Trim(part.substr(0, equals))) != name) continue;
    std::string_view value = text::Trim(part.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body) {
  if (!text::AsciiLower(content_type).starts_with("multipart/form-data")) {
    return Fail(Error::BadRequest("Send the file as multipart/form-data.", "notMultipart"));
  }
  const auto boundary = Parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) {
    return Fail(Error::BadRequest("The multipart boundary is missing.", "badMultipart"));
  }
  const std::string delimiter = "--" + *boundary;
  std::vector<FormPart> parts;
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) {
    return Fail(Error::BadRequest("The multipart body is malformed.", "badMultipart"));
  }
  while (true) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") break;  // closing delimiter
    if (body.substr(at, 2) != "\r\n") {
      return Fail(Error::BadRequest("The multipart body is malformed.", "badMultipart"));
    }
    at += 2;
    const auto headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) {
      return Fail(Error::BadRequest("The multipart body is malformed.", "badMultipart"));
    }
    FormPart part;
    std::string_view headers = body.substr(at, headers_end - at);
    while (!headers.empty()) {
      const auto line_end = headers.find("\r\n");
      const std::string_view line = headers.substr(0, line_end);
      headers =
          line_end == std::string_view::npos ? std::string_view() : headers.substr(line_end + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string name = text::AsciiLower(text::Trim(line.substr(0, colon)));
      const std::string_view value = text::Trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        part.name = Parameter(value, "name").value_or("");
        part.filename = Parameter(value, "filename");
      } else if (name == "content-type") {
        part.content_type = value;
      }
    }
    const std::size_t content_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) {
      return Fail(Error::BadRequest("The multipart body is malformed.", "badMultipart"));
    }
    part.content = body.substr(content_start, next - content_start);
    parts.push_back(std::move(part));
    at = next + 2;
  }
  return parts;
}

}  // namespace sg::http
