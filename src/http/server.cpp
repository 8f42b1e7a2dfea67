#include "http/server.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>

#include "auth/crypto.hpp"

namespace sg::http {
namespace {

double Seconds(std::chrono::steady_clock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::string_view kHsts = "max-age=31536000; includeSubDomains";

// Mozilla's "intermediate" TLS 1.2 list: forward-secret AEAD suites only. TLS 1.3 suites are all
// AEAD and keep OpenSSL's defaults.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTlsGroups = "X25519:P-256:P-384";

/// The address `text` names, IPv4-mapped IPv6 turned into IPv4; nullopt when it is none.
std::optional<asio::ip::address> ParseAddress(std::string_view text) {
  beast::error_code error;
  const auto address = asio::ip::make_address(text, error);
  if (error) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::string_view TrimSpace(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// The last element of a comma-separated header value, trimmed.
std::string_view LastListElement(std::string_view value) {
  const auto comma = value.rfind(',');
  return TrimSpace(comma == std::string_view::npos ? value : value.substr(comma + 1));
}

bool PrefixMatches(const std::array<std::uint8_t, 16>& network,
                   const std::array<std::uint8_t, 16>& address, unsigned prefix_length) {
  const unsigned whole_bytes = prefix_length / 8;
  for (unsigned index = 0; index < whole_bytes; ++index) {
    if (network[index] != address[index]) return false;
  }
  const unsigned rest_bits = prefix_length % 8;
  if (rest_bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest_bits));
  return (network[whole_bytes] & mask) == (address[whole_bytes] & mask);
}

std::array<std::uint8_t, 16> BytesOf(const asio::ip::address& address) {
  std::array<std::uint8_t, 16> bytes{};
  if (address.is_v4()) {
    const auto v4 = address.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), bytes.begin());
  } else {
    const auto v6 = address.to_v6().to_bytes();
    std::copy(v6.begin(), v6.end(), bytes.begin());
  }
  return bytes;
}

/// The connections that are between requests (or in their TLS handshake), so shutdown can close
/// them; a connection inside a request finishes it first.
class IdleConnections {
 public:
  void Add(beast::tcp_stream* stream) {
    std::lock_guard lock(mutex_);
    idle_.insert(stream);
  }
  void Remove(beast::tcp_stream* stream) {
    std::lock_guard lock(mutex_);
    idle_.erase(stream);
  }
  void CloseAll() {
    std::lock_guard lock(mutex_);
    for (beast::tcp_stream* stream : idle_) {
      // Each connection lives on an I/O context run by a single thread, so this cannot race with
      // its coroutine; by the time it runs the connection may have ended, hence the second look.
      asio::post(stream->get_executor(), [this, stream] {
        std::lock_guard lock(mutex_);
        if (!idle_.contains(stream)) return;
        beast::error_code ignored;
        stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream->socket().close(ignored);
      });
    }
  }

 private:
  std::mutex mutex_;
  std::set<beast::tcp_stream*> idle_;
};

struct ServerState {
  const ServerConfig& config;
  Handler handler;
  asio::thread_pool& workers;
  IdleConnections idle;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> pending{0};  // requests waiting for or holding a worker
  ssl::context* tls = nullptr;          // set: the listener speaks only TLS
  TrustedProxies proxies;
};

/// 503 for a request the server will not run now; the client may retry after a second.
Response Overloaded(const std::string& request_id) {
  Error error = Error::Unavailable("admission control");
  error.code = "overloaded";
  error.message = "The server is busy. Try again in a moment.";
  Response response = ErrorResponse(error, request_id);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

/// All values of a header that may be repeated, joined as one comma-separated list.
std::optional<std::string> JoinedField(const bhttp::request<bhttp::string_body>& message,
                                       std::string_view name) {
  std::optional<std::string> joined;
  for (auto [field, end] = message.equal_range(name); field != end; ++field) {
    if (joined) {
      joined->push_back(',');
    } else {
      joined.emplace();
    }
    joined->append(field->value());
  }
  return joined;
}

/// The request handlers see; the body is moved out of `message`.
Request ToRequest(bhttp::request<bhttp::string_body>& message, const ServerState& state,
                  const std::string& peer_ip) {
  Request request;
  request.method = std::string(message.method_string());
  const auto forwarded_for = JoinedField(message, "X-Forwarded-For");
  const auto forwarded_proto = JoinedField(message, "X-Forwarded-Proto");
  ClientOrigin origin = ResolveClientOrigin(state.proxies, peer_ip, state.tls != nullptr,
                                            forwarded_for, forwarded_proto);
  request.remote_ip = std::move(origin.ip);
  request.secure = origin.secure;
  request.request_id = auth::RandomToken(12);
  const std::string_view target = message.target();
  auto parsed = boost::urls::parse_origin_form(target);
  if (parsed) {
    request.path = parsed->path();
    for (const auto& param : parsed->params()) request.query[param.key] = param.value;
  } else {
    request.path = std::string(target.substr(0, target.find('?')));
  }
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& character : name) character = static_cast<char>(std::tolower(character));
    request.headers[name] = std::string(field.value());
  }
  request.body = std::move(message.body());  // keeps the slack reserved while reading
  return request;
}

/// A string as a JSON string literal (quotes and escapes included), for the JSON log lines.
std::string LogString(std::string_view text) {
  return boost::json::serialize(boost::json::value(boost::json::string(text)));
}

/// The current time as an HTTP date (IMF-fixdate, RFC 9110 §5.6.7).
std::string HttpDate() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[40];
  const std::size_t length =
      std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(buffer, length);
}

