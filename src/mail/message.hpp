#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sg::mail {

/// One plain-text e-mail: UTF-8 subject and body, bare recipient addresses.
struct Message {
  std::vector<std::string> to;  // `user@example.gov.tw`, never a display name
  std::string subject;
  std::string body;  // lines end with "\n" (turned into CRLF when composed)
};

/// Who the platform's e-mails come from: `noreply@example.gov.tw` or
/// `SupplyGuard <noreply@example.gov.tw>` (a non-ASCII display name is RFC 2047-encoded).
struct Sender {
  std::string display_name;
  std::string address;
};

/// Parses `--smtp-from`; refuses anything that is not one plain address (with an optional name).
Result<Sender> ParseSender(std::string_view text);

/// Whether `address` is an ASCII `local@domain` safe to put in a header and an SMTP envelope:
/// no spaces, controls, angle brackets, quotes, commas or other specials that could split a
/// header or add a recipient. (Addresses that need SMTPUTF8 are not supported.)
bool IsPlainAddress(std::string_view address);

/// RFC 4648 base64 without line breaks.
std::string Base64(std::string_view bytes);

/// A header value as RFC 2047 encoded-words (`=?UTF-8?B?…?=`), each at most 75 characters and
/// never splitting a UTF-8 sequence, joined by folding whitespace (CRLF SP). Printable ASCII
/// is returned as it is; controls (CR, LF, …) become spaces first, so no header can be injected.
std::string EncodeHeaderText(std::string_view utf8);

/// RFC 5322 date-time in UTC with English names, e.g. `Sat, 21 Nov 2026 08:00:00 +0000`.
std::string FormatDate(std::chrono::system_clock::time_point time);

/// The domain of the sender's address (the right-hand side of its Message-IDs).
std::string SenderDomain(const Sender& sender);

/// A new globally unique Message-ID `<random@domain>`.
std::string NewMessageId(std::string_view domain);

/// The whole message (headers and base64 body, CRLF line ends) as it goes after SMTP DATA:
/// From, To, Subject, Date, Message-ID, MIME-Version, Content-Type text/plain; charset=UTF-8,
/// Content-Transfer-Encoding base64 and Auto-Submitted auto-generated (RFC 3834).
std::string Compose(const Message& message, const Sender& from, std::string_view message_id,
                    std::chrono::system_clock::time_point date);

}  // namespace sg::mail
