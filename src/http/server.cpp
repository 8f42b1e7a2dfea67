#include "http/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/url.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "auth/crypto.hpp"

namespace sg::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

/// The connections that are between requests, so shutdown can close them; a connection inside
/// a request finishes it first.
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
      asio::post(stream->get_executor(), [stream] {
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

Request ToRequest(const bhttp::request<bhttp::string_body>& message, const std::string& remote_ip) {
  Request request;
  request.method = std::string(message.method_string());
  request.remote_ip = remote_ip;
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
  request.body = message.body();
  return request;
}

void AddCommonHeaders(bhttp::response<bhttp::string_body>& response,
                      const std::string& request_id) {
  response.set(bhttp::field::server, "SupplyGuard");
  response.set("X-Request-Id", request_id);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
  response.set("Content-Security-Policy",
               "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
}

bhttp::response<bhttp::string_body> ToMessage(Response&& response, unsigned version,
                                              bool keep_alive, const std::string& request_id) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), version};
  AddCommonHeaders(message, request_id);
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

awaitable<void> WriteError(beast::tcp_stream& stream, unsigned status, std::string code,
                           std::string message_text) {
  Error error;
  error.kind = status == 413 ? ErrorKind::kPayloadTooLarge : ErrorKind::kBadRequest;
  error.code = std::move(code);
  error.message = std::move(message_text);
  const std::string request_id = auth::RandomToken(12);
  auto message = ToMessage(ErrorResponse(error, request_id), 11, false, request_id);
  stream.expires_after(std::chrono::seconds(5));
  co_await bhttp::async_write(stream, message, asio::as_tuple(use_awaitable));
}

awaitable<void> RunSession(tcp::socket socket, ServerState& state) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code endpoint_error;
  const auto endpoint = stream.socket().remote_endpoint(endpoint_error);
  const std::string remote_ip = endpoint_error ? "" : endpoint.address().to_string();
  state.idle.Add(&stream);
  beast::flat_buffer buffer;
  bool first = true;
  while (!state.stopping) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(state.config.header_limit));
    parser.body_limit(state.config.body_limit);
    stream.expires_after(first ? state.config.read_timeout : state.config.idle_timeout);
    first = false;
    auto [read_error, bytes] =
        co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(use_awaitable));
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
      if (read_error != bhttp::error::end_of_stream && read_error != asio::error::eof &&
          read_error != beast::error::timeout && read_error != asio::error::operation_aborted &&
          read_error != asio::error::connection_reset &&
          read_error != asio::error::bad_descriptor) {
        co_await WriteError(stream, 400, "badRequest", "The request is malformed.");
      }
      break;
    }
    state.idle.Remove(&stream);
    auto message = parser.release();
    const unsigned version = message.version();
    const bool keep_alive = message.keep_alive();
    Request request = ToRequest(message, remote_ip);
    const auto started = std::chrono::steady_clock::now();
    // Handlers block on the database: the coroutine hops onto the worker pool to run one and
    // straight back to its I/O executor. (co_spawn onto the pool would queue the finished
    // response behind every request waiting for a worker.)
    Response response;
    if (state.pending.fetch_add(1) >= state.config.max_pending_requests) {
      state.pending.fetch_sub(1);
      response = Overloaded(request.request_id);
    } else {
      const auto io_executor = co_await asio::this_coro::executor;
      co_await asio::post(asio::bind_executor(state.workers, use_awaitable));
      if (std::chrono::steady_clock::now() - started > state.config.queue_timeout) {
        response = Overloaded(request.request_id);
      } else {
        try {
          response = state.handler(request);
        } catch (const std::exception& exception) {
          spdlog::error(R"("request_id":"{}","event":"unhandled","detail":"{}")",
                        request.request_id, exception.what());
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
    auto reply =
        ToMessage(std::move(response), version, keep_alive && !state.stopping, request.request_id);
    stream.expires_after(state.config.write_timeout);
    auto [write_error, written] =
        co_await bhttp::async_write(stream, reply, asio::as_tuple(use_awaitable));
    (void)written;
    spdlog::info(R"("request_id":"{}","method":"{}","path":"{}","status":{},"ms":{:.2f},"ip":"{}")",
                 request.request_id, request.method, request.path, status, elapsed, remote_ip);
    state.idle.Add(&stream);
    if (write_error || !reply.keep_alive()) break;
  }
  state.idle.Remove(&stream);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> Accept(tcp::acceptor& acceptor, ServerState& state) {
  while (!state.stopping) {
    auto [error, socket] = co_await acceptor.async_accept(asio::as_tuple(use_awaitable));
    if (error) {
      if (error == asio::error::operation_aborted || state.stopping) break;
      spdlog::warn(R"("event":"accept_failed","detail":"{}")", error.message());
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, RunSession(std::move(socket), state), asio::detached);
  }
}

}  // namespace

Result<void> Serve(const ServerConfig& config, Handler handler,
                   const std::function<void(unsigned short port)>& on_listening) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int io_threads = config.io_threads > 0 ? config.io_threads : cores;
  const int worker_threads = config.worker_threads > 0 ? config.worker_threads : 4 * cores;
  asio::io_context io(io_threads);
  asio::thread_pool workers(static_cast<std::size_t>(worker_threads));
  ServerState state{config, std::move(handler), workers, {}, {}};

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
  });
  on_listening(acceptor.local_endpoint().port());

  asio::co_spawn(io, Accept(acceptor, state), asio::detached);

  std::vector<std::thread> threads;
  for (int index = 1; index < io_threads; ++index) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();
  workers.join();
  return {};
}

}  // namespace sg::http
