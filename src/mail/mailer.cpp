#include "mail/mailer.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace sg::mail {
namespace {

/// curl_global_init is not thread-safe: once per process, before the first handle.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t wanted = size * count;
  const std::size_t left = upload->data.size() - upload->offset;
  const std::size_t given = std::min(wanted, left);
  std::memcpy(buffer, upload->data.data() + upload->offset, given);
  upload->offset += given;
  return given;
}

struct CurlHandle {
  CURL* handle = curl_easy_init();
  ~CurlHandle() {
    if (handle) curl_easy_cleanup(handle);
  }
};

struct CurlList {
  curl_slist* list = nullptr;
  ~CurlList() { curl_slist_free_all(list); }
};

}  // namespace

Result<void> CheckSmtpSettings(const SmtpSettings& settings) {
  if (!settings.url.starts_with("smtp://") && !settings.url.starts_with("smtps://")) {
    return Fail(Error::BadRequest("The SMTP URL must begin with smtp:// or smtps://."));
  }
  if (settings.url.find_first_of(" \t\r\n") != std::string::npos) {
    return Fail(Error::BadRequest("The SMTP URL must not contain spaces."));
  }
  auto sender = ParseSender(settings.from);
  if (!sender) return std::unexpected(sender.error());
  return {};
}

CurlMailer::CurlMailer(SmtpSettings settings, Sender sender)
    : settings_(std::move(settings)), sender_(std::move(sender)) {}

Result<std::unique_ptr<CurlMailer>> CurlMailer::Create(SmtpSettings settings) {
  if (auto checked = CheckSmtpSettings(settings); !checked) return std::unexpected(checked.error());
  auto sender = ParseSender(settings.from);
  if (!sender) return std::unexpected(sender.error());
  InitCurlOnce();
  return std::unique_ptr<CurlMailer>(new CurlMailer(std::move(settings), std::move(*sender)));
}

Result<void> CurlMailer::Send(const Message& message) {
  if (message.to.empty()) return Fail(Error::BadRequest("The message has no recipient."));
  for (const std::string& recipient : message.to) {
    if (!IsPlainAddress(recipient)) {
      return Fail(Error::BadRequest("A recipient address is invalid.", "invalidRecipient"));
    }
  }
  const std::string text = Compose(message, sender_, NewMessageId(SenderDomain(sender_)),
                                   std::chrono::system_clock::now());
  CurlHandle curl;
  if (!curl.handle) return Fail(Error::Internal("curl_easy_init failed"));
  CurlList recipients;
  for (const std::string& recipient : message.to) {
    const std::string bracketed = "<" + recipient + ">";
    curl_slist* grown = curl_slist_append(recipients.list, bracketed.c_str());
    if (!grown) return Fail(Error::Internal("curl_slist_append failed"));
    recipients.list = grown;
  }
  const std::string mail_from = "<" + sender_.address + ">";
  Upload upload{text};
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* handle = curl.handle;
  curl_easy_setopt(handle, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // A password never travels in the clear: with AUTH, STARTTLS is required on smtp://.
  const bool require_tls = settings_.require_tls || !settings_.username.empty();
  curl_easy_setopt(handle, CURLOPT_USE_SSL,
                   static_cast<long>(require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!settings_.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.list);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    long response = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response);
    Error error = Error::Unavailable(fmt::format(
        "smtp: {} (curl {}{}{})", error_buffer[0] ? error_buffer : curl_easy_strerror(code),
        static_cast<int>(code), response ? ", reply " : "",
        response ? std::to_string(response) : std::string()));
    error.code = "mailUnavailable";
    return Fail(std::move(error));
  }
  return {};
}

}  // namespace sg::mail
