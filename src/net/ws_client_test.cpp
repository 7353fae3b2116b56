#include "net/ws_client.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "infra/redact.hpp"
#include "net/stream.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/tls_test_cert.hpp"
#include "test_util/ws_test_server.hpp"

namespace tokensync::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
using namespace std::chrono_literals;

// A WebSocket server on 127.0.0.1 for the client tests (ws://, or wss://
// when given a certificate). Echoes text messages, except these commands:
//   "close <code> <reason>"  closes with that code and reason
//   "big <n>"                sends a message of n 'x'
//   "slow <text>"            sends text in two frames 300 ms apart
//   "mute"                   stops reading: pings go unanswered
//   "drop"                   closes the TCP connection without a close frame
class TestWsServer {
  public:
    enum class Mode {
        kServe,   // the WebSocket server above
        kSilent,  // accepts TCP connections and never answers (neither TLS nor the upgrade request)
        kRefuse,  // answers the upgrade request with 403
    };

    explicit TestWsServer(Mode mode = Mode::kServe, std::optional<test_util::TlsTestIdentity> tls = std::nullopt)
        : mode_(mode),
          server_([this](net::Stream stream) { return session(std::move(stream)); },
                  {std::move(tls), mode == Mode::kSilent}) {}

    uint16_t port() const noexcept { return server_.port(); }
    std::string url(std::string_view target = "/") const { return server_.url(target); }
    int pings_received() const noexcept { return pings_; }
    // Connections the client ended with a closing handshake.
    int clean_closes() const noexcept { return clean_closes_; }
    int tls_handshakes() const noexcept { return server_.tls_handshakes(); }
    int tls_failures() const noexcept { return server_.tls_failures(); }
    // The last upgrade request's head.
    std::string last_request() const {
        std::lock_guard lock(mutex_);
        return last_request_;
    }

  private:
    // noinline: g++ 12 warns falsely (-Wmismatched-new-delete) about a
    // coroutine inlined into the lambda that starts it.
    [[gnu::noinline]] asio::awaitable<void> session(net::Stream stream) {
        beast::flat_buffer buffer;
        http::request<http::string_body> req;
        co_await http::async_read(stream, buffer, req, asio::use_awaitable);
        {
            std::lock_guard lock(mutex_);
            last_request_ = fmt::format("{} {}\r\n", std::string(req.method_string()), std::string(req.target()));
            for (const auto& field : req)
                last_request_ +=
                    fmt::format("{}: {}\r\n", std::string(field.name_string()), std::string(field.value()));
        }
        if (mode_ == Mode::kRefuse) {
            http::response<http::string_body> res{http::status::forbidden, req.version()};
            res.body() = "no";
            res.prepare_payload();
            co_await http::async_write(stream, res, asio::use_awaitable);
            co_return;
        }
        websocket::stream<net::Stream> ws(std::move(stream));
        ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::ping) ++pings_;
        });
        co_await ws.async_accept(req, asio::use_awaitable);
        for (;;) {
            beast::flat_buffer in;
            error_code ec;
            co_await ws.async_read(in, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == websocket::error::closed) ++clean_closes_;
            if (ec) co_return;
            const std::string text = beast::buffers_to_string(in.data());
            if (text.starts_with("close ")) {
                const auto space = text.find(' ', 6);
                uint16_t code = 0;
                std::from_chars(text.data() + 6, text.data() + space, code);
                co_await ws.async_close(
                    websocket::close_reason(static_cast<websocket::close_code>(code), text.substr(space + 1)),
                    asio::use_awaitable);
                co_return;
            }
            if (text.starts_with("big ")) {
                std::size_t n = 0;
                std::from_chars(text.data() + 4, text.data() + text.size(), n);
                co_await ws.async_write(asio::buffer(std::string(n, 'x')), asio::use_awaitable);
            } else if (text.starts_with("slow ")) {
                const std::string body = text.substr(5);
                const auto half = body.size() / 2;
                co_await ws.async_write_some(false, asio::buffer(body.data(), half), asio::use_awaitable);
                asio::steady_timer timer(server_.context(), 300ms);
                co_await timer.async_wait(asio::use_awaitable);
                co_await ws.async_write_some(true, asio::buffer(body.data() + half, body.size() - half),
                                             asio::use_awaitable);
            } else if (text == "mute") {
                asio::steady_timer timer(server_.context(), 1h);
                co_await timer.async_wait(asio::use_awaitable);
            } else if (text == "drop") {
                ws.next_layer().socket().close();
                co_return;
            } else {
                co_await ws.async_write(asio::buffer(text), asio::use_awaitable);
            }
        }
    }

    Mode mode_;
    std::atomic<int> pings_{0};
    std::atomic<int> clean_closes_{0};
    mutable std::mutex mutex_;
    std::string last_request_;
    test_util::WsTestServer server_;  // last: its thread runs session() on the members above
};

