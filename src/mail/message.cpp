#include "mail/message.hpp"

#include <fmt/format.h>

#include <array>
#include <random>

#include "core/text.hpp"

namespace sg::mail {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// An encoded-word is at most 75 characters: `=?UTF-8?B?` and `?=` take 12, which leaves 63 for
// base64, so 60 (a multiple of 4), which carry 45 bytes.
constexpr std::size_t kBytesPerEncodedWord = 45;
// Base64 body lines: at most 76 characters (RFC 2045 §6.8).
constexpr std::size_t kBodyLineBytes = 57;

bool IsPrintableAscii(std::string_view text) {
  for (const unsigned char character : text) {
    if (character < 0x20 || character > 0x7e) return false;
  }
  return true;
}

/// The length of the UTF-8 sequence that begins with `lead` (1 for a stray byte).
std::size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc2) return 2;
  return 1;
}

std::string DomainOf(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string("localhost")
                                      : std::string(address.substr(at + 1));
}

}  // namespace

bool IsPlainAddress(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  const auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  constexpr std::string_view kSpecials = "()<>[]:;,\\\"";
  for (const unsigned char character : address) {
    if (character <= 0x20 || character >= 0x7f) return false;
    if (kSpecials.find(static_cast<char>(character)) != std::string_view::npos) return false;
  }
  const std::string_view domain = address.substr(at + 1);
  return !domain.starts_with('.') && !domain.ends_with('.') &&
         domain.find("..") == std::string_view::npos;
}

Result<Sender> ParseSender(std::string_view text) {
  const std::string_view trimmed = text::Trim(text);
  Sender sender;
  const auto open = trimmed.rfind('<');
  if (open == std::string_view::npos) {
    sender.address = std::string(trimmed);
  } else {
    if (!trimmed.ends_with('>')) {
      return Fail(Error::BadRequest("The sender must be `address` or `Name <address>`."));
    }
    sender.address = std::string(trimmed.substr(open + 1, trimmed.size() - open - 2));
    std::string_view name = text::Trim(trimmed.substr(0, open));
    if (name.size() >= 2 && name.starts_with('"') && name.ends_with('"')) {
      name = name.substr(1, name.size() - 2);
    }
    for (const unsigned char character : name) {
      if (character < 0x20 || character == 0x7f || character == '"' || character == '\\') {
        return Fail(Error::BadRequest("The sender's name has characters that are not allowed."));
      }
    }
    sender.display_name = std::string(name);
  }
  if (!IsPlainAddress(sender.address)) {
    return Fail(
        Error::BadRequest(fmt::format("The sender address {} is invalid.", sender.address)));
  }
  return sender;
}

std::string Base64(std::string_view bytes) {
  std::string encoded;
  encoded.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t at = 0;
  for (; at + 3 <= bytes.size(); at += 3) {
    const std::uint32_t group = (static_cast<unsigned char>(bytes[at]) << 16) |
                                (static_cast<unsigned char>(bytes[at + 1]) << 8) |
                                static_cast<unsigned char>(bytes[at + 2]);
    encoded += kBase64Alphabet[(group >> 18) & 63];
    encoded += kBase64Alphabet[(group >> 12) & 63];
    encoded += kBase64Alphabet[(group >> 6) & 63];
    encoded += kBase64Alphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - at;
  if (rest > 0) {
    std::uint32_t group = static_cast<unsigned char>(bytes[at]) << 16;
    if (rest == 2) group |= static_cast<unsigned char>(bytes[at + 1]) << 8;
    encoded += kBase64Alphabet[(group >> 18) & 63];
    encoded += kBase64Alphabet[(group >> 12) & 63];
    encoded += rest == 2 ? kBase64Alphabet[(group >> 6) & 63] : '=';
    encoded += '=';
  }
  return encoded;
}

std::string EncodeHeaderText(std::string_view utf8) {
  std::string clean(utf8);
  for (char& character : clean) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f) character = ' ';
  }
  // Plain ASCII stays readable, unless it looks like an encoded-word itself.
  if (IsPrintableAscii(clean) && clean.find("=?") == std::string::npos) return clean;
  std::string encoded;
  std::size_t at = 0;
  while (at < clean.size()) {
    std::size_t end = at;
    while (end < clean.size()) {
      const std::size_t length =
          std::min(SequenceLength(static_cast<unsigned char>(clean[end])), clean.size() - end);
      if (end + length - at > kBytesPerEncodedWord) break;
      end += length;
    }
    if (!encoded.empty()) encoded += "\r\n ";
    encoded += "=?UTF-8?B?" + Base64(std::string_view(clean).substr(at, end - at)) + "?=";
    at = end;
  }
  return encoded;
}

std::string FormatDate(std::chrono::system_clock::time_point time) {
  static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                            "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto days = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day date(days);
  const std::chrono::hh_mm_ss clock(seconds - days);
  const std::chrono::weekday weekday(days);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[weekday.c_encoding()],
                     static_cast<unsigned>(date.day()),
                     kMonths[static_cast<unsigned>(date.month()) - 1],
                     static_cast<int>(date.year()), clock.hours().count(), clock.minutes().count(),
                     clock.seconds().count());
}

std::string NewMessageId(std::string_view domain) {
  std::random_device random;
  std::string id;
  for (int part = 0; part < 4; ++part) id += fmt::format("{:08x}", random());
  return fmt::format("<{}@{}>", id, domain);
}

std::string Compose(const Message& message, const Sender& from, std::string_view message_id,
                    std::chrono::system_clock::time_point date) {
  std::string out;
  if (from.display_name.empty()) {
    out += "From: " + from.address + "\r\n";
  } else if (IsPrintableAscii(from.display_name)) {
    out += fmt::format("From: \"{}\" <{}>\r\n", from.display_name, from.address);
  } else {
    out += fmt::format("From: {} <{}>\r\n", EncodeHeaderText(from.display_name), from.address);
  }
  out += "To: ";
  for (std::size_t index = 0; index < message.to.size(); ++index) {
    if (index > 0) out += ",\r\n ";
    out += message.to[index];
  }
  out += "\r\n";
  out += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  out += "Date: " + FormatDate(date) + "\r\n";
  out += "Message-ID: " + std::string(message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  std::string body;
  body.reserve(message.body.size() + message.body.size() / 40);
  for (std::size_t at = 0; at < message.body.size(); ++at) {
    const char character = message.body[at];
    if (character == '\r') continue;
    if (character == '\n') {
      body += "\r\n";
    } else {
      body += character;
    }
  }
  for (std::size_t at = 0; at < body.size(); at += kBodyLineBytes) {
    out += Base64(std::string_view(body).substr(at, kBodyLineBytes)) + "\r\n";
  }
  return out;
}

std::string SenderDomain(const Sender& sender) { return DomainOf(sender.address); }

}  // namespace sg::mail
