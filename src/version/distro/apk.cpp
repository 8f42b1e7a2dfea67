// Alpine versions as apk-tools 3 orders and validates them (src/version.c):
// digits{.digits}{letter}{_suffix{digits}}...{~hash}{-r digits}.
#include <string_view>

#include "version/distro/common.hpp"
#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

constexpr std::string_view kEcosystem = "Alpine";

// The order matters: a token may only be followed by tokens that come after it (digits after
// digits, suffixes after suffixes), and when one version ends earlier, the token kinds decide.
enum class Token {
  kInitialDigit,
  kDigit,
  kLetter,
  kSuffix,
  kSuffixNumber,
  kCommitHash,
  kRevision,
  kEnd,
  kInvalid,
};

// Pre-release suffixes sort before kNone (no suffix), the others after it.
enum class Suffix { kInvalid, kAlpha, kBeta, kPre, kRc, kNone, kCvs, kSvn, kGit, kHg, kP };

struct TokenState {
  Token token = Token::kInitialDigit;
  Suffix suffix = Suffix::kNone;
  std::string_view value;
};

Suffix SuffixOf(std::string_view name) {
  if (name == "alpha") return Suffix::kAlpha;
  if (name == "beta") return Suffix::kBeta;
  if (name == "pre") return Suffix::kPre;
  if (name == "rc") return Suffix::kRc;
  if (name == "cvs") return Suffix::kCvs;
  if (name == "svn") return Suffix::kSvn;
  if (name == "git") return Suffix::kGit;
  if (name == "hg") return Suffix::kHg;
  if (name == "p") return Suffix::kP;
  return Suffix::kInvalid;
}

bool IsLowerHex(char c) { return IsAsciiDigit(c) || (c >= 'a' && c <= 'f'); }

// Takes the run of bytes satisfying `accept` from the front of `rest`.
template <typename Predicate>
std::string_view TakeWhile(std::string_view& rest, Predicate accept) {
  std::size_t length = 0;
  while (length < rest.size() && accept(rest[length])) ++length;
  const std::string_view taken = rest.substr(0, length);
  rest.remove_prefix(length);
  return taken;
}

void ParseDigits(TokenState& state, std::string_view& rest) {
  state.value = TakeWhile(rest, IsAsciiDigit);
  if (state.value.empty()) state.token = Token::kInvalid;
}

void FirstToken(TokenState& state, std::string_view& rest) {
  state.token = Token::kInitialDigit;
  ParseDigits(state, rest);
}

// token_next(): the kind of the next token comes from its first byte and must be allowed
// after the current token.
void NextToken(TokenState& state, std::string_view& rest) {
  if (rest.empty()) {
    state.token = Token::kEnd;
    return;
  }
  const char c = rest.front();
  if (IsAsciiLower(c)) {
    if (state.token > Token::kDigit) {
      state.token = Token::kInvalid;
      return;
    }
    state.value = rest.substr(0, 1);
    state.token = Token::kLetter;
    rest.remove_prefix(1);
  } else if (c == '.' || IsAsciiDigit(c)) {
    if (c == '.') {
      if (state.token > Token::kDigit) {
        state.token = Token::kInvalid;
        return;
      }
      rest.remove_prefix(1);
    }
    if (state.token == Token::kInitialDigit || state.token == Token::kDigit) {
      state.token = Token::kDigit;
    } else if (state.token == Token::kSuffix) {
      state.token = Token::kSuffixNumber;
    } else {
      state.token = Token::kInvalid;
      return;
    }
    ParseDigits(state, rest);
  } else if (c == '_') {
    if (state.token > Token::kSuffixNumber) {
      state.token = Token::kInvalid;
      return;
    }
    rest.remove_prefix(1);
    state.value = TakeWhile(rest, IsAsciiLower);
    state.suffix = SuffixOf(state.value);
    state.token = state.suffix == Suffix::kInvalid ? Token::kInvalid : Token::kSuffix;
  } else if (c == '~') {
    if (state.token >= Token::kCommitHash) {
      state.token = Token::kInvalid;
      return;
    }
    rest.remove_prefix(1);
    state.value = TakeWhile(rest, IsLowerHex);
    state.token = state.value.empty() ? Token::kInvalid : Token::kCommitHash;
  } else if (c == '-') {
    if (state.token >= Token::kRevision || rest.size() < 2 || rest[1] != 'r') {
      state.token = Token::kInvalid;
      return;
    }
    rest.remove_prefix(2);
    state.token = Token::kRevision;
    ParseDigits(state, rest);
  } else {
    state.token = Token::kInvalid;
  }
}

// apk_blob_sort(): bytewise, then the shorter first.
int BlobSort(std::string_view a, std::string_view b) { return Sign(a.compare(b)); }

int CompareTokens(const TokenState& a, const TokenState& b) {
  switch (a.token) {
    case Token::kDigit:
      // Like Gentoo: a component with a leading zero compares as a string (1.01 < 1.1).
      if (a.value.front() == '0' || b.value.front() == '0') return BlobSort(a.value, b.value);
      return CompareDigitRuns(a.value, b.value);
    case Token::kInitialDigit:
    case Token::kSuffixNumber:
    case Token::kRevision:
      return CompareDigitRuns(a.value, b.value);
    case Token::kLetter:
      return Sign(a.value.front() - b.value.front());
    case Token::kSuffix:
      return Sign(static_cast<int>(a.suffix) - static_cast<int>(b.suffix));
    default:
      return BlobSort(a.value, b.value);
  }
}

Result<void> ValidateApk(std::string_view text) {
  std::string_view rest = text;
  TokenState state;
  for (FirstToken(state, rest); state.token < Token::kEnd; NextToken(state, rest)) {
  }
  if (state.token == Token::kEnd) return {};
  if (text.empty()) return Fail(InvalidVersion(kEcosystem, text, "it is empty"));
  return Fail(InvalidVersion(
      kEcosystem, text,
      "it does not have the form digits{.digits}{letter}{_suffix{digits}}{~hash}{-rN}"));
}

}  // namespace

Result<int> CompareApk(std::string_view a, std::string_view b) {
  if (Result<void> valid = ValidateApk(a); !valid) return Fail(std::move(valid.error()));
  if (Result<void> valid = ValidateApk(b); !valid) return Fail(std::move(valid.error()));
  TokenState ta;
  TokenState tb;
  std::string_view rest_a = a;
  std::string_view rest_b = b;
  FirstToken(ta, rest_a);
  FirstToken(tb, rest_b);
  while (ta.token == tb.token && ta.token < Token::kEnd) {
    if (const int compared = CompareTokens(ta, tb); compared != 0) return compared;
    NextToken(ta, rest_a);
    NextToken(tb, rest_b);
  }
  if (ta.token == tb.token) return 0;
  // Equal so far and one goes on: the longer is newer, unless it goes on with a pre-release
  // suffix; otherwise the kind of the next token decides (a later kind is the older version).
  if (ta.token == Token::kSuffix && ta.suffix < Suffix::kNone) return -1;
  if (tb.token == Token::kSuffix && tb.suffix < Suffix::kNone) return 1;
  if (ta.token > tb.token) return -1;
  if (tb.token > ta.token) return 1;
  return 0;
}

}  // namespace sg::version::distro
