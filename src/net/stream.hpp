#pragma once

// Boost.Asio/Beast inside: included by net's .cpp files and by test servers,
// never by a public net header.

#include <cstddef>
#include <expected>
#include <string>
#include <utility>
#include <variant>

#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace tokensync::net {

// The connection under an HTTP or WebSocket client (or a test server): plain
// TCP or TLS over TCP. Beast's HTTP and WebSocket code is written against
// this one type, so the request/response and framing logic exists once for
// http and https, ws and wss; only connecting differs.
class Stream {
  public:
    using Tcp = boost::asio::ip::tcp::socket;
    using Tls = boost::asio::ssl::stream<Tcp>;
    using executor_type = Tcp::executor_type;

    explicit Stream(Tcp socket) : stream_(std::move(socket)) {}
    explicit Stream(Tls stream) : stream_(std::move(stream)) {}

    executor_type get_executor() noexcept {
        return std::visit([](auto& s) { return s.get_executor(); }, stream_);
    }
    // The TCP socket at the bottom, for connecting, options and closing.
    Tcp& socket() noexcept {
        return std::visit([](auto& s) -> Tcp& { return lowest(s); }, stream_);
    }
    const Tcp& socket() const noexcept {
        return std::visit([](const auto& s) -> const Tcp& { return lowest(s); }, stream_);
    }
    // The TLS layer, or nullptr for plain TCP.
    Tls* tls() noexcept { return std::get_if<Tls>(&stream_); }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            [this](auto handler, const MutableBuffers& b) {
                std::visit([&](auto& s) { s.async_read_some(b, std::move(handler)); }, stream_);
            },
            token, buffers);
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            [this](auto handler, const ConstBuffers& b) {
                std::visit([&](auto& s) { s.async_write_some(b, std::move(handler)); }, stream_);
            },
            token, buffers);
    }

  private:
    static Tcp& lowest(Tcp& s) noexcept { return s; }
    static Tcp& lowest(Tls& s) noexcept { return s.next_layer(); }
    static const Tcp& lowest(const Tcp& s) noexcept { return s; }
    static const Tcp& lowest(const Tls& s) noexcept { return s.next_layer(); }

    std::variant<Tcp, Tls> stream_;
};

// Found by Beast through argument-dependent lookup: how a WebSocket over a
// Stream drops its connection and ends it after the closing handshake (for
// TLS, close_notify first).
inline void beast_close_socket(Stream& stream) {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
}

inline void teardown(boost::beast::role_type role, Stream& stream, boost::system::error_code& ec) {
    if (auto* tls = stream.tls()) {
        boost::beast::teardown(role, *tls, ec);
    } else {
        boost::beast::websocket::teardown(role, stream.socket(), ec);
    }
}

template <class Handler>
void async_teardown(boost::beast::role_type role, Stream& stream, Handler&& handler) {
    if (auto* tls = stream.tls()) {
        boost::beast::async_teardown(role, *tls, std::forward<Handler>(handler));
    } else {
        boost::beast::websocket::async_teardown(role, stream.socket(), std::forward<Handler>(handler));
    }
}

// A client context: TLS 1.2 or later, peers verified against the system's
// trust store plus, when ca_file is not empty, the PEM certificates in it.
// The error names the file and why it could not be used.
std::expected<boost::asio::ssl::context, std::string> make_client_tls_context(const std::string& ca_file);

// Before the handshake: SNI (for a host name; IP literals are not sent) and
// verification of the peer's chain and of its name or address (RFC 6125).
void prepare_client_tls(Stream::Tls& tls, const std::string& host);

// Why a TLS handshake failed, e.g. "certificate verify failed (self-signed
// certificate)" or "certificate verify failed (hostname mismatch)".
std::string describe_tls_failure(const boost::system::error_code& ec, Stream::Tls& tls);

}  // namespace tokensync::net
