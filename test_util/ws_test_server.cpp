#include "test_util/ws_test_server.hpp"

#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

namespace tokensync::test_util {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

WsTestServer::WsTestServer(Session session) : WsTestServer(std::move(session), Options{}) {}

WsTestServer::WsTestServer(Session session, Options options)
    : session_(std::move(session)), options_(std::move(options)) {
    if (options_.tls) {
        auto& ctx = tls_context_.emplace(ssl::context::tls_server);
        ctx.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                        ssl::context::no_tlsv1_1);
        ctx.use_certificate_chain(asio::buffer(options_.tls->cert_pem));
        ctx.use_private_key(asio::buffer(options_.tls->key_pem), ssl::context::pem);
    }
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::address_v4::loopback(), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
}

WsTestServer::~WsTestServer() {
    ioc_.stop();
    thread_.join();
}

std::string WsTestServer::url(std::string_view target) const {
    return fmt::format("{}://127.0.0.1:{}{}", options_.tls ? "wss" : "ws", port_, target);
}

asio::awaitable<void> WsTestServer::accept_loop() {
    for (;;) {
        tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
        ++connections_;
        if (options_.silent) {
            silent_.push_back(std::move(socket));
            continue;
        }
        // Failures end the session: a test that expects none checks the client side.
        asio::co_spawn(ioc_, serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> WsTestServer::serve(tcp::socket socket) {
    std::optional<net::Stream> stream;
    if (tls_context_) {
        net::Stream::Tls tls(std::move(socket), *tls_context_);
        boost::system::error_code ec;
        co_await tls.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
        ++(ec ? tls_failures_ : tls_handshakes_);
        if (!ec) stream.emplace(std::move(tls));
    } else {
        stream.emplace(std::move(socket));
    }
    if (stream) co_await session_(std::move(*stream));
}

}  // namespace tokensync::test_util