void AddCommonHeaders(bhttp::response<bhttp::string_body>& response, const std::string& request_id,
                      bool tls) {
  response.set(bhttp::field::server, "SupplyGuard");
  response.set(bhttp::field::date, HttpDate());
  response.set("X-Request-Id", request_id);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
  response.set("Content-Security-Policy",
               "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
  if (tls) response.set(bhttp::field::strict_transport_security, kHsts);
}

bhttp::response<bhttp::string_body> ToMessage(Response&& response, unsigned version,
                                              bool keep_alive, const std::string& request_id,
                                              bool tls) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), version};
  AddCommonHeaders(message, request_id, tls);
  if (!response.content_type.empty()) {
    message.set(bhttp::field::content_type, response.content_type);
  }
  bool has_cache_control = false;
  for (auto& [name, value] : response.headers) {
    if (beast::iequals(name, "cache-control")) has_cache_control = true;
    message.insert(name, value);
  }
  if (!has_cache_control) message.set(bhttp::field::cache_control, "no-store");
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  return message;
}

template <typename Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

template <typename Stream>
awaitable<void> WriteError(Stream& stream, unsigned status, std::string code,
                           std::string message_text) {
  Error error;
  error.kind = status == 413 ? ErrorKind::kPayloadTooLarge : ErrorKind::kBadRequest;
  error.code = std::move(code);
  error.message = std::move(message_text);
  const std::string request_id = auth::RandomToken(12);
  auto message = ToMessage(ErrorResponse(error, request_id), 11, false, request_id, kIsTls<Stream>);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await bhttp::async_write(stream, message, asio::as_tuple(use_awaitable));
}

/// Whether a read failed because the client sent something that is not HTTP/1.1 (worth a 400),
/// rather than because the connection ended, timed out or broke (TLS included).
bool IsMalformedRequest(const beast::error_code& error) {
  return error.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
         error != bhttp::error::end_of_stream;
}

