#pragma once

// Internal to the advisory module: helpers shared by its JSON readers. Never throws: simdjson is
// used through its error-code API only (the module is built with SIMDJSON_EXCEPTIONS=0).

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "advisory/osv.hpp"
#include "core/error.hpp"

namespace sg::advisory::detail {

/// Deepest nesting a reader accepts; advisory formats need a handful of levels.
inline constexpr std::size_t kMaxJsonDepth = 128;

/// Collects the schema problems of one document, each at a JSON path.
class Problems {
 public:
  /// Records that `field` is wrong: `code` is stable camelCase, `message` a sentence.
  void Add(std::string field, std::string code, std::string message);
  bool Empty() const { return items_.empty(); }
  const std::vector<Issue>& Items() const { return items_; }
  std::vector<Issue> Take() { return std::move(items_); }

  /// A validation error with `code` whose message reads "<subject> was refused: <first
  /// problems>" and whose `fields` map every path to its codes.
  Error ToError(std::string code, std::string_view subject) const;

 private:
  std::vector<Issue> items_;
};

/// A parser limited to kMaxJsonDepth and `max_bytes`. Allocation failure shows on first parse.
simdjson::dom::parser MakeParser(std::size_t max_bytes);

/// The error for text that is not JSON: code "malformedJson", naming `subject` and the reason.
Error MalformedJson(simdjson::error_code code, std::string_view subject);

/// "parent.key" (or "key" at the root).
std::string FieldPath(std::string_view parent, std::string_view key);
/// "parent[index]".
std::string IndexPath(std::string_view parent, std::size_t index);

/// The JSON type of an element, for messages ("a number", "an object", …).
std::string_view TypeName(simdjson::dom::element value);

/// `value` as compact JSON text.
std::string Minify(simdjson::dom::element value);
std::string Minify(simdjson::dom::object value);

/// `text` as a quoted JSON string.
void AppendJsonString(std::string& out, std::string_view text);

/// The member `key` of `object`; absent when missing or null.
std::optional<simdjson::dom::element> FindMember(simdjson::dom::object object,
                                                 std::string_view key);

/// Reads the string member `key` into `out`. False when absent or null (out untouched) or of
/// another type (a problem "mustBeString" is added).
bool ReadString(simdjson::dom::object object, std::string_view key, std::string_view path,
                Problems& problems, std::string& out);

/// Reads the array-of-strings member `key` into `out`; non-strings are reported and skipped.
bool ReadStringArray(simdjson::dom::object object, std::string_view key, std::string_view path,
                     Problems& problems, std::vector<std::string>& out);

/// The object member `key`; absent when missing or null; a problem when of another type.
std::optional<simdjson::dom::object> ReadObject(simdjson::dom::object object, std::string_view key,
                                                std::string_view path, Problems& problems);

/// The array member `key`; absent when missing or null; a problem when of another type.
std::optional<simdjson::dom::array> ReadArray(simdjson::dom::object object, std::string_view key,
                                              std::string_view path, Problems& problems);

/// Reads the boolean member `key` into `out`; false when absent, null or of another type.
bool ReadBool(simdjson::dom::object object, std::string_view key, std::string_view path,
              Problems& problems, bool& out);

/// Reads the numeric member `key` into `out`; false when absent, null or of another type.
bool ReadNumber(simdjson::dom::object object, std::string_view key, std::string_view path,
                Problems& problems, double& out);

/// `text` without a UTF-8 byte order mark and leading whitespace.
std::string_view SkipBomAndSpace(std::string_view text);

}  // namespace sg::advisory::detail
