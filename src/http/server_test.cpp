// The server against a real server on a loopback port: admission control, TLS, and the trust in
// a reverse proxy's forwarding headers (whose logic is also tested without sockets).
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace sg::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Headers = std::vector<std::pair<std::string, std::string>>;

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
  ~RunningServer() { Stop(); }
  /// SIGTERM, then waits for Serve to return (once).
  void Stop() {
    if (!thread_.joinable()) return;
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

/// Sends GET `target` with `headers` and returns the response (blocking).
bhttp::response<bhttp::string_body> Get(unsigned short port, const std::string& target,
                                        const Headers& headers = {}) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.insert(name, value);
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

/// Sends GET `target` on an open keep-alive connection and returns the response (blocking).
bhttp::response<bhttp::string_body> GetKeepAlive(tcp::socket& socket, beast::flat_buffer& buffer,
                                                 const std::string& target) {
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  request.keep_alive(true);
  bhttp::write(socket, request);
  bhttp::response<bhttp::string_body> response;
  bhttp::read(socket, buffer, response);
  return response;
}

TEST(ServerTest, AnswersManyKeepAliveConnectionsOnEveryIoThreadAndStopsWithThemIdle) {
  constexpr int kClients = 64;
  constexpr int kRequestsEach = 20;
  for (int io_threads = 2; io_threads <= 4; ++io_threads) {
    SCOPED_TRACE(io_threads);
    std::mutex mutex;
    std::set<std::thread::id> io_thread_ids;
    ServerConfig config;
    config.io_threads = io_threads;
    config.worker_threads = 4;
    config.idle_timeout = std::chrono::seconds(60);  // far beyond what a prompt stop may take
    // Half the requests are answered on the I/O threads, half by the handler on a worker.
    config.answer_from_memory = [&](Request& request) -> std::optional<Response> {
      std::lock_guard lock(mutex);
      io_thread_ids.insert(std::this_thread::get_id());
      if (!request.path.starts_with("/memory/")) return std::nullopt;
      return Response::Json(200, R"({"path":")" + request.path + R"("})");
    };
    RunningServer server(config, [](Request& request) {
      return Response::Json(200, R"({"path":")" + request.path + R"("})");
    });

    asio::io_context io;
    std::vector<tcp::socket> sockets;
    for (int client = 0; client < kClients; ++client) sockets.emplace_back(io);
    std::vector<std::future<std::vector<std::string>>> clients;
    for (int client = 0; client < kClients; ++client) {
      clients.push_back(std::async(std::launch::async, [&, client] {
        tcp::socket& socket = sockets[static_cast<std::size_t>(client)];
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
        beast::flat_buffer buffer;
        std::vector<std::string> request_ids;
        for (int index = 0; index < kRequestsEach; ++index) {
          const std::string path = std::string(index % 2 == 0 ? "/memory/" : "/worker/") +
                                   std::to_string(client) + "/" + std::to_string(index);
          const auto response = GetKeepAlive(socket, buffer, path);
          EXPECT_EQ(response.result_int(), 200);
          EXPECT_EQ(response.body(), R"({"path":")" + path + R"("})");
          EXPECT_TRUE(response.keep_alive());
          request_ids.emplace_back(response["X-Request-Id"]);
        }
        return request_ids;
      }));
    }
    std::set<std::string> request_ids;
    for (auto& client : clients) {
      for (std::string& id : client.get()) request_ids.insert(std::move(id));
    }
    EXPECT_EQ(request_ids.size(), static_cast<std::size_t>(kClients * kRequestsEach));
    EXPECT_FALSE(request_ids.contains(""));
    {
      std::lock_guard lock(mutex);
      EXPECT_EQ(io_thread_ids.size(), static_cast<std::size_t>(io_threads));  // round-robin
    }

    // All 64 connections are open and idle: the stop closes them instead of waiting them out.
    const auto stopping = std::chrono::steady_clock::now();
    server.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
    EXPECT_TRUE(server.result());
    for (tcp::socket& socket : sockets) {
      char byte = 0;
      beast::error_code error;
      socket.read_some(asio::buffer(&byte, 1), error);
      EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset)
          << error.message();
    }
  }
}

