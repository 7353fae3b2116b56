#include "net/ws_client.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>
#include <fmt/format.h>

#include "infra/url.hpp"
#include "net/stream.hpp"
#include "net/url.hpp"

// Like HttpClient, one io_context per client runs asynchronous operations
// against deadlines. The difference: a read that reaches read()'s deadline is
// not cancelled (cancelling a Beast read fails the whole stream) but left
// pending, and the next read() simply waits on it again. Every other
// operation is waited for to completion, or the connection is dropped and the
// cancelled handlers are run before the state they point to goes away.

namespace tokensync::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr std::size_t kReadChunk = 64u << 10;
// Cancelled operations finish at once; this only bounds a cancelled resolve,
// which waits for getaddrinfo.
constexpr std::chrono::seconds kDrainLimit{10};

long long as_ms(std::chrono::milliseconds d) { return static_cast<long long>(d.count()); }

// net::Url knows http and https only; ws and wss use the same defaults
// (ports 80 and 443, the same Host header), so the scheme is mapped.
Url parse_ws_url(std::string_view text) {
    const auto parts = infra::split_url(text);
    std::string mapped;
    if (parts) {
        std::string scheme(parts->scheme);
        std::ranges::transform(scheme, scheme.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (scheme == "ws") mapped = "http";
        if (scheme == "wss") mapped = "https";
        if (mapped.empty())
            throw WebSocketError(WebSocketErrorKind::kInvalidUrl, "invalid URL: the scheme must be ws or wss");
        mapped.append(text.substr(parts->scheme.size()));
    }
    auto url = Url::parse(mapped);
    // The URL itself may hold a key, so only the cause is reported.
    if (!url)
        throw WebSocketError(WebSocketErrorKind::kInvalidUrl, fmt::format("invalid URL: {}", to_string(url.error())));
    return *std::move(url);
}

std::optional<ssl::context> tls_context_for(const Url& url, const std::string& ca_file) {
    if (!url.is_tls()) return std::nullopt;
    auto ctx = make_client_tls_context(ca_file);
    if (!ctx)
        throw WebSocketError(WebSocketErrorKind::kTls,
                             fmt::format("TLS for {} cannot be set up: {}", url.authority(), ctx.error()));
    return std::move(*ctx);
}

}  // namespace

std::string_view to_string(WebSocketErrorKind kind) noexcept {
    switch (kind) {
        case WebSocketErrorKind::kInvalidUrl:
            return "invalid URL";
        case WebSocketErrorKind::kTls:
            return "TLS failed";
        case WebSocketErrorKind::kResolve:
            return "resolve failed";
        case WebSocketErrorKind::kConnect:
            return "connect failed";
        case WebSocketErrorKind::kHandshake:
            return "handshake failed";
        case WebSocketErrorKind::kTimeout:
            return "timed out";
        case WebSocketErrorKind::kClosed:
            return "closed by server";
        case WebSocketErrorKind::kMessageTooBig:
            return "message too big";
        case WebSocketErrorKind::kConnectionLost:
            return "connection lost";
        case WebSocketErrorKind::kNotOpen:
            return "not open";
    }
    return "unknown WebSocket error";
}

