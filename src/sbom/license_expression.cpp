#include "sbom/license_expression.hpp"

#include <fmt/format.h>

#include <optional>

#include "sbom/spdx_license_list.hpp"

namespace sg::sbom {
namespace {

/// Parentheses deeper than this are refused rather than recursed into.
constexpr int kMaxNesting = 32;

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

/// A recursive-descent parser over the expression's tokens:
///   or  := and ("OR" and)*        and := with ("AND" with)*
///   with := atom ("WITH" exception)?      atom := "(" or ")" | licence
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view text) : text_(text) {}

  LicenseExpressionCheck Run() {
    Next();
    ParseOr(0);
    if (check_.syntax_error.empty() && token_kind_ != TokenKind::kEnd) {
      Error(fmt::format("unexpected \"{}\"", token_));
    }
    return std::move(check_);
  }

 private:
  enum class TokenKind { kEnd, kOpen, kClose, kWord, kInvalid };

  void Error(std::string message) {
    if (check_.syntax_error.empty()) check_.syntax_error = std::move(message);
  }

  void Next() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                        text_[position_] == '\n' || text_[position_] == '\r')) {
      ++position_;
    }
    if (position_ == text_.size()) {
      token_kind_ = TokenKind::kEnd;
      token_ = {};
      return;
    }
    const char c = text_[position_];
    if (c == '(' || c == ')') {
      token_kind_ = c == '(' ? TokenKind::kOpen : TokenKind::kClose;
      token_ = text_.substr(position_++, 1);
      return;
    }
    const std::size_t start = position_;
    while (position_ < text_.size() &&
           (IsIdChar(text_[position_]) || text_[position_] == ':' || text_[position_] == '+')) {
      ++position_;
    }
    if (position_ == start) {
      token_kind_ = TokenKind::kInvalid;
      token_ = text_.substr(position_, 1);
      return;
    }
    token_kind_ = TokenKind::kWord;
    token_ = text_.substr(start, position_ - start);
  }

  bool IsOperator(std::string_view upper, std::string_view lower) const {
    return token_kind_ == TokenKind::kWord && (token_ == upper || token_ == lower);
  }

  void ParseOr(int depth) {
    ParseAnd(depth);
    while (check_.syntax_error.empty() && IsOperator("OR", "or")) {
      Next();
      ParseAnd(depth);
    }
  }

  void ParseAnd(int depth) {
    ParseWith(depth);
    while (check_.syntax_error.empty() && IsOperator("AND", "and")) {
      Next();
      ParseWith(depth);
    }
  }

  void ParseWith(int depth) {
    ParseAtom(depth);
    if (check_.syntax_error.empty() && IsOperator("WITH", "with")) {
      Next();
      if (token_kind_ != TokenKind::kWord) return Error("WITH must be followed by an exception");
      if (!FindExceptionId(token_) && !token_.starts_with("AdditionRef-")) {
        check_.unknown.emplace_back(token_);
      }
      Next();
    }
  }

  void ParseAtom(int depth) {
    if (token_kind_ == TokenKind::kOpen) {
      if (depth >= kMaxNesting) return Error("parentheses nest too deeply");
      Next();
      ParseOr(depth + 1);
      if (!check_.syntax_error.empty()) return;
      if (token_kind_ != TokenKind::kClose) return Error("a parenthesis is not closed");
      Next();
      return;
    }
    if (token_kind_ != TokenKind::kWord || IsOperator("AND", "and") || IsOperator("OR", "or") ||
        IsOperator("WITH", "with")) {
      if (token_kind_ == TokenKind::kEnd) return Error("the expression ends too early");
      return Error(fmt::format("expected a licence identifier, found \"{}\"", token_));
    }
    CheckLicense(token_);
    Next();
  }

  void CheckLicense(std::string_view word) {
    if (word.starts_with("LicenseRef-") || word.starts_with("DocumentRef-")) {
      const std::size_t colon = word.find(':');
      const bool well_formed = word.starts_with("LicenseRef-")
                                   ? colon == std::string_view::npos
                                   : colon != std::string_view::npos &&
                                         word.substr(colon + 1).starts_with("LicenseRef-") &&
                                         word.find(':', colon + 1) == std::string_view::npos;
      if (!well_formed) Error(fmt::format("\"{}\" is not a well-formed licence reference", word));
      return;
    }
    if (word.find(':') != std::string_view::npos) {
      return Error(fmt::format("\"{}\" is not a licence identifier", word));
    }
    std::string_view id = word;
    if (id.ends_with('+')) id.remove_suffix(1);
    if (id.find('+') != std::string_view::npos || id.empty()) {
      return Error(fmt::format("\"{}\" is not a licence identifier", word));
    }
    std::optional<std::string_view> listed = FindLicenseId(word);  // "GPL-2.0+" is listed
    if (!listed) listed = FindLicenseId(id);
    if (!listed) {
      check_.unknown.emplace_back(word);
    } else if (IsDeprecatedLicenseId(*listed)) {
      check_.deprecated.emplace_back(word);
    }
  }

  std::string_view text_;
  std::size_t position_ = 0;
  TokenKind token_kind_ = TokenKind::kEnd;
  std::string_view token_;
  LicenseExpressionCheck check_;
};

}  // namespace

LicenseExpressionCheck CheckLicenseExpression(std::string_view expression) {
  std::string_view trimmed = expression;
  while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
  if (trimmed == "NONE" || trimmed == "NOASSERTION") return {};
  if (trimmed.empty()) return {"the expression is empty", {}, {}};
  return ExpressionParser(trimmed).Run();
}

bool IsDeprecatedLicenseId(std::string_view listed_id) {
  if (listed_id.find("-with-") != std::string_view::npos && listed_id.ends_with("-exception")) {
    return true;
  }
  if (listed_id.ends_with('+')) {
    std::string newer(listed_id.substr(0, listed_id.size() - 1));
    newer += "-or-later";
    return FindLicenseId(newer).has_value();
  }
  const std::string base(listed_id);
  return FindLicenseId(base + "-only").has_value() || FindLicenseId(base + "-or-later").has_value();
}

}  // namespace sg::sbom