/// Reads and answers requests on one connection until it closes, fails or the server stops.
template <typename Stream>
awaitable<void> ServeRequests(Stream& stream, ServerState& state, const std::string& peer_ip) {
  beast::tcp_stream& transport = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  bool first = true;
  while (!state.stopping) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(state.config.header_limit));
    parser.body_limit(state.config.body_limit);
    transport.expires_after(first ? state.config.read_timeout : state.config.idle_timeout);
    first = false;
    auto [read_error, bytes] =
        co_await bhttp::async_read_header(stream, buffer, parser, asio::as_tuple(use_awaitable));
    if (!read_error && !parser.is_done()) {
      std::size_t limit = state.config.body_limit;
      if (state.config.body_limit_for) {
        limit = state.config.body_limit_for(parser.get().method_string(), parser.get().target());
        parser.body_limit(limit);
      }
      // The body's room, with slack after it, before it is read (never more than the limit
      // allows: a declared length over it is refused while reading).
      if (const auto length = parser.content_length(); length && *length <= limit) {
        parser.get().body().reserve(static_cast<std::size_t>(*length) + kRequestBodySlack);
      }
      std::tie(read_error, bytes) =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(use_awaitable));
    }
    (void)bytes;
    if (read_error == bhttp::error::body_limit) {
      co_await WriteError(stream, 413, "payloadTooLarge", "The request body is too large.");
      break;
    }
    if (read_error == bhttp::error::header_limit) {
      co_await WriteError(stream, 400, "badRequest", "The request headers are too large.");
      break;
    }
    if (read_error) {
      if (IsMalformedRequest(read_error)) {
        co_await WriteError(stream, 400, "badRequest", "The request is malformed.");
      }
      break;
    }
    state.idle.Remove(&transport);
    auto message = parser.release();
    const unsigned version = message.version();
    const bool keep_alive = message.keep_alive();
    Request request = ToRequest(message, state, peer_ip);
    const auto started = std::chrono::steady_clock::now();
    // Handlers block on the database: the coroutine hops onto the worker pool to run one and
    // straight back to its I/O executor. (co_spawn onto the pool would queue the finished
    // response behind every request waiting for a worker.)
    Response response;
    std::optional<Response> from_memory;
    if (state.config.answer_from_memory) {
      try {
        from_memory = state.config.answer_from_memory(request);
      } catch (const std::exception& exception) {
        // Declined: the worker's handler runs the request and reports whatever is wrong.
        spdlog::warn(R"("request_id":"{}","event":"answer_from_memory_failed","detail":{})",
                     request.request_id, LogString(exception.what()));
      }
    }
    if (from_memory) {
      response = std::move(*from_memory);
      if (state.config.timings != nullptr) {
        state.config.timings->handler.Record(Seconds(std::chrono::steady_clock::now() - started));
      }
    } else if (state.pending.fetch_add(1) >= state.config.max_pending_requests) {
      state.pending.fetch_sub(1);
      response = Overloaded(request.request_id);
    } else {
      const auto io_executor = co_await asio::this_coro::executor;
      co_await asio::post(asio::bind_executor(state.workers, use_awaitable));
      const auto worker_started = std::chrono::steady_clock::now();
      if (state.config.timings != nullptr) {
        state.config.timings->queue.Record(Seconds(worker_started - started));
      }
      if (worker_started - started > state.config.queue_timeout) {
        response = Overloaded(request.request_id);
      } else {
        try {
          response = state.handler(request);
          if (state.config.timings != nullptr) {
            state.config.timings->handler.Record(
                Seconds(std::chrono::steady_clock::now() - worker_started));
          }
        } catch (const std::exception& exception) {
          spdlog::error(R"("request_id":"{}","event":"unhandled","detail":{})", request.request_id,
                        LogString(exception.what()));
          response = ErrorResponse(Error::Internal(exception.what()), request.request_id);
        }
      }
      state.pending.fetch_sub(1);
      co_await asio::post(asio::bind_executor(io_executor, use_awaitable));
    }
    const auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    const unsigned status = response.status;
    auto reply = ToMessage(std::move(response), version, keep_alive && !state.stopping,
                           request.request_id, kIsTls<Stream>);
    transport.expires_after(state.config.write_timeout);
    auto [write_error, written] =
        co_await bhttp::async_write(stream, reply, asio::as_tuple(use_awaitable));
    (void)written;
    if (state.config.timings != nullptr) {
      state.config.timings->total.Record(Seconds(std::chrono::steady_clock::now() - started));
    }
    // Method and path come from the client: encoded, so they cannot break or forge a log line.
    spdlog::info(R"("request_id":"{}","method":{},"path":{},"status":{},"ms":{:.2f},"ip":{})",
                 request.request_id, LogString(request.method), LogString(request.path), status,
                 elapsed, LogString(request.remote_ip));
    state.idle.Add(&transport);
    if (write_error || !reply.keep_alive()) break;
  }
}

