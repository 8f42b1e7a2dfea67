#pragma once

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "sbom/document_builder.hpp"

// simdjson On-Demand plumbing shared by the CycloneDX and SPDX JSON readers. Internal.
namespace sg::sbom::json {

/// A JSON document ready for On-Demand iteration: the bytes copied into a padded buffer (simdjson
/// reads a little past the end), the parser and the document. Neither copyable nor movable: the
/// document points into the parser.
class JsonInput {
 public:
  JsonInput();
  ~JsonInput();
  JsonInput(const JsonInput&) = delete;
  JsonInput& operator=(const JsonInput&) = delete;

  /// Starts iterating `bytes`: where they lie when `readable_past_end` (bytes the caller lets us
  /// read after them) covers simdjson's padding, else in a padded copy. Fails with
  /// "sbomMalformed" when simdjson rejects the text outright (invalid UTF-8, an unclosed
  /// string, …).
  Result<void> Open(std::string_view bytes, std::size_t readable_past_end = 0);

  simdjson::ondemand::document& document() { return document_; }

  /// "line 3, column 14" for a position inside the text (from current_location()).
  std::string DescribePosition(const char* position) const;

  /// The "sbomMalformed" error for a simdjson failure, with the position the document reached.
  Error Malformed(simdjson::error_code code);

  /// The padded buffer and parser a thread keeps between documents: a new parser's buffers and a
  /// new copy of a large document cost more in page faults than the parse itself.
  struct Scratch {
    std::string buffer;
    simdjson::ondemand::parser parser;
    bool in_use = false;
  };

 private:
  Scratch* scratch_;  // the thread's, or own_ when another input holds it
  std::unique_ptr<Scratch> own_;
  std::string_view text_;  // the document inside scratch_->buffer (padding after it)
  simdjson::ondemand::document document_;
};

/// The top-level keys that tell JSON SBOM formats apart, read before the real pass.
struct JsonProbe {
  bool root_is_object = false;
  std::optional<std::string> bom_format;    // CycloneDX "bomFormat", when a string
  std::optional<std::string> spec_version;  // CycloneDX "specVersion", when a string
  std::optional<std::string> spdx_version;  // SPDX 2 "spdxVersion", when a string
  bool has_bom_format = false;
  bool has_spec_version = false;
  bool has_spdx_version = false;
  bool has_context = false;  // "@context": JSON-LD, as SPDX 3 uses
};

/// Looks up the probe keys in the root object, then rewinds the document for the real pass.
Result<JsonProbe> Probe(JsonInput& input);

/// Where the iteration is, as a stack of keys and indexes; spelled out as a JSON pointer
/// (RFC 6901) only when a message needs it. Keys are views into the padded text or simdjson's
/// string buffer, which lives as long as the parse.
class Pointer {
 public:
  // Pushed and popped around every member and element read: the vector only grows, `depth_`
  // says how much of it is the pointer.
  void PushKey(std::string_view key) { Push({key, 0, false}); }
  void PushIndex(std::size_t index) { Push({{}, index, true}); }
  void Pop() { --depth_; }
  /// The pointer ("/components/3/purl"), or "/" at the root.
  std::string Text() const;

 private:
  struct Segment {
    std::string_view key;
    std::size_t index;
    bool is_index;
  };
  void Push(const Segment& segment) {
    if (depth_ == segments_.size()) [[unlikely]] {
      Grow();
    }
    Segment& slot = segments_[depth_++];
    slot = segment;
  }
  void Grow();

  std::vector<Segment> segments_;
  std::size_t depth_ = 0;
};

/// Which fields of an object have been seen (indexed by a field enum's value).
using FieldSet = std::bitset<128>;

/// The first '"' or '\\' at or after `text`, inside a JSON string of the padded buffer: the
/// string's closing quote, unless it holds an escape first. Reads 16 bytes at a time, which the
/// buffer's padding (SIMDJSON_PADDING bytes past the text) keeps in bounds.
inline const char* FindQuoteOrBackslash(const char* text) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (;; text += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text));
    const int hits = _mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)));
    if (hits != 0) return text + __builtin_ctz(static_cast<unsigned>(hits));
  }
#else
  while (*text != '"' && *text != '\\') ++text;
  return text;
#endif
}

/// The typed accessors and iteration helpers both JSON readers build on. Every method returns
/// false to stop the read, the builder then holding the error: a type mismatch is a schema
/// violation (which only stops a strict read), a simdjson failure is fatal ("sbomMalformed").
class Walker {
 public:
  Walker(JsonInput& input, DocumentBuilder& builder) : input_(input), builder_(builder) {}

 protected:
  using Value = simdjson::ondemand::value;

