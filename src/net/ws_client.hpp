#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokensync::net {

// Why a WebSocket operation failed.
enum class WebSocketErrorKind {
    kInvalidUrl,      // the URL could not be parsed, or its scheme is not ws/wss
    kResolve,         // the host name did not resolve (or not within the connect timeout)
    kConnect,         // refused, unreachable, or no TCP connection within the connect timeout
    kTls,             // wss: the TLS handshake failed or timed out, or the CA file cannot be used
    kHandshake,       // the server refused the upgrade or broke off the handshake
    kTimeout,         // no handshake, send or pong within its timeout; the connection is dropped
    kClosed,          // the server closed the WebSocket; close_code() and the message carry its reason
    kMessageTooBig,   // a message from the server exceeded Options::max_message_bytes
    kConnectionLost,  // the TCP connection failed or the peer broke the protocol
    kNotOpen,         // used before connect() or after close()
};

std::string_view to_string(WebSocketErrorKind kind) noexcept;

// Thrown by WebSocketClient. The message names host:port and the cause, never
// the URL's path or query: provider API keys live there.
class WebSocketError : public std::runtime_error {
  public:
    WebSocketError(WebSocketErrorKind kind, const std::string& message, uint16_t close_code = 0)
        : std::runtime_error(message), kind_(kind), close_code_(close_code) {}
    WebSocketErrorKind kind() const noexcept { return kind_; }
    // The code of the server's close frame for kClosed (0 when it sent none).
    uint16_t close_code() const noexcept { return close_code_; }

  private:
    WebSocketErrorKind kind_;
    uint16_t close_code_;
};

// A synchronous WebSocket client for one endpoint, e.g. a node's
// "ws://127.0.0.1:8545" for eth_subscribe. Nothing happens on the socket
// between calls: pings are sent, and the server's pings and pongs answered,
// only while read() waits, so a subscriber should call read() in a loop.
// A read() that times out leaves a partly received message in place for the
// next call. Not thread-safe: one client per thread. Boost stays inside
// ws_client.cpp (pimpl) so includers compile fast.
class WebSocketClient {
  public:
    struct Options {
        std::chrono::milliseconds connect_timeout{10'000};  // resolve, TCP connect, TLS and upgrade handshakes
        std::chrono::milliseconds send_timeout{10'000};     // one send_text()
        std::chrono::milliseconds close_timeout{2'000};     // the closing handshake in close()
        std::size_t max_message_bytes = 64u << 20;          // one message; larger ones fail the connection
        // Providers drop sockets that stay silent; a dead peer is only noticed
        // by asking. After ping_interval without any frame from the server a
        // ping is sent; no frame at all within pong_timeout after it fails the
        // connection (kTimeout). Zero disables pings.
        std::chrono::milliseconds ping_interval{20'000};
        std::chrono::milliseconds pong_timeout{10'000};
        std::string user_agent = "tokensync";
        std::vector<std::pair<std::string, std::string>> headers;  // sent with the upgrade request
        // wss: a PEM file of CA certificates trusted besides the system's.
        std::string tls_ca_file;
    };

    // url: "ws[s]://host[:port][/path][?query]". Throws WebSocketError
    // (kInvalidUrl, or kTls when the CA file cannot be used). Does not
    // connect; wss verifies the server's certificate and host name (TLS 1.2+).
    explicit WebSocketClient(std::string_view url);
    WebSocketClient(std::string_view url, Options options);
    ~WebSocketClient();
    WebSocketClient(WebSocketClient&&) noexcept;
    WebSocketClient& operator=(WebSocketClient&&) noexcept;
    WebSocketClient(const WebSocketClient&) = delete;
    WebSocketClient& operator=(const WebSocketClient&) = delete;

    // Opens the connection and performs the upgrade handshake; drops any
    // previous connection first (subscriptions die with it).
    void connect();
    // Sends one text message. Throws on failure; the connection is then dropped.
    void send_text(std::string_view text);
    // The next whole message (text or binary, as bytes), or nullopt when none
    // completed within timeout; the connection stays usable after a nullopt.
    // Throws when the server closed the connection (kClosed, with its reason),
    // when the connection failed, or when a ping went unanswered; after that
    // every call throws the same error until connect().
    std::optional<std::string> read(std::chrono::milliseconds timeout);
    // Closing handshake (bounded by close_timeout), then drops the socket.
    // Never throws; a no-op when not connected.
    void close() noexcept;
    // Connected and not failed.
    bool is_open() const noexcept;

    // host:port of the server, for messages.
    const std::string& authority() const noexcept;
    // Pings sent on the current and earlier connections (tests and metrics).
    std::size_t pings_sent() const noexcept;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tokensync::net
