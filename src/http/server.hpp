#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/error.hpp"
#include "http/message.hpp"

namespace sg::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // 0: four per core; handlers (which block on the database) run here
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 32 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds idle_timeout{60};
  // Admission control: beyond this many requests waiting for or holding a worker, new requests
  // get 503 at once (with Retry-After) instead of queueing without bound; a request that waited
  // longer than queue_timeout for a worker gets 503 instead of being run for a client that has
  // most likely given up.
  std::size_t max_pending_requests = 2048;
  std::chrono::milliseconds queue_timeout{10000};
};

/// Serves HTTP/1.1 until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish,
/// closes idle connections and returns. `on_listening` runs once the socket is bound.
Result<void> Serve(const ServerConfig& config, Handler handler,
                   const std::function<void(unsigned short port)>& on_listening);

}  // namespace sg::http