TEST(ServerTest, FinishesRequestsInFlightOnEveryIoThreadWhenStopping) {
  constexpr int kConnections = 4;
  std::latch entered(kConnections);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ServerConfig config;
  config.io_threads = kConnections;  // one connection per I/O context (round-robin)
  config.worker_threads = kConnections;
  RunningServer server(config, [&](Request&) {
    entered.count_down();
    released.wait();
    return Response::Json(200, R"({"ok":true})");
  });
  asio::io_context io;
  std::vector<tcp::socket> sockets;
  for (int index = 0; index < kConnections; ++index) {
    sockets.emplace_back(io).connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  }
  std::vector<std::future<bhttp::response<bhttp::string_body>>> responses;
  for (tcp::socket& socket : sockets) {
    responses.push_back(std::async(std::launch::async, [&socket] {
      beast::flat_buffer buffer;
      return GetKeepAlive(socket, buffer, "/block");
    }));
  }
  entered.wait();
  auto stopped = std::async(std::launch::async, [&] { server.Stop(); });
  // The stop waits for the requests in flight however long they take.
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  release.set_value();
  for (auto& response : responses) {
    const auto answered = response.get();
    EXPECT_EQ(answered.result_int(), 200);
    EXPECT_FALSE(answered.keep_alive());  // answered while stopping: the connection then closes
  }
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(server.result());
}

// --- Reverse proxies -------------------------------------------------------------------------

TrustedProxies Proxies(const std::vector<std::string>& entries) {
  auto proxies = TrustedProxies::Parse(entries);
  EXPECT_TRUE(proxies) << proxies.error().message;
  return proxies ? *proxies : TrustedProxies{};
}

TEST(TrustedProxies, MatchesAddressesAndCidrRangesOfBothFamilies) {
  const auto proxies =
      Proxies({"127.0.0.1", "10.0.0.0/8", "192.168.1.77/24", "::1", "fd00::/8", " 172.16.0.1 "});
  EXPECT_TRUE(proxies.Contains("127.0.0.1"));
  EXPECT_FALSE(proxies.Contains("127.0.0.2"));
  EXPECT_TRUE(proxies.Contains("10.255.0.9"));
  EXPECT_FALSE(proxies.Contains("11.0.0.1"));
  EXPECT_TRUE(proxies.Contains("192.168.1.200"));  // host bits in the entry are ignored
  EXPECT_FALSE(proxies.Contains("192.168.2.1"));
  EXPECT_TRUE(proxies.Contains("::1"));
  EXPECT_TRUE(proxies.Contains("fd12:3456::1"));
  EXPECT_FALSE(proxies.Contains("fe80::1"));
  EXPECT_TRUE(proxies.Contains("172.16.0.1"));
  EXPECT_TRUE(proxies.Contains("::ffff:10.1.2.3"));  // IPv4-mapped counts as IPv4
  EXPECT_FALSE(proxies.Contains("not-an-address"));
  EXPECT_FALSE(proxies.Contains(""));
}

TEST(TrustedProxies, MatchesAnIpv4MappedRangeAsIpv4) {
  const auto proxies = Proxies({"::ffff:10.0.0.0/104"});
  EXPECT_TRUE(proxies.Contains("10.9.9.9"));
  EXPECT_FALSE(proxies.Contains("11.0.0.1"));
}

TEST(TrustedProxies, RefusesEntriesThatAreNeitherAddressesNorRanges) {
  for (const std::string entry : {"", "localhost", "10.0.0.0/33", "10.0.0/8", "10.0.0.1/",
                                  "fd00::/129", "fd00::/x", "10.0.0.0/8/8", "1.2.3.4:80"}) {
    const auto proxies = TrustedProxies::Parse({"127.0.0.1", entry});
    ASSERT_FALSE(proxies) << entry;
    EXPECT_EQ(proxies.error().code, "trustedProxyInvalid");
    EXPECT_NE(proxies.error().message.find("\"" + entry + "\""), std::string::npos)
        << proxies.error().message;
  }
}

TEST(ClientOrigin, IgnoresForwardingHeadersFromAnUntrustedPeer) {
  const auto origin =
      ResolveClientOrigin(Proxies({"10.0.0.1"}), "127.0.0.1", false, "203.0.113.7", "https");
  EXPECT_EQ(origin.ip, "127.0.0.1");
  EXPECT_FALSE(origin.secure);
}

TEST(ClientOrigin, TrustsNoPeerByDefault) {
  const auto origin =
      ResolveClientOrigin(TrustedProxies{}, "127.0.0.1", false, "203.0.113.7", "https");
  EXPECT_EQ(origin.ip, "127.0.0.1");
  EXPECT_FALSE(origin.secure);
}