/// One connection, plain or TLS: the handshake (bounded by the read timeout), the requests, and
/// an orderly close (close_notify on TLS).
template <typename Stream>
awaitable<void> RunConnection(Stream& stream, ServerState& state, const std::string& peer_ip) {
  beast::tcp_stream& transport = beast::get_lowest_layer(stream);
  state.idle.Add(&transport);
  bool ready = true;
  if constexpr (kIsTls<Stream>) {
    transport.expires_after(state.config.read_timeout);
    auto [handshake_error] =
        co_await stream.async_handshake(ssl::stream_base::server, asio::as_tuple(use_awaitable));
    if (handshake_error) {
      ready = false;
      spdlog::info(R"("event":"tls_handshake_failed","ip":{},"detail":{})", LogString(peer_ip),
                   LogString(handshake_error.message()));
    }
  }
  if (ready) co_await ServeRequests(stream, state, peer_ip);
  state.idle.Remove(&transport);
  if constexpr (kIsTls<Stream>) {
    if (ready && transport.socket().is_open()) {
      transport.expires_after(std::chrono::seconds(5));
      auto [shutdown_error] = co_await stream.async_shutdown(asio::as_tuple(use_awaitable));
      (void)shutdown_error;  // the peer may well close without its own close_notify
    }
  }
  beast::error_code ignored;
  transport.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> RunSession(tcp::socket socket, ServerState& state) {
  beast::error_code endpoint_error;
  const auto endpoint = socket.remote_endpoint(endpoint_error);
  std::string peer_ip;
  if (!endpoint_error) {
    const auto address = ParseAddress(endpoint.address().to_string());
    peer_ip = address ? address->to_string() : endpoint.address().to_string();
  }
  if (state.tls != nullptr) {
    TlsStream stream(std::move(socket), *state.tls);
    co_await RunConnection(stream, state, peer_ip);
  } else {
    beast::tcp_stream stream(std::move(socket));
    co_await RunConnection(stream, state, peer_ip);
  }
}

using IoContexts = std::vector<std::unique_ptr<asio::io_context>>;

/// Accepts connections and hands them round-robin to the I/O contexts. Runs on the first context,
/// on the same single thread as the shutdown signal's handler.
awaitable<void> Accept(tcp::acceptor& acceptor, ServerState& state, const IoContexts& contexts) {
  std::size_t next = 0;
  while (!state.stopping) {
    // The socket is created on the chosen context, so the connection's coroutine, its timers and
    // a shutdown's close all run on that context's one thread: never at the same time, no strand.
    const asio::any_io_executor executor = contexts[next]->get_executor();
    next = (next + 1) % contexts.size();
    auto [error, socket] = co_await acceptor.async_accept(executor, asio::as_tuple(use_awaitable));
    if (error) {
      if (error == asio::error::operation_aborted || state.stopping) break;
      spdlog::warn(R"("event":"accept_failed","detail":{})", LogString(error.message()));
      continue;
    }
    // Accepted just before the shutdown signal was handled: the chosen context may already have
    // run out of work and stopped, so the socket is closed here rather than spawned there.
    if (state.stopping) break;
    asio::co_spawn(executor, RunSession(std::move(socket), state), asio::detached);
  }
}

/// The reason of the oldest error in OpenSSL's queue, which is then cleared.
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "unknown error";
}

/// Empty when `path` can be opened for reading, else why not (strerror).
std::string Unreadable(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::strerror(errno);
  std::fclose(file);
  return {};
}

Error TlsConfigError(std::string message) {
  return Error::BadRequest(std::move(message), "tlsConfigInvalid");
}

