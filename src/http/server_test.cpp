// The server's admission control, against the real server on a loopback port.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <csignal>
#include <future>
#include <thread>

namespace sg::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

/// A server on a free port, running `handler` until the test's end (SIGTERM).
class RunningServer {
 public:
  RunningServer(ServerConfig config, Handler handler) {
    config.host = "127.0.0.1";
    config.port = 0;
    config_ = std::move(config);
    std::promise<unsigned short> listening;
    auto port = listening.get_future();
    thread_ = std::thread([this, handler = std::move(handler), &listening]() mutable {
      result_ = Serve(config_, std::move(handler),
                      [&listening](unsigned short bound) { listening.set_value(bound); });
    });
    port_ = port.get();
  }
  ~RunningServer() {
    std::raise(SIGTERM);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  const Result<void>& result() const { return result_; }

 private:
  ServerConfig config_;
  std::thread thread_;
  unsigned short port_ = 0;
  Result<void> result_;
};

/// Sends GET `target` and returns the response (blocking).
bhttp::response<bhttp::string_body> Get(unsigned short port, const std::string& target) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  request.keep_alive(false);
  bhttp::write(socket, request);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(socket, buffer, response);
  return response;
}

/// A handler that holds /block until released, and answers everything else at once.
struct BlockingHandler {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();

  Handler handler() {
    return [this](Request& request) {
      if (request.path == "/block") {
        entered.set_value();
        released.wait();
      }
      return Response::Json(200, R"({"ok":true})");
    };
  }
};

TEST(ServerTest, RefusesRequestsBeyondThePendingLimitWith503) {
  BlockingHandler blocking;
  ServerConfig config;
  config.worker_threads = 1;
  config.io_threads = 1;
  config.max_pending_requests = 1;
  RunningServer server(config, blocking.handler());
  auto held = std::async(std::launch::async, [&] { return Get(server.port(), "/block"); });
  blocking.entered.get_future().wait();
  const auto refused = Get(server.port(), "/other");
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_EQ(refused[bhttp::field::retry_after], "1");
  EXPECT_NE(refused.body().find(R"("code":"overloaded")"), std::string::npos) << refused.body();
  blocking.release.set_value();
  EXPECT_EQ(held.get().result_int(), 200);
  // With the worker free again, requests are admitted.
  EXPECT_EQ(Get(server.port(), "/other").result_int(), 200);
}

TEST(ServerTest, AnswersRequestsThatWaitedTooLongForAWorkerWith503) {
  BlockingHandler blocking;
  ServerConfig config;
  config.worker_threads = 1;
  config.io_threads = 1;
  config.queue_timeout = std::chrono::milliseconds(50);
  RunningServer server(config, blocking.handler());
  auto held = std::async(std::launch::async, [&] { return Get(server.port(), "/block"); });
  blocking.entered.get_future().wait();
  auto queued = std::async(std::launch::async, [&] { return Get(server.port(), "/other"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  blocking.release.set_value();
  EXPECT_EQ(held.get().result_int(), 200);
  EXPECT_EQ(queued.get().result_int(), 503);
  EXPECT_EQ(Get(server.port(), "/other").result_int(), 200);
}

}  // namespace
}  // namespace sg::http
