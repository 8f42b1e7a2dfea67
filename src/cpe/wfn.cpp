#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "cpe/cpe.hpp"
#include "cpe/value_tokens.hpp"

namespace sg::cpe {
namespace detail {

std::expected<std::vector<ValueToken>, std::string> TokenizeValue(std::string_view quoted) {
  using Unexpected = std::unexpected<std::string>;
  if (quoted.empty()) return Unexpected("it is empty");
  if (quoted.size() > kMaxCpeLength) {
    return Unexpected(fmt::format("it is longer than {} bytes", kMaxCpeLength));
  }
  std::vector<ValueToken> tokens;
  tokens.reserve(quoted.size());
  for (std::size_t index = 0; index < quoted.size(); ++index) {
    const char character = quoted[index];
    if (character == '\\') {
      if (index + 1 == quoted.size()) return Unexpected("it ends with a lone '\\'");
      const char escaped = quoted[++index];
      if (!IsPrintableAscii(escaped)) {
        return Unexpected("a '\\' is followed by a space or a character outside printable ASCII");
      }
      // A needless '\' before a letter, digit or '_' is dropped.
      tokens.push_back({escaped, !IsPlainCharacter(escaped)});
    } else if (IsPlainCharacter(character) || character == '*' || character == '?') {
      tokens.push_back({character, false});
    } else if (IsPrintableAscii(character)) {
      return Unexpected(fmt::format("'{}' must be quoted as '\\{}'", character, character));
    } else {
      return Unexpected("it holds a space or a character outside printable ASCII");
    }
  }
  // [one '*' or a run of '?'] body [one '*' or a run of '?'], wildcards nowhere else.
  const std::size_t size = tokens.size();
  std::size_t body_start = 0;
  if (tokens[0].IsWildcard() && tokens[0].character == '*') {
    body_start = 1;
  } else {
    while (body_start < size && tokens[body_start].IsWildcard() &&
           tokens[body_start].character == '?') {
      ++body_start;
    }
  }
  std::size_t body_end = size;
  if (body_end > body_start && tokens[body_end - 1].IsWildcard() &&
      tokens[body_end - 1].character == '*') {
    --body_end;
  } else {
    while (body_end > body_start && tokens[body_end - 1].IsWildcard() &&
           tokens[body_end - 1].character == '?') {
      --body_end;
    }
  }
  for (std::size_t index = body_start; index < body_end; ++index) {
    if (tokens[index].IsWildcard()) {
      return Unexpected(
          fmt::format("the wildcard '{}' is inside the value; an unquoted '*' or '?' may only "
                      "begin or end it",
                      tokens[index].character));
    }
  }
  if (body_start == body_end && body_start > 0 && body_end < size) {
    return Unexpected("it is only wildcards of two kinds or two groups");
  }
  return tokens;
}

std::string JoinTokens(const std::vector<ValueToken>& tokens) {
  std::string joined;
  joined.reserve(tokens.size() * 2);
  for (const ValueToken& token : tokens) {
    if (token.quoted) joined += '\\';
    joined += token.character;
  }
  return joined;
}

}  // namespace detail

namespace {

constexpr std::array<std::string_view, kAttributeCount> kAttributeNames = {
    "part",     "vendor",     "product",   "version",   "update", "edition",
    "language", "sw_edition", "target_sw", "target_hw", "other"};

constexpr std::array<AttributeValue Wfn::*, kAttributeCount> kMembers = {
    &Wfn::part,     &Wfn::vendor,     &Wfn::product,   &Wfn::version,   &Wfn::update, &Wfn::edition,
    &Wfn::language, &Wfn::sw_edition, &Wfn::target_sw, &Wfn::target_hw, &Wfn::other};

}  // namespace

std::string_view AttributeName(Attribute attribute) {
  return kAttributeNames[static_cast<std::size_t>(attribute)];
}

AttributeValue AttributeValue::Na() {
  AttributeValue value;
  value.kind_ = Kind::kNa;
  return value;
}

Result<AttributeValue> AttributeValue::FromWfnString(std::string_view quoted) {
  auto tokens = detail::TokenizeValue(quoted);
  if (!tokens) {
    const std::string_view shown = quoted.substr(0, 120);
    const bool printable = std::ranges::all_of(shown, detail::IsPrintableAscii);
    return Fail(Error::BadRequest(fmt::format("WFN value '{}' is invalid: {}",
                                              printable ? shown : "(unprintable)", tokens.error()),
                                  "invalidCpe"));
  }
  AttributeValue value;
  // A lone '*' denotes every value, which the formatted-string binding can only write as ANY.
  if (tokens->size() == 1 && (*tokens)[0].IsWildcard() && (*tokens)[0].character == '*') {
    return value;
  }
  value.kind_ = Kind::kValue;
  value.value_ = detail::JoinTokens(*tokens);
  value.has_wildcards_ = std::ranges::any_of(*tokens, &detail::ValueToken::IsWildcard);
  return value;
}

std::string AttributeValue::Unquoted() const {
  std::string unquoted;
  const auto tokens = detail::TokenizeValue(value_);
  if (!IsValue() || !tokens) return unquoted;
  for (const detail::ValueToken& token : *tokens) unquoted += token.character;
  return unquoted;
}

const AttributeValue& Wfn::Get(Attribute attribute) const {
  return this->*kMembers[static_cast<std::size_t>(attribute)];
}

AttributeValue& Wfn::Get(Attribute attribute) {
  return this->*kMembers[static_cast<std::size_t>(attribute)];
}

}  // namespace sg::cpe
