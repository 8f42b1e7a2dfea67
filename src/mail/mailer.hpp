#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "mail/message.hpp"

namespace sg::mail {

/// Sends one message now, or says why it could not.
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual Result<void> Send(const Message& message) = 0;
};

/// How to reach the SMTP server (`serve --smtp-*`, README "E-mail").
struct SmtpSettings {
  /// `smtp://host:587` (STARTTLS when offered; required with `require_tls` or a `username`) or
  /// `smtps://host:465` (TLS from the start). Certificates are always verified.
  std::string url;
  bool require_tls = false;
  std::string username;  // empty: no SMTP AUTH
  std::string password;
  std::string from;  // `address` or `Name <address>`
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{30};  // the whole exchange, connection included
};

/// Refuses settings that cannot work: a URL that is not smtp:// or smtps://, a bad sender.
Result<void> CheckSmtpSettings(const SmtpSettings& settings);

/// A Mailer on libcurl's SMTP client (no hand-written SMTP). One message per connection; each
/// call blocks for at most `timeout`. Thread-safe: every call has its own curl handle.
class CurlMailer final : public Mailer {
 public:
  static Result<std::unique_ptr<CurlMailer>> Create(SmtpSettings settings);
  Result<void> Send(const Message& message) override;

 private:
  CurlMailer(SmtpSettings settings, Sender sender);
  SmtpSettings settings_;
  Sender sender_;
};

}  // namespace sg::mail
