#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "mail/message.hpp"

namespace sg::service {

/// Checks `--public-url`, the platform's external address that e-mailed links use (never the
/// request's Host header, which a client chooses): `http(s)://host[:port][/path]` without query,
/// fragment or spaces. Returns it without a trailing slash.
Result<std::string> NormalisePublicUrl(std::string_view url);

/// What a set-password link e-mail is for.
enum class LinkMail {
  kInvitation,  // a new account (POST /users, `user invite`)
  kNewLink,     // an administrator's new link for an existing account
  kReset,       // the user's own request (POST /password-reset)
};

/// The e-mail carrying a set-password link to `email`: zh-TW first, then English.
mail::Message LinkMessage(LinkMail kind, std::string_view email, std::string_view link,
                          std::chrono::system_clock::time_point expires);

}  // namespace sg::service
