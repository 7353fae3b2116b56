#include "net/http_client.hpp"

#include <optional>

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "net/stream.hpp"
#include "net/url.hpp"

// One io_context per client drives asynchronous operations to completion under
// a deadline; that is what gives a synchronous API real timeouts. http and
// https differ only in connect(): every transfer goes through a net::Stream.

namespace tokensync::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

long long as_ms(std::chrono::milliseconds d) { return static_cast<long long>(d.count()); }

// Errors that mean the server had already closed a kept-alive connection
// (over TLS, a close without close_notify is a truncated stream).
bool is_closed_by_peer(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
           ec == ssl::error::stream_truncated;
}

std::optional<ssl::context> tls_context_for(const Url& url, const std::string& ca_file) {
    if (!url.is_tls()) return std::nullopt;
    auto ctx = make_client_tls_context(ca_file);
    if (!ctx)
        throw HttpError(HttpErrorKind::kTls,
                        fmt::format("TLS for {} cannot be set up: {}", url.authority(), ctx.error()));
    return std::move(*ctx);
}

}  // namespace

class HttpClient::Impl {
  public:
    Impl(Url url, Options options)
        : url_(std::move(url)),
          options_(std::move(options)),
          authority_(url_.authority()),
          tls_context_(tls_context_for(url_, options_.tls_ca_file)) {}

    HttpResponse request(http::verb verb, std::string_view target, std::string_view body,
                         std::string_view content_type) {
        const auto req = make_request(verb, target, body, content_type);
        // One more attempt only when a reused connection turns out to be closed
        // before any byte of the answer arrived: the usual sign of the server's
        // idle timeout racing this request. The server may in rare cases have
        // acted on it; JSON-RPC reads and signed transactions tolerate that.
        for (int attempt = 0;; ++attempt) {
            if (is_open() && !idle_connection_usable()) close();
            const bool reused = is_open();
            if (!reused) connect();
            const auto deadline = Clock::now() + options_.request_timeout;

            error_code ec;
            const bool sent =
                run_until(deadline, ec, nullptr, [&](auto done) { http::async_write(*stream_, req, done); });
            if (!sent) throw timeout_error("sending the request to");
            if (ec) {
                close();
                if (reused && attempt == 0 && is_closed_by_peer(ec)) continue;
                throw HttpError(HttpErrorKind::kSend,
                                fmt::format("sending to {} failed: {}", authority_, ec.message()));
            }

            http::response_parser<http::string_body> parser;
            parser.body_limit(options_.max_body_bytes);
            const bool read =
                run_until(deadline, ec, nullptr, [&](auto done) { http::async_read(*stream_, buffer_, parser, done); });
            if (!read) throw timeout_error("reading the response from");
            if (ec) {
                close();
                if (reused && attempt == 0 && is_closed_by_peer(ec) && !parser.got_some()) continue;
                throw HttpError(HttpErrorKind::kReceive,
                                fmt::format("reading the response from {} failed: {}", authority_, ec.message()));
            }
            return to_response(parser.release());
        }
    }

    // Closes the TCP connection; the Stream object itself stays until the
    // next connect(), as cancelled handlers may still refer to it.
    void close() noexcept {
        if (stream_) {
            error_code ignored;
            stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream_->socket().close(ignored);
        }
        buffer_.clear();
    }

    const std::string& authority() const noexcept { return authority_; }
    std::size_t connections_opened() const noexcept { return connections_; }

  private:
    bool is_open() const noexcept { return stream_ && stream_->socket().is_open(); }

    http::request<http::string_body> make_request(http::verb verb, std::string_view target, std::string_view body,
                                                  std::string_view content_type) const {
        if (!target.empty() && target.front() != '/')
            throw HttpError(HttpErrorKind::kInvalidUrl, "request target must start with '/'");
        http::request<http::string_body> req{verb, target.empty() ? std::string_view(url_.target) : target, 11};
        req.set(http::field::host, url_.host_header());
        req.set(http::field::user_agent, options_.user_agent);
        for (const auto& [name, value] : options_.headers)
            req.set(name, value);
        if (verb == http::verb::post) {
            req.set(http::field::content_type, content_type);
            req.body() = std::string(body);
        }
        req.keep_alive(true);
        req.prepare_payload();
        return req;
    }

    HttpResponse to_response(http::response<http::string_body>&& res) {
        if (!res.keep_alive()) close();
        HttpResponse out;
        out.status = static_cast<int>(res.result_int());
        for (const auto& field : res)
            out.headers.emplace_back(field.name_string(), field.value());
        out.body = std::move(res.body());
        return out;
    }