/// A server TLS context: TLS 1.2 minimum (1.3 preferred), forward-secret AEAD suites, the
/// server's cipher order, no compression, renegotiation or session tickets. `warn`: log an expired
/// certificate or a key others may read.
Result<ssl::context> MakeTlsContext(const ServerConfig& config, bool warn) {
  const std::string& certificate = config.tls_certificate_file;
  const std::string& key = config.tls_private_key_file;
  if (certificate.empty() || key.empty()) {
    return Fail(TlsConfigError(
        "Give both the TLS certificate and the TLS private key, or neither of them."));
  }
  ssl::context context(ssl::context::tls_server);
  SSL_CTX* native = context.native_handle();
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                                  SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1 ||
      SSL_CTX_set1_groups_list(native, kTlsGroups) != 1) {
    return Fail(TlsConfigError(
        fmt::format("The TLS library refuses the cipher settings: {}.", OpenSslReason())));
  }
  // Never ask on the terminal for a passphrase: an encrypted key is an error.
  SSL_CTX_set_default_passwd_cb(native, [](char*, int, int, void*) { return 0; });
  // Only HTTP/1.1 is spoken; answering ALPN keeps clients from guessing.
  SSL_CTX_set_alpn_select_cb(
      native,
      [](SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
         unsigned in_length, void*) {
        static const unsigned char kHttp11[] = "\x08http/1.1";
        unsigned char* selected = nullptr;
        if (SSL_select_next_proto(&selected, out_length, kHttp11, sizeof kHttp11 - 1, in,
                                  in_length) != OPENSSL_NPN_NEGOTIATED) {
          return SSL_TLSEXT_ERR_NOACK;
        }
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
      },
      nullptr);

  if (std::string reason = Unreadable(certificate); !reason.empty()) {
    return Fail(TlsConfigError(
        fmt::format("Cannot read the TLS certificate {}: {}.", certificate, reason)));
  }
  if (SSL_CTX_use_certificate_chain_file(native, certificate.c_str()) != 1) {
    return Fail(TlsConfigError(
        fmt::format("Cannot read the TLS certificate {}: not a PEM certificate chain ({}).",
                    certificate, OpenSslReason())));
  }
  if (std::string reason = Unreadable(key); !reason.empty()) {
    return Fail(
        TlsConfigError(fmt::format("Cannot read the TLS private key {}: {}.", key, reason)));
  }
  const auto key_mismatch = [&] {
    ERR_clear_error();
    return Fail(TlsConfigError(fmt::format(
        "The TLS private key {} does not belong to the certificate {}.", key, certificate)));
  };
  if (SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) return key_mismatch();
    return Fail(TlsConfigError(
        fmt::format("Cannot read the TLS private key {}: not an unencrypted PEM private key ({}).",
                    key, OpenSslReason())));
  }
  if (SSL_CTX_check_private_key(native) != 1) return key_mismatch();
  if (!warn) return context;
  if (const X509* leaf = SSL_CTX_get0_certificate(native);
      leaf != nullptr && X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0) {
    spdlog::warn(R"("event":"tls_certificate_expired","file":{})", LogString(certificate));
  }
  std::error_code status_error;
  const auto permissions = std::filesystem::status(key, status_error).permissions();
  if (!status_error &&
      (permissions & std::filesystem::perms::others_read) != std::filesystem::perms::none) {
    spdlog::warn(R"("event":"tls_key_world_readable","file":{})", LogString(key));
  }
  return context;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies proxies;
  for (const std::string& raw_entry : entries) {
    const std::string entry(TrimSpace(raw_entry));
    const auto invalid = [&raw_entry] {
      return Fail(Error::BadRequest(
          fmt::format("The trusted proxy \"{}\" is neither an IP address nor a CIDR range such as "
                      "10.0.0.0/8 or fd00::/8.",
                      raw_entry),
          "trustedProxyInvalid"));
    };
    Range range;
    beast::error_code error;
    if (entry.find('/') == std::string::npos) {
      const auto address = ParseAddress(entry);
      if (!address) return invalid();
      range.v4 = address->is_v4();
      range.bytes = BytesOf(*address);
      range.prefix_length = range.v4 ? 32 : 128;
    } else if (entry.find(':') == std::string::npos) {
      const auto network = asio::ip::make_network_v4(entry, error);
      if (error) return invalid();
      range.v4 = true;
      range.bytes = BytesOf(network.canonical().address());
      range.prefix_length = network.prefix_length();
    } else {
      const auto network = asio::ip::make_network_v6(entry, error);
      if (error) return invalid();
      const auto address = network.canonical().address();
      if (address.is_v4_mapped() && network.prefix_length() >= 96) {
        range.v4 = true;
        range.bytes = BytesOf(asio::ip::make_address_v4(asio::ip::v4_mapped, address));
        range.prefix_length = network.prefix_length() - 96;
      } else {
        range.bytes = BytesOf(address);
        range.prefix_length = network.prefix_length();
      }
    }
    proxies.ranges_.push_back(range);
  }
  return proxies;
}

bool TrustedProxies::Contains(std::string_view text) const {
  const auto address = ParseAddress(text);
  if (!address) return false;
  const bool v4 = address->is_v4();
  const auto bytes = BytesOf(*address);
  for (const Range& range : ranges_) {
    if (range.v4 == v4 && PrefixMatches(range.bytes, bytes, range.prefix_length)) return true;
  }
  return false;
}