TEST(ClientOrigin, TakesTheClientAndSchemeFromATrustedPeer) {
  const auto origin =
      ResolveClientOrigin(Proxies({"127.0.0.1"}), "127.0.0.1", false, "203.0.113.7", "https");
  EXPECT_EQ(origin.ip, "203.0.113.7");
  EXPECT_TRUE(origin.secure);
}

TEST(ClientOrigin, ChoosesTheRightMostAddressThatIsNotATrustedProxy) {
  const auto proxies = Proxies({"127.0.0.1", "10.0.0.0/8"});
  // The client claimed 198.51.100.9 itself; 203.0.113.7 is what the outer proxy saw.
  EXPECT_EQ(ResolveClientOrigin(proxies, "127.0.0.1", false,
                                "198.51.100.9, 203.0.113.7 ,\t10.0.0.2", std::nullopt)
                .ip,
            "203.0.113.7");
  // Repeated headers arrive joined by the server.
  EXPECT_EQ(
      ResolveClientOrigin(proxies, "127.0.0.1", false, "203.0.113.7,10.0.0.2", std::nullopt).ip,
      "203.0.113.7");
  // Nothing but proxies: the furthest one.
  EXPECT_EQ(ResolveClientOrigin(proxies, "127.0.0.1", false, "10.0.0.3, 10.0.0.2", std::nullopt).ip,
            "10.0.0.3");
}