class WebSocketClient::Impl {
  public:
    Impl(Url url, Options options)
        : url_(std::move(url)),
          options_(std::move(options)),
          authority_(url_.authority()),
          tls_context_(tls_context_for(url_, options_.tls_ca_file)) {}
    ~Impl() { abort(); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void connect() {
        close();
        const auto deadline = Clock::now() + options_.connect_timeout;
        const auto limit_ms = as_ms(options_.connect_timeout);
        error_code ec;
        bool done = false;
        auto finish = [&](error_code e, auto&&...) {
            ec = e;
            done = true;
        };

        tcp::resolver resolver(ioc_);
        tcp::resolver::results_type endpoints;
        resolver.async_resolve(url_.host, std::to_string(url_.port), [&](error_code e, tcp::resolver::results_type r) {
            endpoints = std::move(r);
            finish(e);
        });
        if (!run_until(deadline, [&] { return done; })) {
            resolver.cancel();
            abort();
            throw WebSocketError(WebSocketErrorKind::kResolve,
                                 fmt::format("cannot resolve {}: no answer within {} ms", authority_, limit_ms));
        }
        if (ec)
            throw WebSocketError(WebSocketErrorKind::kResolve,
                                 fmt::format("cannot resolve {}: {}", authority_, ec.message()));

        if (tls_context_) {
            ws_.emplace(Stream(Stream::Tls(ioc_, *tls_context_)));
        } else {
            ws_.emplace(Stream(tcp::socket(ioc_)));
        }
        done = false;
        asio::async_connect(ws_->next_layer().socket(), endpoints, finish);
        if (!run_until(deadline, [&] { return done; }))
            drop(WebSocketErrorKind::kConnect,
                 fmt::format("cannot connect to {}: no answer within {} ms", authority_, limit_ms));
        if (ec) drop(WebSocketErrorKind::kConnect, fmt::format("cannot connect to {}: {}", authority_, ec.message()));
        ws_->next_layer().socket().set_option(tcp::no_delay(true), ec);
        if (auto* tls = ws_->next_layer().tls()) {
            prepare_client_tls(*tls, url_.host);
            done = false;
            tls->async_handshake(ssl::stream_base::client, finish);
            if (!run_until(deadline, [&] { return done; }))
                drop(WebSocketErrorKind::kTls,
                     fmt::format("cannot reach {}: TLS handshake: no answer within {} ms", authority_, limit_ms));
            if (ec)
                drop(WebSocketErrorKind::kTls, fmt::format("cannot reach {}: TLS handshake failed: {}", authority_,
                                                           describe_tls_failure(ec, *tls)));
        }
        configure();

        websocket::response_type response;
        done = false;
        ws_->async_handshake(response, url_.host_header(), url_.target, finish);
        if (!run_until(deadline, [&] { return done; }))
            drop(WebSocketErrorKind::kTimeout,
                 fmt::format("WebSocket handshake with {}: no answer within {} ms", authority_, limit_ms));
        if (ec == websocket::error::upgrade_declined)
            drop(WebSocketErrorKind::kHandshake,
                 fmt::format("{} refused the WebSocket upgrade: HTTP {}", authority_, response.result_int()));
        if (ec)
            drop(WebSocketErrorKind::kHandshake,
                 fmt::format("WebSocket handshake with {} failed: {}", authority_, ec.message()));
        note_received();
    }

    void send_text(std::string_view text) {
        require_open();
        bool done = false;
        error_code ec;
        ws_->text(true);
        ws_->async_write(asio::buffer(text.data(), text.size()), [&](error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!run_until(Clock::now() + options_.send_timeout, [&] { return done; }))
            fail(WebSocketErrorKind::kTimeout,
                 fmt::format("sending to {} timed out after {} ms", authority_, as_ms(options_.send_timeout)));
        if (ec)
            fail(WebSocketErrorKind::kConnectionLost,
                 fmt::format("sending to {} failed: {}", authority_, ec.message()));
    }

    std::optional<std::string> read(std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            require_open();
            // Whatever already arrived counts before any deadline is judged:
            // a pong may be waiting in the socket since the last call.
            ioc_.restart();
            ioc_.poll();
            if (message_ready_) return take_message();
            if (failure_) continue;
            if (!read_pending_) {
                start_read();
                continue;
            }
            auto wake = deadline;
            if (options_.ping_interval.count() > 0) {
                const auto now = Clock::now();
                if (ping_outstanding_) {
                    const auto limit = ping_sent_at_ + options_.pong_timeout;
                    if (now >= limit)
                        fail(WebSocketErrorKind::kTimeout,
                             fmt::format("no pong from {} within {} ms; dropping the connection", authority_,
                                         as_ms(options_.pong_timeout)));
                    wake = std::min(wake, limit);
                } else {
                    const auto due = last_received_ + options_.ping_interval;
                    if (now >= due) {
                        send_ping();
                        continue;
                    }
                    wake = std::min(wake, due);
                }
            }
            if (Clock::now() >= deadline) return std::nullopt;
            ioc_.restart();
            ioc_.run_one_until(wake);
        }
    }

    void close() noexcept {
        if (ws_ && !failure_) {
            try {
                const auto deadline = Clock::now() + options_.close_timeout;
                // Beast allows one control frame (ping or close) in flight.
                if (run_until(deadline, [&] { return !ping_write_pending_; })) {
                    bool done = false;
                    ws_->async_close(websocket::close_code::normal, [&](error_code) { done = true; });
                    run_until(deadline, [&] { return done; });
                }
            } catch (...) {  // NOLINT(bugprone-empty-catch): close is best effort; the socket is dropped below
            }
        }
        abort();
        failure_.reset();
    }

    bool is_open() const noexcept { return ws_.has_value() && !failure_ && ws_->is_open(); }
    const std::string& authority() const noexcept { return authority_; }
    std::size_t pings_sent() const noexcept { return pings_sent_; }

  private:
    void configure() {
        ws_->set_option(
            websocket::stream_base::timeout{websocket::stream_base::none(), websocket::stream_base::none(), false});
        ws_->set_option(websocket::stream_base::decorator(
            [user_agent = options_.user_agent, headers = options_.headers](websocket::request_type& req) {
                req.set(beast::http::field::user_agent, user_agent);
                for (const auto& [name, value] : headers)
                    req.set(name, value);
            }));
        ws_->read_message_max(options_.max_message_bytes);
        // Called while a read runs, for every ping, pong and close frame.
        ws_->control_callback([this](websocket::frame_type kind, beast::string_view) {
            if (kind != websocket::frame_type::close) note_received();
        });
    }

    void start_read() {
        read_pending_ = true;
        ws_->async_read_some(buffer_, kReadChunk, [this](error_code ec, std::size_t) {
            read_pending_ = false;
            if (ec) {
                if (!failure_ && ec != asio::error::operation_aborted) failure_ = read_error(ec);
                return;
            }
            note_received();
            if (ws_->is_message_done()) message_ready_ = true;
        });
    }

    void send_ping() {
        ping_outstanding_ = true;
        ping_sent_at_ = Clock::now();
        if (ping_write_pending_) return;
        ping_write_pending_ = true;
        ++pings_sent_;
        ws_->async_ping({}, [this](error_code ec) {
            ping_write_pending_ = false;
            if (ec && ec != asio::error::operation_aborted && !failure_)
                failure_.emplace(WebSocketErrorKind::kConnectionLost,
                                 fmt::format("sending a ping to {} failed: {}", authority_, ec.message()));
        });
    }

    // Any frame from the server proves the connection alive.
    void note_received() {
        last_received_ = Clock::now();
        ping_outstanding_ = false;
    }

    std::string take_message() {
        std::string out = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        message_ready_ = false;
        return out;
    }

    WebSocketError read_error(error_code ec) const {
        if (ec == websocket::error::closed) {
            const auto& reason = ws_->reason();
            const auto code = static_cast<uint16_t>(reason.code);
            const std::string text(reason.reason.data(), reason.reason.size());
            std::string detail = code == 0 ? std::string("no code") : fmt::format("code {}", code);
            if (!text.empty()) detail += fmt::format(": {}", text);
            return {WebSocketErrorKind::kClosed, fmt::format("{} closed the WebSocket ({})", authority_, detail), code};
        }
        if (ec == websocket::error::message_too_big)
            return {WebSocketErrorKind::kMessageTooBig,
                    fmt::format("a message from {} exceeded {} bytes", authority_, options_.max_message_bytes)};
        return {WebSocketErrorKind::kConnectionLost,
                fmt::format("connection to {} lost: {}", authority_, ec.message())};
    }

    void require_open() {
        if (failure_) {
            abort();
            throw *failure_;
        }
        if (!ws_)
            throw WebSocketError(WebSocketErrorKind::kNotOpen, fmt::format("WebSocket to {} is not open", authority_));
    }

    // An established connection failed: the first cause is kept for later calls.
    [[noreturn]] void fail(WebSocketErrorKind kind, const std::string& message) {
        if (!failure_) failure_.emplace(kind, message);
        abort();
        throw *failure_;
    }

    // Connecting failed: nothing to remember.
    [[noreturn]] void drop(WebSocketErrorKind kind, const std::string& message) {
        abort();
        throw WebSocketError(kind, message);
    }

    // Runs handlers until done() or the deadline; false on the deadline.
    template <class Done>
    bool run_until(Clock::time_point deadline, Done&& done) {
        while (!done()) {
            ioc_.restart();
            if (Clock::now() >= deadline) return ioc_.poll_one() != 0 ? done() : false;
            if (ioc_.run_one_until(deadline) == 0 && ioc_.stopped() && Clock::now() < deadline)
                throw std::logic_error("WebSocketClient: waiting with no operation pending");
        }
        return true;
    }

    // Drops the TCP connection at once and runs the cancelled handlers, so
    // none outlives the state it points to.
    void abort() noexcept {
        error_code ignored;
        if (ws_) {
            ws_->next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
            ws_->next_layer().socket().close(ignored);
        }
        ioc_.restart();
        ioc_.run_for(kDrainLimit);
        ws_.reset();
        buffer_.clear();
        read_pending_ = false;
        message_ready_ = false;
        ping_write_pending_ = false;
        ping_outstanding_ = false;
    }

    Url url_;
    Options options_;
    std::string authority_;
    std::optional<ssl::context> tls_context_;  // wss only
    asio::io_context ioc_{1};
    std::optional<websocket::stream<Stream>> ws_;
    beast::flat_buffer buffer_;
    std::optional<WebSocketError> failure_;
    bool read_pending_ = false;
    bool message_ready_ = false;
    bool ping_write_pending_ = false;
    bool ping_outstanding_ = false;
    Clock::time_point last_received_{};
    Clock::time_point ping_sent_at_{};
    std::size_t pings_sent_ = 0;
};

WebSocketClient::WebSocketClient(std::string_view url) : WebSocketClient(url, Options{}) {}

WebSocketClient::WebSocketClient(std::string_view url, Options options)
    : impl_(std::make_unique<Impl>(parse_ws_url(url), std::move(options))) {}

WebSocketClient::~WebSocketClient() = default;
WebSocketClient::WebSocketClient(WebSocketClient&&) noexcept = default;
WebSocketClient& WebSocketClient::operator=(WebSocketClient&&) noexcept = default;

void WebSocketClient::connect() { impl_->connect(); }

void WebSocketClient::send_text(std::string_view text) { impl_->send_text(text); }

std::optional<std::string> WebSocketClient::read(std::chrono::milliseconds timeout) { return impl_->read(timeout); }

void WebSocketClient::close() noexcept { impl_->close(); }

bool WebSocketClient::is_open() const noexcept { return impl_->is_open(); }

const std::string& WebSocketClient::authority() const noexcept { return impl_->authority(); }

std::size_t WebSocketClient::pings_sent() const noexcept { return impl_->pings_sent(); }

}  // namespace tokensync::net
