#include "auth/password_policy.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/text.hpp"

namespace sg::auth {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/// How many of upper case, lower case, digits and symbols (anything else) `password` uses.
int CharacterClassCount(std::string_view password) {
  bool upper = false;
  bool lower = false;
  bool digit = false;
  bool symbol = false;
  for (const char c : password) {
    if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      symbol = true;  // ASCII punctuation and space, and every byte of a non-ASCII character
    }
  }
  return int{upper} + int{lower} + int{digit} + int{symbol};
}

bool ContainsAccountName(std::string_view password, std::string_view account_email) {
  const std::string email = text::AsciiLower(text::Trim(account_email));
  if (email.empty()) return false;
  const std::string lowered = text::AsciiLower(password);
  if (lowered.find(email) != std::string::npos) return true;
  // A local part of one or two characters ("li@…") would refuse far too many passwords.
  const std::string_view local = std::string_view(email).substr(0, email.find('@'));
  return text::CodePointCount(local) >= 3 && lowered.find(local) != std::string::npos;
}

}  // namespace

std::optional<PasswordProfile> ParsePasswordProfile(std::string_view text) {
  if (text == "tw-high") return PasswordProfile::kTwHigh;
  if (text == "asvs") return PasswordProfile::kAsvs;
  return std::nullopt;
}

std::string_view PasswordProfileName(PasswordProfile profile) {
  switch (profile) {
    case PasswordProfile::kTwHigh:
      return "tw-high";
    case PasswordProfile::kAsvs:
      return "asvs";
  }
  return "tw-high";
}

PasswordPolicy PolicyFor(PasswordProfile profile) {
  switch (profile) {
    case PasswordProfile::kTwHigh:
      return PasswordPolicy{.profile = PasswordProfile::kTwHigh,
                            .min_length = 12,
                            .max_length = 128,
                            .requires_character_classes = 3,
                            .max_age = std::chrono::days{90},
                            .history_depth = 3,
                            .mfa_required = true};
    case PasswordProfile::kAsvs:
      return PasswordPolicy{.profile = PasswordProfile::kAsvs,
                            .min_length = 12,
                            .max_length = 128,
                            .requires_character_classes = 0,
                            .max_age = std::nullopt,
                            .history_depth = 0,
                            .mfa_required = false};
  }
  return PolicyFor(PasswordProfile::kTwHigh);
}

Result<std::size_t> BreachedPasswords::LoadFile(const std::filesystem::path& path) {
  const auto unreadable = [&path](std::string_view reason) {
    return Fail(Error::BadRequest(
        fmt::format("Cannot read the password list {}: {}.", path.string(), reason),
        "passwordListUnreadable"));
  };
  std::error_code status_error;
  if (std::filesystem::is_directory(path, status_error)) return unreadable("it is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) return unreadable(std::strerror(errno));
  const std::string content{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) return unreadable(std::strerror(errno));
  std::string_view rest = content;
  if (rest.starts_with(kUtf8Bom)) rest.remove_prefix(kUtf8Bom.size());
  std::vector<std::string> passwords;
  std::size_t line_number = 0;
  while (!rest.empty()) {
    ++line_number;
    const std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.starts_with('#')) continue;
    if (!text::IsValidUtf8(line)) {
      return Fail(Error::BadRequest(
          fmt::format("The password list {} is not UTF-8 (line {}).", path.string(), line_number),
          "passwordListInvalid"));
    }
    passwords.emplace_back(line);
  }
  const std::size_t count = passwords.size();
  Merge(std::move(passwords));
  return count;
}

std::size_t BreachedPasswords::AddBuiltIn() {
  // Every line is a password: the generated list has no comments ("#name?" is an entry).
  std::vector<std::string> passwords;
  std::string_view rest = BuiltInBreachedPasswords();
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    if (end != 0) passwords.emplace_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  }
  const std::size_t count = passwords.size();
  Merge(std::move(passwords));
  return count;
}

void BreachedPasswords::Add(std::string_view password) { Merge({std::string(password)}); }

bool BreachedPasswords::Contains(std::string_view password) const {
  return std::binary_search(entries_.begin(), entries_.end(), text::AsciiLower(password));
}

void BreachedPasswords::Merge(std::vector<std::string> more) {
  for (std::string& password : more) password = text::AsciiLower(password);
  std::sort(more.begin(), more.end());
  const auto old_size = static_cast<std::ptrdiff_t>(entries_.size());
  entries_.insert(entries_.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  std::inplace_merge(entries_.begin(), entries_.begin() + old_size, entries_.end());
  entries_.erase(std::unique(entries_.begin(), entries_.end()), entries_.end());
}

std::vector<std::string> CheckPassword(const PasswordPolicy& policy, std::string_view password,
                                       std::string_view account_email,
                                       const BreachedPasswords& breached) {
  std::vector<std::string> codes;
  const std::size_t length = text::CodePointCount(password);
  if (length < policy.min_length) codes.emplace_back("tooShort");
  if (length > policy.max_length) codes.emplace_back("tooLong");
  if (policy.requires_character_classes > 0 &&
      CharacterClassCount(password) < policy.requires_character_classes) {
    codes.emplace_back("needsCharacterClasses");
  }
  if (ContainsAccountName(password, account_email)) codes.emplace_back("containsAccountName");
  if (breached.Contains(password)) codes.emplace_back("breached");
  return codes;
}

}  // namespace sg::auth