ClientOrigin ResolveClientOrigin(const TrustedProxies& proxies, std::string_view peer_ip, bool tls,
                                 std::optional<std::string_view> forwarded_for,
                                 std::optional<std::string_view> forwarded_proto) {
  ClientOrigin origin;
  origin.secure = tls;
  const auto peer = ParseAddress(peer_ip);
  if (!peer) return origin;
  origin.ip = peer->to_string();
  if (!proxies.Contains(origin.ip)) return origin;
  // Each proxy appends the address it received the request from: walking from the right, the
  // first address that is not a trusted proxy is the client. Whatever lies to its left was sent
  // by that client and proves nothing.
  std::string_view rest = forwarded_for.value_or(std::string_view{});
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const auto hop =
        ParseAddress(TrimSpace(comma == std::string_view::npos ? rest : rest.substr(comma + 1)));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (!hop) break;
    origin.ip = hop->to_string();
    if (!proxies.Contains(origin.ip)) break;
  }
  if (forwarded_proto && beast::iequals(LastListElement(*forwarded_proto), "https")) {
    origin.secure = true;
  }
  return origin;
}

Result<void> CheckServerConfig(const ServerConfig& config) {
  if (auto proxies = TrustedProxies::Parse(config.trusted_proxies); !proxies) {
    return Fail(proxies.error());
  }
  if (!config.tls_certificate_file.empty() || !config.tls_private_key_file.empty()) {
    if (auto context = MakeTlsContext(config, false); !context) return Fail(context.error());
  }
  return {};
}

Result<void> Serve(const ServerConfig& config, Handler handler,
                   const std::function<void(unsigned short port)>& on_listening) {
  auto proxies = TrustedProxies::Parse(config.trusted_proxies);
  if (!proxies) return Fail(proxies.error());
  std::optional<ssl::context> tls;
  if (!config.tls_certificate_file.empty() || !config.tls_private_key_file.empty()) {
    auto context = MakeTlsContext(config, true);
    if (!context) return Fail(context.error());
    tls.emplace(std::move(*context));
  }

  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int io_threads = config.io_threads > 0 ? config.io_threads : cores;
  const int worker_threads = config.worker_threads > 0 ? config.worker_threads : 4 * cores;
  // One io_context per I/O thread, each run by exactly that thread: a connection stays on one
  // context, so the I/O threads do not contend for one shared reactor and handler queue (under
  // many keep-alive connections that made the wait before a request was parsed long and unfair).
  // The work guards keep a context that has no connection yet from returning; the shutdown
  // releases them, and then each context returns once its last connection has ended.
  IoContexts contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  keep_running.reserve(static_cast<std::size_t>(io_threads));
  for (int index = 0; index < io_threads; ++index) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    keep_running.push_back(asio::make_work_guard(*contexts.back()));
  }
  asio::io_context& io = *contexts.front();  // also accepts and catches the signals
  asio::thread_pool workers(static_cast<std::size_t>(worker_threads));
  ServerState state{
      config, std::move(handler), workers, {}, {}, {}, tls ? &*tls : nullptr, std::move(*proxies)};

  tcp::acceptor acceptor(io);
  beast::error_code error;
  const auto address = asio::ip::make_address(config.host, error);
  if (error)
    return Fail(
        Error::BadRequest(fmt::format("Cannot listen on {}: not an IP address.", config.host)));
  const tcp::endpoint endpoint(address, config.port);
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Fail(Error::BadRequest(
        fmt::format("Cannot listen on {}:{}: {}.", config.host, config.port, error.message()),
        "listenFailed"));
  }
  // Signals are caught before anyone is told the port, so a SIGTERM right after always stops
  // the server gracefully.
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const beast::error_code& signal_error, int signal_number) {
    if (signal_error) return;
    spdlog::info(R"("event":"shutdown","signal":{})", signal_number);
    state.stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    state.idle.CloseAll();
    // Connections still inside a request keep their context running until they have answered.
    for (auto& guard : keep_running) guard.reset();
  });
  on_listening(acceptor.local_endpoint().port());

  asio::co_spawn(io, Accept(acceptor, state, contexts), asio::detached);

  std::vector<std::thread> threads;
  for (int index = 1; index < io_threads; ++index) {
    threads.emplace_back(
        [&context = *contexts[static_cast<std::size_t>(index)]] { context.run(); });
  }
  io.run();
  for (auto& thread : threads) thread.join();
  workers.join();
  return {};
}

}  // namespace sg::http