WebSocketError error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const WebSocketError& e) {
        return e;
    }
    ADD_FAILURE() << "no WebSocketError thrown";
    return WebSocketError(WebSocketErrorKind::kInvalidUrl, "none", 0);
}

// Polls a condition the server thread makes true, for up to 2 s.
bool eventually(const std::function<bool()>& condition) {
    for (const auto until = Clock::now() + 2s; Clock::now() < until; std::this_thread::sleep_for(10ms))
        if (condition()) return true;
    return condition();
}

// A loopback port nothing listens on.
uint16_t unused_port() {
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {asio::ip::address_v4::loopback(), 0});
    return acceptor.local_endpoint().port();
}

WebSocketClient::Options quiet() {
    WebSocketClient::Options options;
    options.ping_interval = 0ms;
    return options;
}

TEST(WebSocketClient, EchoesAndSendsTheUpgradeRequestHeaders) {
    TestWsServer server;
    auto options = quiet();
    options.headers = {{"X-Api-Key", "k1"}};
    WebSocketClient ws(server.url("/v2/KEY?a=1"), options);
    EXPECT_FALSE(ws.is_open());
    ws.connect();
    EXPECT_TRUE(ws.is_open());
    ws.send_text("hello");
    ws.send_text(R"({"id":2})");
    EXPECT_EQ(ws.read(2s), "hello");
    EXPECT_EQ(ws.read(2s), R"({"id":2})");
    ws.send_text("");
    EXPECT_EQ(ws.read(2s), "");

    const auto head = server.last_request();
    EXPECT_TRUE(head.starts_with("GET /v2/KEY?a=1\r\n")) << head;
    EXPECT_NE(head.find(fmt::format("Host: 127.0.0.1:{}\r\n", server.port())), std::string::npos) << head;
    EXPECT_NE(head.find("User-Agent: tokensync\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("X-Api-Key: k1\r\n"), std::string::npos) << head;
    EXPECT_EQ(ws.authority(), fmt::format("127.0.0.1:{}", server.port()));

    ws.close();
    EXPECT_FALSE(ws.is_open());
}

TEST(WebSocketClient, ReadTimeoutReturnsNulloptAndKeepsTheConnection) {
    TestWsServer server;
    WebSocketClient ws(server.url(), quiet());
    ws.connect();
    const auto start = Clock::now();
    EXPECT_EQ(ws.read(150ms), std::nullopt);
    const auto elapsed = Clock::now() - start;
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_TRUE(ws.is_open());

    // A timeout in the middle of a message keeps the part already received.
    ws.send_text("slow first-half/second-half");
    EXPECT_EQ(ws.read(100ms), std::nullopt);
    EXPECT_EQ(ws.read(3s), "first-half/second-half");
    ws.send_text("after");
    EXPECT_EQ(ws.read(2s), "after");

    // Closing while a read is still pending completes the closing handshake
    // instead of waiting out close_timeout.
    EXPECT_EQ(ws.read(50ms), std::nullopt);
    const auto close_start = Clock::now();
    ws.close();
    EXPECT_LT(Clock::now() - close_start, 1s);
    EXPECT_FALSE(ws.is_open());
    EXPECT_TRUE(eventually([&] { return server.clean_closes() == 1; }));
}

TEST(WebSocketClient, ServerCloseThrowsWithTheReasonUntilReconnected) {
    TestWsServer server;
    WebSocketClient ws(server.url("/secret-path"), quiet());
    ws.connect();
    ws.send_text("close 4001 going away");
    const auto e = error_of([&] { ws.read(3s); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kClosed);
    EXPECT_EQ(e.close_code(), 4001);
    EXPECT_EQ(std::string(e.what()),
              fmt::format("127.0.0.1:{} closed the WebSocket (code 4001: going away)", server.port()));
    EXPECT_FALSE(ws.is_open());
    // The same error again, also for sending.
    EXPECT_EQ(error_of([&] { ws.read(10ms); }).kind(), WebSocketErrorKind::kClosed);
    EXPECT_EQ(error_of([&] { ws.send_text("x"); }).kind(), WebSocketErrorKind::kClosed);

    ws.connect();
    EXPECT_TRUE(ws.is_open());
    ws.send_text("again");
    EXPECT_EQ(ws.read(2s), "again");
}

TEST(WebSocketClient, OversizedMessageFailsTheConnection) {
    TestWsServer server;
    auto options = quiet();
    options.max_message_bytes = 1024;
    WebSocketClient ws(server.url(), options);
    ws.connect();
    ws.send_text("big 1024");
    EXPECT_EQ(ws.read(2s), std::string(1024, 'x'));
    ws.send_text("big 1025");
    const auto e = error_of([&] { ws.read(2s); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kMessageTooBig);
    EXPECT_EQ(std::string(e.what()), fmt::format("a message from 127.0.0.1:{} exceeded 1024 bytes", server.port()));
    EXPECT_FALSE(ws.is_open());
}

TEST(WebSocketClient, ConnectTimesOutWhenTheHandshakeIsNeverAnswered) {
    TestWsServer server(TestWsServer::Mode::kSilent);
    auto options = quiet();
    options.connect_timeout = 300ms;
    WebSocketClient ws(server.url("/v2/SECRETKEY"), options);
    const auto start = Clock::now();
    const auto e = error_of([&] { ws.connect(); });
    const auto elapsed = Clock::now() - start;
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kTimeout);
    EXPECT_EQ(std::string(e.what()),
              fmt::format("WebSocket handshake with 127.0.0.1:{}: no answer within 300 ms", server.port()));
    EXPECT_GE(elapsed, 300ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_FALSE(ws.is_open());
    EXPECT_EQ(error_of([&] { ws.read(10ms); }).kind(), WebSocketErrorKind::kNotOpen);
}

TEST(WebSocketClient, RefusedUpgradeNamesTheStatus) {
    TestWsServer server(TestWsServer::Mode::kRefuse);
    WebSocketClient ws(server.url(), quiet());
    const auto e = error_of([&] { ws.connect(); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kHandshake);
    EXPECT_EQ(std::string(e.what()),
              fmt::format("127.0.0.1:{} refused the WebSocket upgrade: HTTP 403", server.port()));
    EXPECT_FALSE(ws.is_open());
}

TEST(WebSocketClient, RefusedConnectionNamesHostAndPort) {
    const auto port = unused_port();
    WebSocketClient ws(fmt::format("ws://127.0.0.1:{}/v2/SECRETKEY", port), quiet());
    const auto e = error_of([&] { ws.connect(); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kConnect);
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with(fmt::format("cannot connect to 127.0.0.1:{}: ", port))) << message;
    EXPECT_EQ(message.find("SECRETKEY"), std::string::npos);
}

TEST(WebSocketClient, UnresolvableHostIsAResolveError) {
    WebSocketClient ws("ws://no-such-host.invalid:8545", quiet());
    const auto e = error_of([&] { ws.connect(); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kResolve);
    EXPECT_TRUE(std::string(e.what()).starts_with("cannot resolve no-such-host.invalid:8545")) << e.what();
}

TEST(WebSocketClient, DroppedConnectionIsConnectionLost) {
    TestWsServer server;
    WebSocketClient ws(server.url(), quiet());
    ws.connect();
    ws.send_text("drop");
    const auto e = error_of([&] { ws.read(3s); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kConnectionLost);
    EXPECT_TRUE(std::string(e.what()).starts_with(fmt::format("connection to 127.0.0.1:{} lost: ", server.port())))
        << e.what();
    EXPECT_FALSE(ws.is_open());
}

TEST(WebSocketClient, PingsKeepAnIdleConnectionAlive) {
    TestWsServer server;
    auto options = quiet();
    options.ping_interval = 50ms;
    options.pong_timeout = 500ms;
    WebSocketClient ws(server.url(), options);
    ws.connect();
    EXPECT_EQ(ws.read(500ms), std::nullopt);
    EXPECT_TRUE(ws.is_open());
    EXPECT_GE(ws.pings_sent(), 3u);
    ws.send_text("still there");
    EXPECT_EQ(ws.read(2s), "still there");
    // The server saw them (it counts while it reads, and it has read the message after them).
    EXPECT_GE(server.pings_received(), 3);
}

TEST(WebSocketClient, NoPingsWhileMessagesArrive) {
    TestWsServer server;
    auto options = quiet();
    options.ping_interval = 600ms;
    WebSocketClient ws(server.url(), options);
    ws.connect();
    // 1.5 s in all, but never 600 ms without a frame from the server.
    for (int i = 0; i < 5; ++i) {
        ws.send_text("slow ab");
        EXPECT_EQ(ws.read(2s), "ab");
    }
    EXPECT_EQ(ws.pings_sent(), 0u);
    ws.close();

    WebSocketClient silent(server.url(), quiet());
    silent.connect();
    EXPECT_EQ(silent.read(200ms), std::nullopt);
    EXPECT_EQ(silent.pings_sent(), 0u);
}

TEST(WebSocketClient, MissingPongDropsTheConnection) {
    TestWsServer server;
    auto options = quiet();
    options.ping_interval = 100ms;
    options.pong_timeout = 200ms;
    WebSocketClient ws(server.url(), options);
    ws.connect();
    ws.send_text("mute");
    const auto start = Clock::now();
    const auto e = error_of([&] { ws.read(5s); });
    const auto elapsed = Clock::now() - start;
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kTimeout);
    EXPECT_EQ(std::string(e.what()),
              fmt::format("no pong from 127.0.0.1:{} within 200 ms; dropping the connection", server.port()));
    EXPECT_GE(elapsed, 300ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(ws.pings_sent(), 1u);
    EXPECT_FALSE(ws.is_open());
}

TEST(WebSocketClient, SendTimesOutWhenTheServerStopsReading) {
    TestWsServer server;
    auto options = quiet();
    options.send_timeout = 300ms;
    WebSocketClient ws(server.url("/v2/SECRETKEY"), options);
    ws.connect();
    ws.send_text("mute");
    // Far more than the socket buffers of both ends hold.
    const std::string huge(64u << 20, 'x');
    const auto e = error_of([&] { ws.send_text(huge); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kTimeout);
    EXPECT_EQ(std::string(e.what()), fmt::format("sending to 127.0.0.1:{} timed out after 300 ms", server.port()));
    EXPECT_FALSE(ws.is_open());
    EXPECT_EQ(error_of([&] { ws.read(10ms); }).kind(), WebSocketErrorKind::kTimeout);
}

TEST(WebSocketClient, UseBeforeConnectAndAfterCloseIsNotOpen) {
    TestWsServer server;
    WebSocketClient ws(server.url(), quiet());
    ws.close();  // a no-op
    EXPECT_EQ(error_of([&] { ws.send_text("x"); }).kind(), WebSocketErrorKind::kNotOpen);
    const auto e = error_of([&] { ws.read(10ms); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kNotOpen);
    EXPECT_EQ(std::string(e.what()), fmt::format("WebSocket to 127.0.0.1:{} is not open", server.port()));
    ws.connect();
    ws.close();
    EXPECT_EQ(error_of([&] { ws.read(10ms); }).kind(), WebSocketErrorKind::kNotOpen);

    // A moved-to client keeps the connection.
    ws.connect();
    WebSocketClient moved(std::move(ws));
    moved.send_text("moved");
    EXPECT_EQ(moved.read(2s), "moved");
}

TEST(WebSocketClient, RejectsUrlsItCannotUse) {
    EXPECT_EQ(error_of([] { WebSocketClient("http://127.0.0.1:8545"); }).kind(), WebSocketErrorKind::kInvalidUrl);
    EXPECT_EQ(error_of([] { WebSocketClient("127.0.0.1:8545"); }).kind(), WebSocketErrorKind::kInvalidUrl);
    EXPECT_EQ(error_of([] { WebSocketClient("ws://"); }).kind(), WebSocketErrorKind::kInvalidUrl);
    EXPECT_EQ(error_of([] { WebSocketClient("ws://h:70000"); }).kind(), WebSocketErrorKind::kInvalidUrl);
    const auto creds = error_of([] { WebSocketClient("ws://user:pw@h/"); });
    EXPECT_EQ(creds.kind(), WebSocketErrorKind::kInvalidUrl);
    EXPECT_EQ(std::string(creds.what()), "invalid URL: credentials in URL");
    // Upper-case schemes and the default ports are accepted.
    EXPECT_EQ(WebSocketClient("WS://Example.com/x").authority(), "example.com:80");
    EXPECT_EQ(WebSocketClient("wss://eth-mainnet.g.alchemy.com/v2/SECRETKEY").authority(),
              "eth-mainnet.g.alchemy.com:443");
}

TEST(WebSocketClient, ErrorKindsHaveNames) {
    EXPECT_EQ(to_string(WebSocketErrorKind::kInvalidUrl), "invalid URL");
    EXPECT_EQ(to_string(WebSocketErrorKind::kTls), "TLS failed");
    EXPECT_EQ(to_string(WebSocketErrorKind::kResolve), "resolve failed");
    EXPECT_EQ(to_string(WebSocketErrorKind::kConnect), "connect failed");
    EXPECT_EQ(to_string(WebSocketErrorKind::kHandshake), "handshake failed");
    EXPECT_EQ(to_string(WebSocketErrorKind::kTimeout), "timed out");
    EXPECT_EQ(to_string(WebSocketErrorKind::kClosed), "closed by server");
    EXPECT_EQ(to_string(WebSocketErrorKind::kMessageTooBig), "message too big");
    EXPECT_EQ(to_string(WebSocketErrorKind::kConnectionLost), "connection lost");
    EXPECT_EQ(to_string(WebSocketErrorKind::kNotOpen), "not open");
}

// wss: the same client over TLS, against a certificate made for the test.
class WssTest : public ::testing::Test {
  protected:
    WebSocketClient::Options trusting() const {
        auto options = quiet();
        options.tls_ca_file = ca_file_;
        return options;
    }

    test_util::TlsTestPki pki_ = test_util::make_test_pki();
    test_util::TempDir dir_{"tokensync-wss"};
    std::string ca_file_ = pki_.save_ca(dir_.path());
};

TEST_F(WssTest, EchoesAndReconnectsAfterTheServerDropsTheConnection) {
    TestWsServer server(TestWsServer::Mode::kServe, pki_.server);
    EXPECT_TRUE(server.url().starts_with("wss://"));
    WebSocketClient ws(server.url("/v2/SECRETKEY"), trusting());
    ws.connect();
    ws.send_text(R"({"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]})");
    EXPECT_EQ(ws.read(2s), R"({"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]})");
    ws.send_text("big 100000");  // several TLS records
    EXPECT_EQ(ws.read(2s), std::string(100000, 'x'));
    EXPECT_TRUE(server.last_request().starts_with("GET /v2/SECRETKEY\r\n")) << server.last_request();

    ws.send_text("drop");
    const auto e = error_of([&] { ws.read(3s); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kConnectionLost);
    EXPECT_EQ(std::string(e.what()).find("SECRETKEY"), std::string::npos) << e.what();

    ws.connect();
    ws.send_text("again");
    EXPECT_EQ(ws.read(2s), "again");
    EXPECT_EQ(server.tls_handshakes(), 2);

    // A clean close over TLS: close frames both ways, then close_notify.
    ws.close();
    EXPECT_TRUE(eventually([&] { return server.clean_closes() == 1; }));
}

TEST_F(WssTest, ByHostNameWithSni) {
    TestWsServer server(TestWsServer::Mode::kServe, pki_.server);
    WebSocketClient ws(fmt::format("wss://localhost:{}/", server.port()), trusting());
    ws.connect();
    ws.send_text("by name");
    EXPECT_EQ(ws.read(2s), "by name");
    EXPECT_NE(server.last_request().find(fmt::format("Host: localhost:{}\r\n", server.port())), std::string::npos);
}

TEST_F(WssTest, UntrustedCertificateIsRefused) {
    TestWsServer server(TestWsServer::Mode::kServe, pki_.server);
    WebSocketClient ws(server.url("/v2/SECRETKEY?apikey=QUERYKEY"), quiet());
    const auto e = error_of([&] { ws.connect(); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kTls);
    const std::string message = e.what();
    EXPECT_EQ(message, fmt::format("cannot reach 127.0.0.1:{}: TLS handshake failed: certificate verify failed "
                                   "(unable to get local issuer certificate)",
                                   server.port()));
    EXPECT_EQ(infra::redact(message), message);
    EXPECT_FALSE(ws.is_open());
    EXPECT_TRUE(eventually([&] { return server.tls_failures() == 1; }));
    EXPECT_EQ(server.tls_handshakes(), 0);
}

TEST_F(WssTest, CertificateForAnotherHostIsRefused) {
    const auto other = test_util::make_test_pki({"node.example.org"}, {});
    TestWsServer server(TestWsServer::Mode::kServe, other.server);
    auto options = quiet();
    options.tls_ca_file = other.save_ca(dir_.path());
    WebSocketClient ws(server.url(), options);
    const auto e = error_of([&] { ws.connect(); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kTls);
    EXPECT_EQ(std::string(e.what()),
              fmt::format("cannot reach 127.0.0.1:{}: TLS handshake failed: certificate verify failed "
                          "(hostname mismatch)",
                          server.port()));
}

TEST_F(WssTest, HandshakeNeverAnsweredTimesOut) {
    TestWsServer server(TestWsServer::Mode::kSilent, pki_.server);
    auto options = trusting();
    options.connect_timeout = 300ms;
    WebSocketClient ws(server.url("/v2/SECRETKEY"), options);
    const auto start = Clock::now();
    const auto e = error_of([&] { ws.connect(); });
    const auto elapsed = Clock::now() - start;
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kTls);
    EXPECT_EQ(std::string(e.what()),
              fmt::format("cannot reach 127.0.0.1:{}: TLS handshake: no answer within 300 ms", server.port()));
    EXPECT_GE(elapsed, 300ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_FALSE(ws.is_open());
}

TEST_F(WssTest, PlainServerIsNotMistakenForTls) {
    TestWsServer server;  // ws:// only
    WebSocketClient ws(fmt::format("wss://127.0.0.1:{}/", server.port()), trusting());
    const auto e = error_of([&] { ws.connect(); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kTls);
    EXPECT_TRUE(std::string(e.what()).starts_with(
        fmt::format("cannot reach 127.0.0.1:{}: TLS handshake failed: ", server.port())))
        << e.what();
}

TEST_F(WssTest, UnreadableCaFileIsRefusedAtConstruction) {
    auto options = quiet();
    options.tls_ca_file = (dir_.path() / "missing.pem").string();
    const auto e = error_of([&] { WebSocketClient ws("wss://node.example.org/v2/SECRETKEY", options); });
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kTls);
    const std::string message = e.what();
    EXPECT_TRUE(
        message.starts_with(fmt::format("TLS for node.example.org:443 cannot be set up: cannot load the CA "
                                        "file \"{}\": ",
                                        options.tls_ca_file)))
        << message;
    EXPECT_EQ(message.find("SECRETKEY"), std::string::npos);
}

}  // namespace
}  // namespace tokensync::net