  bool Malformed(simdjson::error_code code) { return builder_.Fail(input_.Malformed(code)); }

  bool Violation(std::string_view rule, std::string_view message) {
    return builder_.Violation(path_.Text(), rule, message);
  }

  bool TypeViolation(std::string_view expected);

  /// Reads a string; `out` stays empty when the value is not one. A string without a backslash
  /// is viewed where it lies in the padded buffer: simdjson's first stage has validated its UTF-8
  /// and refused raw control characters, so the bytes are the value. Only a string with escapes
  /// is unescaped (into simdjson's string buffer). Both views live as long as the parse.
  bool ReadString(Value& json_value, std::optional<std::string_view>& out) {
    // Peeking at the token does not move the iterator: a string left unread is skipped later.
    const char* const token = json_value.raw_json_token().data();
    if (*token == '"') {
      const char* const end = FindQuoteOrBackslash(token + 1);
      if (*end == '"') {
        out = std::string_view(token + 1, static_cast<std::size_t>(end - token - 1));
        return true;
      }
    }
    std::string_view text;
    const simdjson::error_code error = json_value.get_string().get(text);
    if (error == simdjson::INCORRECT_TYPE) return TypeViolation("a string");
    if (error) return Malformed(error);
    out = text;
    return true;
  }

  bool CopyString(Value& json_value, std::string& out) {
    std::optional<std::string_view> text;
    if (!ReadString(json_value, text)) return false;
    if (text) out.assign(*text);
    return true;
  }

  /// Reads a string into the document's arena; `out` is left as it was when the value is not one.
  bool KeepString(Value& json_value, std::string_view& out) {
    std::optional<std::string_view> text;
    if (!ReadString(json_value, text)) return false;
    if (text) out = builder_.Keep(*text);
    return true;
  }

  bool ReadBool(Value& json_value, std::optional<bool>& out) {
    bool flag = false;
    const simdjson::error_code error = json_value.get_bool().get(flag);
    if (error == simdjson::INCORRECT_TYPE) return TypeViolation("true or false");
    if (error) return Malformed(error);
    out = flag;
    return true;
  }

  /// Calls `visit(item, index)` for each element of an array, the pointer on the element.
  /// `is_array`, when given, says whether the value was an array at all.
  template <typename Visit>
  bool ForEachElement(Value& json_value, Visit&& visit, bool* is_array = nullptr) {
    simdjson::ondemand::array array;
    const simdjson::error_code error = json_value.get_array().get(array);
    if (error == simdjson::INCORRECT_TYPE) return TypeViolation("an array");
    if (error) return Malformed(error);
    if (is_array) *is_array = true;
    std::size_t index = 0;
    for (auto element : array) {
      Value item;
      if (const simdjson::error_code item_error = std::move(element).get(item)) {
        return Malformed(item_error);
      }
      path_.PushIndex(index);
      const bool keep_going = visit(item, index);
      path_.Pop();
      if (!keep_going) return false;
      ++index;
    }
    return true;
  }

  /// Calls `visit(key, value)` for each member of an object, the pointer on the member.
  template <typename Visit>
  bool ForEachMember(Value& json_value, Visit&& visit) {
    simdjson::ondemand::object object;
    const simdjson::error_code error = json_value.get_object().get(object);
    if (error == simdjson::INCORRECT_TYPE) return TypeViolation("an object");
    if (error) return Malformed(error);
    return ForEachMemberOf(object, visit);
  }

  template <typename Visit>
  bool ForEachMemberOf(simdjson::ondemand::object& object, Visit&& visit) {
    for (auto field : object) {
      simdjson::ondemand::field member;
      if (const simdjson::error_code field_error = std::move(field).get(member)) {
        return Malformed(field_error);
      }
      std::string_view key;
      if (!ReadKey(member, key)) return false;
      path_.PushKey(key);
      const bool keep_going = visit(key, member.value());
      path_.Pop();
      if (!keep_going) return false;
    }
    return true;
  }

  /// A member's key: viewed in the padded buffer when it has no escape, else unescaped.
  bool ReadKey(simdjson::ondemand::field& member, std::string_view& key) {
    const char* const begin = member.key().raw();
    const char* const end = FindQuoteOrBackslash(begin);
    if (*end == '"') {
      key = std::string_view(begin, static_cast<std::size_t>(end - begin));
      return true;
    }
    if (const simdjson::error_code key_error = member.unescaped_key().get(key)) {
      return Malformed(key_error);
    }
    return true;
  }

  /// Checks, after the read, that the root value was all the text held.
  void CheckNothingTrails();

  JsonInput& input_;
  DocumentBuilder& builder_;
  Pointer path_;
};

}  // namespace sg::sbom::json