    // Runs one asynchronous operation to completion or the deadline; start
    // receives the completion handler. Returns false on timeout, after
    // cancelling the operation (and the resolver, if any) and dropping the
    // connection. A cancelled resolve still waits for getaddrinfo to return.
    template <class Start>
    bool run_until(Clock::time_point deadline, error_code& ec, tcp::resolver* resolver, Start&& start) {
        bool done = false;
        ec = {};
        start([&](error_code result, auto&&...) {
            done = true;
            ec = result;
        });
        ioc_.restart();
        ioc_.run_until(deadline);
        if (done) return true;
        if (resolver != nullptr) resolver->cancel();
        close();
        ioc_.restart();
        ioc_.run();  // lets the cancelled operation complete
        return false;
    }

    void connect() {
        const auto deadline = Clock::now() + options_.connect_timeout;
        const auto limit_ms = as_ms(options_.connect_timeout);
        tcp::resolver resolver(ioc_);
        tcp::resolver::results_type endpoints;
        error_code ec;
        const bool resolved = run_until(deadline, ec, &resolver, [&](auto done) {
            resolver.async_resolve(url_.host, std::to_string(url_.port),
                                   [&endpoints, done](error_code e, tcp::resolver::results_type r) mutable {
                                       endpoints = std::move(r);
                                       done(e);
                                   });
        });
        if (!resolved)
            throw HttpError(HttpErrorKind::kResolve,
                            fmt::format("cannot resolve {}: no answer within {} ms", authority_, limit_ms));
        if (ec)
            throw HttpError(HttpErrorKind::kResolve, fmt::format("cannot resolve {}: {}", authority_, ec.message()));

        if (tls_context_) {
            stream_.emplace(Stream::Tls(ioc_, *tls_context_));
        } else {
            stream_.emplace(tcp::socket(ioc_));
        }
        const bool connected = run_until(deadline, ec, nullptr,
                                         [&](auto done) { asio::async_connect(stream_->socket(), endpoints, done); });
        if (!connected)
            throw HttpError(HttpErrorKind::kConnect,
                            fmt::format("cannot connect to {}: no answer within {} ms", authority_, limit_ms));
        if (ec) {
            close();
            throw HttpError(HttpErrorKind::kConnect, fmt::format("cannot connect to {}: {}", authority_, ec.message()));
        }
        stream_->socket().set_option(tcp::no_delay(true), ec);
        ++connections_;
        if (auto* tls = stream_->tls()) handshake(*tls, deadline);
    }

    void handshake(Stream::Tls& tls, Clock::time_point deadline) {
        prepare_client_tls(tls, url_.host);
        error_code ec;
        const bool answered =
            run_until(deadline, ec, nullptr, [&](auto done) { tls.async_handshake(ssl::stream_base::client, done); });
        if (!answered)
            throw HttpError(HttpErrorKind::kTls, fmt::format("cannot reach {}: TLS handshake: no answer within {} ms",
                                                             authority_, as_ms(options_.connect_timeout)));
        if (ec) {
            const auto cause = describe_tls_failure(ec, tls);
            close();
            throw HttpError(HttpErrorKind::kTls,
                            fmt::format("cannot reach {}: TLS handshake failed: {}", authority_, cause));
        }
    }

    // A kept-alive connection is only worth using when nothing is waiting on
    // it: readable while idle means the server closed it (or sent garbage).
    bool idle_connection_usable() {
        pollfd pfd{};
        pfd.fd = stream_->socket().native_handle();
        pfd.events = POLLIN;
        return ::poll(&pfd, 1, 0) == 0 && buffer_.size() == 0;
    }

    HttpError timeout_error(std::string_view what) const {
        return HttpError(HttpErrorKind::kTimeout,
                         fmt::format("{} {} timed out after {} ms", what, authority_, as_ms(options_.request_timeout)));
    }

    Url url_;
    Options options_;
    std::string authority_;
    std::optional<ssl::context> tls_context_;  // https only
    asio::io_context ioc_{1};
    std::optional<Stream> stream_;  // from the first connect() on
    beast::flat_buffer buffer_;
    std::size_t connections_ = 0;
};

namespace {

Url parse_base_url(std::string_view base_url) {
    auto url = Url::parse(base_url);
    // The URL itself may hold a key, so only the cause is reported.
    if (!url) throw HttpError(HttpErrorKind::kInvalidUrl, fmt::format("invalid URL: {}", to_string(url.error())));
    return *std::move(url);
}

}  // namespace

HttpClient::HttpClient(std::string_view base_url) : HttpClient(base_url, Options{}) {}

HttpClient::HttpClient(std::string_view base_url, Options options)
    : impl_(std::make_unique<Impl>(parse_base_url(base_url), std::move(options))) {}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResponse HttpClient::post(std::string_view target, std::string_view body, std::string_view content_type) {
    return impl_->request(http::verb::post, target, body, content_type);
}

HttpResponse HttpClient::get(std::string_view target) { return impl_->request(http::verb::get, target, {}, {}); }

const std::string& HttpClient::authority() const noexcept { return impl_->authority(); }

std::size_t HttpClient::connections_opened() const noexcept { return impl_->connections_opened(); }

void HttpClient::close() noexcept { impl_->close(); }

}  // namespace tokensync::net
