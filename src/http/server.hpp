#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"
#include "http/timings.hpp"

namespace sg::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // 0: four per core; handlers (which block on the database) run here
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 32 * 1024 * 1024;
  // The body limit of one request, from its method and target, when some routes take larger
  // bodies (SBOM uploads); read once the headers are in. Unset: body_limit for every request.
  std::function<std::size_t(std::string_view method, std::string_view target)> body_limit_for;
  std::chrono::seconds read_timeout{30};  // also bounds the TLS handshake
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds idle_timeout{60};
  // Admission control: beyond this many requests waiting for or holding a worker, new requests
  // get 503 at once (with Retry-After) instead of queueing without bound; a request that waited
  // longer than queue_timeout for a worker gets 503 instead of being run for a client that has
  // most likely given up.
  std::size_t max_pending_requests = 2048;
  std::chrono::milliseconds queue_timeout{10000};
  // TLS: when both are set the listener speaks only TLS (1.2 and 1.3) and every response carries
  // Strict-Transport-Security. PEM files; the certificate file may hold the chain, leaf first.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  // Reverse proxies (addresses or CIDR ranges, IPv4 or IPv6) whose X-Forwarded-For and
  // X-Forwarded-Proto are believed. Empty: those headers are ignored.
  std::vector<std::string> trusted_proxies;
  // Answers a request on the I/O thread when it can without blocking (from memory); a request
  // it declines goes to the handler on a worker. Unset: every request goes to a worker.
  std::function<std::optional<Response>(Request&)> answer_from_memory;
  // Where request durations are recorded (for /metrics); null: not recorded. Must outlive Serve.
  ServerTimings* timings = nullptr;
};

/// Serves HTTP/1.1 (over TLS when configured) until SIGTERM or SIGINT, then stops accepting, lets
/// in-flight requests finish, closes idle connections and returns. `on_listening` runs once the
/// socket is bound. An unreadable certificate or key, or an invalid trusted proxy, fails before
/// anything listens.
Result<void> Serve(const ServerConfig& config, Handler handler,
                   const std::function<void(unsigned short port)>& on_listening);

/// The checks Serve makes before it listens (trusted proxies, TLS files), for a caller that wants
/// to fail before doing anything else.
Result<void> CheckServerConfig(const ServerConfig& config);

/// 受信任的反向代理 — the reverse proxies in front of the server, whose forwarding headers are
/// believed.
class TrustedProxies {
 public:
  /// Parses addresses ("127.0.0.1", "::1") and CIDR ranges ("10.0.0.0/8", "fd00::/8").
  static Result<TrustedProxies> Parse(const std::vector<std::string>& entries);

  /// Whether `address` is one of the proxies; false for anything that is not an IP address. An
  /// IPv4-mapped IPv6 address (::ffff:10.0.0.1) counts as its IPv4 address.
  bool Contains(std::string_view address) const;
  bool Empty() const { return ranges_.empty(); }

 private:
  struct Range {
    bool v4 = false;
    std::array<std::uint8_t, 16> bytes{};  // the network address; IPv4 in the first four
    unsigned prefix_length = 0;
  };
  std::vector<Range> ranges_;
};

/// Who sent a request, as far as the server can tell.
struct ClientOrigin {
  std::string ip;       // normalised (IPv4-mapped IPv6 shown as IPv4); empty when unknown
  bool secure = false;  // TLS to this server, or HTTPS to a trusted proxy
};

/// The origin of a request that arrived from `peer_ip` (over TLS when `tls`). Unless the peer is
/// a trusted proxy, the forwarding headers are ignored. From a trusted proxy, the client is the
/// right-most X-Forwarded-For address that is not itself a trusted proxy (the walk stops at a
/// malformed entry, keeping the last trusted hop), and the request is secure when the right-most
/// X-Forwarded-Proto value is "https". Header values may be comma-separated lists.
ClientOrigin ResolveClientOrigin(const TrustedProxies& proxies, std::string_view peer_ip, bool tls,
                                 std::optional<std::string_view> forwarded_for,
                                 std::optional<std::string_view> forwarded_proto);

}  // namespace sg::http
