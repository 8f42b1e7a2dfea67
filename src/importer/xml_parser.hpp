#pragma once

#include <optional>
#include <string_view>

#include "core/error.hpp"

namespace sg::importer {

/// The attributes of one element, as expat passes them (name/value pairs, null-terminated).
class XmlAttributes {
 public:
  explicit XmlAttributes(const char** pairs) : pairs_(pairs) {}

  /// The value of the attribute whose local name (any "prefix:" dropped) is `local_name`.
  std::optional<std::string_view> Find(std::string_view local_name) const;

 private:
  const char** pairs_;
};

/// Receives the events of one XML part. Element names are local names: "x:row" arrives as "row",
/// so prefixed and unprefixed SpreadsheetML read alike. Text may arrive in several pieces.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void StartElement(std::string_view name, const XmlAttributes& attributes) = 0;
  virtual void EndElement(std::string_view name) = 0;
  virtual void CharacterData(std::string_view text) = 0;

  /// True once the handler has stopped the parse; TakeFailure() then returns the reason.
  bool Stopped() const { return failure_.has_value(); }
  Error TakeFailure() { return std::move(*failure_); }

 protected:
  /// Stops the parse; ParseXml returns `error`.
  void Stop(Error error) {
    if (!failure_) failure_ = std::move(error);
  }

 private:
  std::optional<Error> failure_;
};

/// Parses `xml`, the workbook part `part_name`, with expat. A document type declaration is refused
/// outright: no part of a workbook needs one, and it is how entity-expansion ("billion laughs")
/// and external-entity attacks begin. Malformed XML or a refused DOCTYPE is "notASpreadsheet".
Result<void> ParseXml(std::string_view xml, std::string_view part_name, XmlHandler& handler);

}  // namespace sg::importer
