#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "net/stream.hpp"
#include "test_util/tls_test_cert.hpp"

namespace tokensync::test_util {

// The listening half of the WebSocket test servers (ws_client_test,
// head_tracker_test): accepts on 127.0.0.1 on its own thread, does the
// server's TLS handshake when given an identity, and runs the test's session
// coroutine on each connection. The session does the upgrade and everything
// after it on a net::Stream, so one session serves ws:// and wss:// alike.
class WsTestServer {
  public:
    using Session = std::function<boost::asio::awaitable<void>(net::Stream)>;

    struct Options {
        std::optional<TlsTestIdentity> tls;  // serve wss (TLS 1.2+) with this certificate
        // Accept TCP connections and never answer, not even the TLS handshake.
        bool silent = false;
    };

    explicit WsTestServer(Session session);  // throws when it cannot listen
    WsTestServer(Session session, Options options);
    ~WsTestServer();
    WsTestServer(const WsTestServer&) = delete;
    WsTestServer& operator=(const WsTestServer&) = delete;

    uint16_t port() const noexcept { return port_; }
    // "ws://127.0.0.1:<port><target>" ("wss://" with Options::tls).
    std::string url(std::string_view target = "/") const;
    // For the session's timers.
    boost::asio::io_context& context() noexcept { return ioc_; }
    int connections_accepted() const noexcept { return connections_; }
    // TLS handshakes that completed, and those that failed (the client refused the certificate...).
    int tls_handshakes() const noexcept { return tls_handshakes_; }
    int tls_failures() const noexcept { return tls_failures_; }

  private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

    Session session_;
    Options options_;
    boost::asio::io_context ioc_{1};
    std::optional<boost::asio::ssl::context> tls_context_;
    boost::asio::ip::tcp::acceptor acceptor_{ioc_};
    uint16_t port_ = 0;
    std::vector<boost::asio::ip::tcp::socket> silent_;
    std::atomic<int> connections_{0};
    std::atomic<int> tls_handshakes_{0};
    std::atomic<int> tls_failures_{0};
    std::thread thread_;
};

}  // namespace tokensync::test_util