TEST(ClientOrigin, StopsAtAMalformedForwardedForEntry) {
  const auto proxies = Proxies({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ResolveClientOrigin(proxies, "127.0.0.1", false, "garbage", std::nullopt).ip,
            "127.0.0.1");
  EXPECT_EQ(ResolveClientOrigin(proxies, "127.0.0.1", false, "", std::nullopt).ip, "127.0.0.1");
  EXPECT_EQ(
      ResolveClientOrigin(proxies, "127.0.0.1", false, "203.0.113.7, <script>", std::nullopt).ip,
      "127.0.0.1");
  EXPECT_EQ(
      ResolveClientOrigin(proxies, "127.0.0.1", false, "203.0.113.7, , 10.0.0.2", std::nullopt).ip,
      "10.0.0.2");
  EXPECT_EQ(ResolveClientOrigin(proxies, "127.0.0.1", false, "203.0.113.7:4711", std::nullopt).ip,
            "127.0.0.1");
}

TEST(ClientOrigin, ReadsTheRightMostForwardedProto) {
  const auto proxies = Proxies({"127.0.0.1"});
  const auto secure = [&](std::string_view proto) {
    return ResolveClientOrigin(proxies, "127.0.0.1", false, std::nullopt, proto).secure;
  };
  EXPECT_TRUE(secure("https"));
  EXPECT_TRUE(secure(" HTTPS "));
  EXPECT_TRUE(secure("http, https"));
  EXPECT_FALSE(secure("https, http"));
  EXPECT_FALSE(secure("http"));
  EXPECT_FALSE(secure("httpsx"));
  EXPECT_FALSE(secure(""));
}

TEST(ClientOrigin, IsSecureOverTlsWhateverTheHeadersSay) {
  EXPECT_TRUE(
      ResolveClientOrigin(Proxies({"127.0.0.1"}), "127.0.0.1", true, std::nullopt, "http").secure);
  EXPECT_TRUE(
      ResolveClientOrigin(TrustedProxies{}, "127.0.0.1", true, std::nullopt, std::nullopt).secure);
}

TEST(ClientOrigin, HandlesIpv6AndShowsIpv4MappedPeersAsIpv4) {
  EXPECT_EQ(ResolveClientOrigin(Proxies({"::1"}), "::1", false, "2001:db8::7", std::nullopt).ip,
            "2001:db8::7");
  EXPECT_EQ(
      ResolveClientOrigin(TrustedProxies{}, "::ffff:192.0.2.1", false, std::nullopt, std::nullopt)
          .ip,
      "192.0.2.1");
  EXPECT_EQ(ResolveClientOrigin(Proxies({"127.0.0.1"}), "::ffff:127.0.0.1", false,
                                "::ffff:203.0.113.7", std::nullopt)
                .ip,
            "203.0.113.7");
}

/// Answers every request with what the server told it about the client.
Response EchoOrigin(Request& request) {
  return Response::Json(200, R"({"ip":")" + request.remote_ip + R"(","secure":)" +
                                 (request.secure ? "true" : "false") + "}");
}

TEST(ServerTest, IgnoresForwardingHeadersUnlessThePeerIsTrusted) {
  RunningServer server(ServerConfig{}, EchoOrigin);
  const auto response =
      Get(server.port(), "/", {{"X-Forwarded-For", "203.0.113.7"}, {"X-Forwarded-Proto", "https"}});
  EXPECT_EQ(response.body(), R"({"ip":"127.0.0.1","secure":false})");
  EXPECT_EQ(response.count(bhttp::field::strict_transport_security), 0u);
}

TEST(ServerTest, BelievesATrustedProxyOnLoopback) {
  ServerConfig config;
  config.trusted_proxies = {"127.0.0.1", "10.0.0.0/8"};
  RunningServer server(config, EchoOrigin);
  EXPECT_EQ(Get(server.port(), "/",
                {{"X-Forwarded-For", "198.51.100.9, 203.0.113.7"},
                 {"X-Forwarded-For", "10.0.0.2"},
                 {"X-Forwarded-Proto", "https"}})
                .body(),
            R"({"ip":"203.0.113.7","secure":true})");
  EXPECT_EQ(Get(server.port(), "/", {{"X-Forwarded-For", "not an address"}}).body(),
            R"({"ip":"127.0.0.1","secure":false})");
}

TEST(ServerTest, RefusesToStartWithAnInvalidTrustedProxy) {
  ServerConfig config;
  config.port = 0;
  config.trusted_proxies = {"10.0.0.0/40"};
  const auto served = Serve(config, EchoOrigin, [](unsigned short) { ADD_FAILURE(); });
  ASSERT_FALSE(served);
  EXPECT_EQ(served.error().code, "trustedProxyInvalid");
}

// --- TLS -----------------------------------------------------------------------------------------

template <typename T, void (*Free)(T*)>
using OpenSslPointer = std::unique_ptr<T, decltype([](T* pointer) { Free(pointer); })>;
using KeyPointer = OpenSslPointer<EVP_PKEY, EVP_PKEY_free>;
using CertificatePointer = OpenSslPointer<X509, X509_free>;

void AddExtension(X509* certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  OpenSslPointer<X509_EXTENSION, X509_EXTENSION_free> extension(
      X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  ASSERT_TRUE(extension);
  ASSERT_EQ(X509_add_ext(certificate, extension.get(), -1), 1);
}

/// A throwaway self-signed P-256 certificate for 127.0.0.1, in PEM files in a temporary folder
/// removed at exit; plus a second key that belongs to no certificate.
struct TestCertificate {
  std::filesystem::path folder;
  std::filesystem::path certificate_file;
  std::filesystem::path key_file;
  std::filesystem::path other_key_file;
  std::string certificate_pem;

  TestCertificate() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sg-tls-XXXXXX").string();
    folder = mkdtemp(pattern.data());
    certificate_file = folder / "certificate.pem";
    key_file = folder / "key.pem";
    other_key_file = folder / "other-key.pem";

    KeyPointer key(EVP_EC_gen("P-256"));
    KeyPointer other_key(EVP_EC_gen("P-256"));
    CertificatePointer certificate(X509_new());
    X509_set_version(certificate.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 24 * 3600);
    X509_set_pubkey(certificate.get(), key.get());
    X509_NAME* name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), name);
    AddExtension(certificate.get(), NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(certificate.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    EXPECT_GT(X509_sign(certificate.get(), key.get(), EVP_sha256()), 0);

    WritePem(certificate_file,
             [&](BIO* bio) { return PEM_write_bio_X509(bio, certificate.get()); });
    WritePem(key_file, [&](BIO* bio) {
      return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    WritePem(other_key_file, [&](BIO* bio) {
      return PEM_write_bio_PrivateKey(bio, other_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    std::ifstream file(certificate_file);
    certificate_pem.assign(std::istreambuf_iterator<char>(file), {});
  }
  ~TestCertificate() {
    std::error_code ignored;
    std::filesystem::remove_all(folder, ignored);
  }

  template <typename Write>
  static void WritePem(const std::filesystem::path& path, Write write) {
    OpenSslPointer<BIO, BIO_free_all> bio(BIO_new_file(path.c_str(), "w"));
    ASSERT_TRUE(bio);
    ASSERT_EQ(write(bio.get()), 1);
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
};

const TestCertificate& Certificate() {
  static const TestCertificate certificate;
  return certificate;
}

ServerConfig TlsConfig() {
  ServerConfig config;
  config.tls_certificate_file = Certificate().certificate_file.string();
  config.tls_private_key_file = Certificate().key_file.string();
  return config;
}

/// A client context that trusts only the test certificate; `configure` may narrow it further.
ssl::context ClientContext(const std::function<void(SSL_CTX*)>& configure = {}) {
  ssl::context context(ssl::context::tls_client);
  context.add_certificate_authority(asio::buffer(Certificate().certificate_pem));
  context.set_verify_mode(ssl::verify_peer);
  if (configure) configure(context.native_handle());
  return context;
}

struct TlsExchange {
  beast::error_code handshake_error;
  std::string protocol;  // "TLSv1.3", …
  std::string cipher;
  bhttp::response<bhttp::string_body> response;
};

/// Connects over TLS (verifying the server's certificate for 127.0.0.1) and, when the handshake
/// succeeds, sends `raw_request` or a GET of `target`.
TlsExchange ExchangeOverTls(unsigned short port, ssl::context& context,
                            const std::string& target = "/",
                            const std::optional<std::string>& raw_request = std::nullopt) {
  asio::io_context io;
  ssl::stream<tcp::socket> stream(io, context);
  stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  TlsExchange exchange;
  ERR_clear_error();
  stream.handshake(ssl::stream_base::client, exchange.handshake_error);
  if (exchange.handshake_error) return exchange;
  exchange.protocol = SSL_get_version(stream.native_handle());
  exchange.cipher = SSL_get_cipher_name(stream.native_handle());
  if (raw_request) {
    asio::write(stream, asio::buffer(*raw_request));
  } else {
    bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
    request.set(bhttp::field::host, "127.0.0.1");
    request.keep_alive(false);
    bhttp::write(stream, request);
  }
  beast::flat_buffer buffer;
  bhttp::read(stream, buffer, exchange.response);
  beast::error_code ignored;
  stream.shutdown(ignored);
  return exchange;
}

TEST(TlsServerTest, ServesHttpsWithHstsAndTellsTheHandlerItIsSecure) {
  RunningServer server(TlsConfig(), EchoOrigin);
  auto context = ClientContext();
  const auto exchange = ExchangeOverTls(server.port(), context);
  ASSERT_FALSE(exchange.handshake_error) << exchange.handshake_error.message();
  EXPECT_EQ(exchange.protocol, "TLSv1.3");
  EXPECT_EQ(exchange.response.result_int(), 200);
  EXPECT_EQ(exchange.response.body(), R"({"ip":"127.0.0.1","secure":true})");
  EXPECT_EQ(exchange.response[bhttp::field::strict_transport_security],
            "max-age=31536000; includeSubDomains");
}

TEST(TlsServerTest, AnswersAMalformedRequestOverTlsWithHsts) {
  RunningServer server(TlsConfig(), EchoOrigin);
  auto context = ClientContext();
  const auto exchange =
      ExchangeOverTls(server.port(), context, "/", std::string("NOT HTTP AT ALL\r\n\r\n"));
  ASSERT_FALSE(exchange.handshake_error) << exchange.handshake_error.message();
  EXPECT_EQ(exchange.response.result_int(), 400);
  EXPECT_EQ(exchange.response[bhttp::field::strict_transport_security],
            "max-age=31536000; includeSubDomains");
}

TEST(TlsServerTest, SpeaksTls12WithAnAeadSuite) {
  RunningServer server(TlsConfig(), EchoOrigin);
  auto context =
      ClientContext([](SSL_CTX* native) { SSL_CTX_set_max_proto_version(native, TLS1_2_VERSION); });
  const auto exchange = ExchangeOverTls(server.port(), context);
  ASSERT_FALSE(exchange.handshake_error) << exchange.handshake_error.message();
  EXPECT_EQ(exchange.protocol, "TLSv1.2");
  EXPECT_EQ(exchange.cipher, "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_EQ(exchange.response.result_int(), 200);
}

TEST(TlsServerTest, RefusesTls11) {
  RunningServer server(TlsConfig(), EchoOrigin);
  // The client must really offer TLS 1.1, which OpenSSL's default security level forbids.
  auto context = ClientContext([](SSL_CTX* native) {
    SSL_CTX_set_security_level(native, 0);
    SSL_CTX_set_min_proto_version(native, TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(native, TLS1_1_VERSION);
    SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
  });
  const auto exchange = ExchangeOverTls(server.port(), context);
  ASSERT_TRUE(exchange.handshake_error);
  // The server's alert, not the client giving up on its own.
  EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(exchange.handshake_error.value())),
            SSL_R_TLSV1_ALERT_PROTOCOL_VERSION)
      << exchange.handshake_error.message();
}

TEST(TlsServerTest, RefusesTls12SuitesWithoutAeadOrForwardSecrecy) {
  RunningServer server(TlsConfig(), EchoOrigin);
  auto context = ClientContext([](SSL_CTX* native) {
    SSL_CTX_set_max_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(native, "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:AES128-SHA");
  });
  const auto exchange = ExchangeOverTls(server.port(), context);
  EXPECT_TRUE(exchange.handshake_error);
}

TEST(TlsServerTest, GivesNoHttpAnswerToPlainHttp) {
  RunningServer server(TlsConfig(), EchoOrigin);
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, "/", 11};
  request.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(socket, request);
  std::string answer;
  beast::error_code error;
  asio::read(socket, asio::dynamic_buffer(answer), error);  // until the server closes
  EXPECT_FALSE(answer.starts_with("HTTP/")) << answer;
}

Result<void> ServeOnce(const ServerConfig& config) {
  ServerConfig bound = config;
  bound.port = 0;
  return Serve(bound, EchoOrigin, [](unsigned short) { ADD_FAILURE() << "it listened"; });
}

TEST(TlsServerTest, RefusesToStartWithoutTheCertificateFile) {
  ServerConfig config = TlsConfig();
  config.tls_certificate_file = (Certificate().folder / "missing.pem").string();
  const auto served = ServeOnce(config);
  ASSERT_FALSE(served);
  EXPECT_EQ(served.error().code, "tlsConfigInvalid");
  EXPECT_EQ(served.error().message, "Cannot read the TLS certificate " +
                                        config.tls_certificate_file +
                                        ": No such file or directory.");
}

TEST(TlsServerTest, RefusesToStartWithACertificateFileThatHoldsNoCertificate) {
  ServerConfig config = TlsConfig();
  config.tls_certificate_file = (Certificate().folder / "not-a-certificate.pem").string();
  std::ofstream(config.tls_certificate_file) << "hello\n";
  const auto served = ServeOnce(config);
  ASSERT_FALSE(served);
  EXPECT_TRUE(served.error().message.starts_with("Cannot read the TLS certificate " +
                                                 config.tls_certificate_file + ": "))
      << served.error().message;
}

TEST(TlsServerTest, RefusesToStartWithAMissingOrForeignKey) {
  ServerConfig config = TlsConfig();
  config.tls_private_key_file = (Certificate().folder / "missing-key.pem").string();
  auto served = ServeOnce(config);
  ASSERT_FALSE(served);
  EXPECT_TRUE(served.error().message.starts_with("Cannot read the TLS private key "))
      << served.error().message;

  config.tls_private_key_file = Certificate().certificate_file.string();  // a certificate
  served = ServeOnce(config);
  ASSERT_FALSE(served);
  EXPECT_TRUE(served.error().message.starts_with("Cannot read the TLS private key "))
      << served.error().message;

  config.tls_private_key_file = Certificate().other_key_file.string();
  served = ServeOnce(config);
  ASSERT_FALSE(served);
  EXPECT_NE(served.error().message.find("does not belong to the certificate"), std::string::npos)
      << served.error().message;
}

TEST(TlsServerTest, ChecksItsConfigurationWithoutListening) {
  EXPECT_TRUE(CheckServerConfig(TlsConfig()));
  ServerConfig config = TlsConfig();
  config.tls_certificate_file = (Certificate().folder / "missing.pem").string();
  ASSERT_FALSE(CheckServerConfig(config));
  EXPECT_EQ(CheckServerConfig(config).error().code, "tlsConfigInvalid");
  config = ServerConfig{};
  config.trusted_proxies = {"::1", "proxy.example"};
  ASSERT_FALSE(CheckServerConfig(config));
  EXPECT_EQ(CheckServerConfig(config).error().code, "trustedProxyInvalid");
}

TEST(TlsServerTest, RefusesToStartWithOnlyOneOfCertificateAndKey) {
  ServerConfig config = TlsConfig();
  config.tls_private_key_file.clear();
  const auto served = ServeOnce(config);
  ASSERT_FALSE(served);
  EXPECT_EQ(served.error().code, "tlsConfigInvalid");
}

}  // namespace
}  // namespace sg::http
