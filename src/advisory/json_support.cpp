#include "advisory/json_support.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sg::advisory::detail {
namespace {

// How many problems an error message spells out; `fields` and `detail` carry all of them.
constexpr std::size_t kProblemsInMessage = 3;

}  // namespace

void Problems::Add(std::string field, std::string code, std::string message) {
  items_.push_back(Issue{std::move(field), std::move(code), std::move(message)});
}

Error Problems::ToError(std::string code, std::string_view subject) const {
  Error error;
  error.kind = ErrorKind::kValidationFailed;
  error.code = std::move(code);
  std::string listed;
  for (std::size_t index = 0; index < items_.size() && index < kProblemsInMessage; ++index) {
    if (!listed.empty()) listed += "; ";
    listed += items_[index].field.empty() ? items_[index].message
                                          : items_[index].field + ": " + items_[index].message;
  }
  if (items_.size() > kProblemsInMessage) {
    listed += fmt::format(" (and {} more)", items_.size() - kProblemsInMessage);
  }
  error.message = fmt::format("{} was refused: {}", subject, listed);
  for (const Issue& issue : items_) {
    std::vector<std::string>& codes = error.fields[issue.field.empty() ? "(record)" : issue.field];
    if (std::find(codes.begin(), codes.end(), issue.code) == codes.end()) {
      codes.push_back(issue.code);
    }
    error.detail += issue.field + ": " + issue.message + "\n";
  }
  return error;
}

simdjson::dom::parser MakeParser(std::size_t max_bytes) {
  simdjson::dom::parser parser(max_bytes);
  // Sets the depth limit; a failed allocation is retried by the first parse, which reports it.
  if (parser.allocate(std::min<std::size_t>(max_bytes, 64u << 10), kMaxJsonDepth) !=
      simdjson::SUCCESS) {
    return parser;
  }
  return parser;
}

Error MalformedJson(simdjson::error_code code, std::string_view subject) {
  std::string_view why;
  switch (code) {
    case simdjson::CAPACITY:
      return Error{ErrorKind::kPayloadTooLarge,
                   "fileTooLarge",
                   fmt::format("{} is larger than this reader accepts.", subject),
                   {},
                   std::string(simdjson::error_message(code))};
    case simdjson::DEPTH_ERROR:
      why = "it is nested too deeply";
      break;
    case simdjson::UTF8_ERROR:
      why = "it is not valid UTF-8";
      break;
    case simdjson::EMPTY:
      why = "it is empty";
      break;
    case simdjson::UNCLOSED_STRING:
      why = "a string is not closed";
      break;
    case simdjson::NUMBER_ERROR:
      why = "a number is malformed or out of range";
      break;
    case simdjson::MEMALLOC:
      return Error::Internal("simdjson could not allocate memory");
    default:
      why = "its syntax is broken";
      break;
  }
  return Error{ErrorKind::kBadRequest,
               "malformedJson",
               fmt::format("{} is not valid JSON: {}.", subject, why),
               {},
               std::string(simdjson::error_message(code))};
}

std::string FieldPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path;
  path.reserve(parent.size() + 1 + key.size());
  path.append(parent).append(".").append(key);
  return path;
}

std::string IndexPath(std::string_view parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

std::string_view TypeName(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      return "a number";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::BOOL:
      return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

std::string Minify(simdjson::dom::element value) { return simdjson::minify(value); }

std::string Minify(simdjson::dom::object value) { return simdjson::minify(value); }

void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char raw : text) {
    const auto character = static_cast<unsigned char>(raw);
    switch (character) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (character < 0x20) {
          out += fmt::format("\\u{:04x}", character);
        } else {
          out.push_back(raw);
        }
    }
  }
  out.push_back('"');
}

std::optional<simdjson::dom::element> FindMember(simdjson::dom::object object,
                                                 std::string_view key) {
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  if (value.is_null()) return std::nullopt;
  return value;
}

bool ReadString(simdjson::dom::object object, std::string_view key, std::string_view path,
                Problems& problems, std::string& out) {
  const std::optional<simdjson::dom::element> value = FindMember(object, key);
  if (!value) return false;
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) {
    problems.Add(FieldPath(path, key), "mustBeString",
                 fmt::format("must be a string, not {}", TypeName(*value)));
    return false;
  }
  out.assign(text);
  return true;
}

bool ReadStringArray(simdjson::dom::object object, std::string_view key, std::string_view path,
                     Problems& problems, std::vector<std::string>& out) {
  const std::optional<simdjson::dom::array> items = ReadArray(object, key, path, problems);
  if (!items) return false;
  const std::string field = FieldPath(path, key);
  std::size_t index = 0;
  for (simdjson::dom::element item : *items) {
    std::string_view text;
    if (item.get_string().get(text) == simdjson::SUCCESS) {
      out.emplace_back(text);
    } else {
      problems.Add(IndexPath(field, index), "mustBeString",
                   fmt::format("must be a string, not {}", TypeName(item)));
    }
    ++index;
  }
  return true;
}

std::optional<simdjson::dom::object> ReadObject(simdjson::dom::object object, std::string_view key,
                                                std::string_view path, Problems& problems) {
  const std::optional<simdjson::dom::element> value = FindMember(object, key);
  if (!value) return std::nullopt;
  simdjson::dom::object result;
  if (value->get_object().get(result) != simdjson::SUCCESS) {
    problems.Add(FieldPath(path, key), "mustBeObject",
                 fmt::format("must be an object, not {}", TypeName(*value)));
    return std::nullopt;
  }
  return result;
}

std::optional<simdjson::dom::array> ReadArray(simdjson::dom::object object, std::string_view key,
                                              std::string_view path, Problems& problems) {
  const std::optional<simdjson::dom::element> value = FindMember(object, key);
  if (!value) return std::nullopt;
  simdjson::dom::array result;
  if (value->get_array().get(result) != simdjson::SUCCESS) {
    problems.Add(FieldPath(path, key), "mustBeArray",
                 fmt::format("must be an array, not {}", TypeName(*value)));
    return std::nullopt;
  }
  return result;
}

bool ReadBool(simdjson::dom::object object, std::string_view key, std::string_view path,
              Problems& problems, bool& out) {
  const std::optional<simdjson::dom::element> value = FindMember(object, key);
  if (!value) return false;
  if (value->get_bool().get(out) != simdjson::SUCCESS) {
    problems.Add(FieldPath(path, key), "mustBeBoolean",
                 fmt::format("must be true or false, not {}", TypeName(*value)));
    return false;
  }
  return true;
}

bool ReadNumber(simdjson::dom::object object, std::string_view key, std::string_view path,
                Problems& problems, double& out) {
  const std::optional<simdjson::dom::element> value = FindMember(object, key);
  if (!value) return false;
  if (value->get_double().get(out) != simdjson::SUCCESS) {
    problems.Add(FieldPath(path, key), "mustBeNumber",
                 fmt::format("must be a number, not {}", TypeName(*value)));
    return false;
  }
  return true;
}

std::string_view SkipBomAndSpace(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  return text;
}

}  // namespace sg::advisory::detail
