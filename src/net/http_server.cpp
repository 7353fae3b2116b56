// The HTTP server: an acceptor and one Session per connection, on a small
// pool of io_context threads. Each session works on its own strand and has
// at most one operation outstanding, so it needs no lock; the server keeps
// weak references to its sessions so stop() can close the idle ones.
#include "net/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "infra/log.hpp"

namespace tokensync::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string error_body(std::string_view message) {
    // A fixed shape, and messages of our own only: nothing from the request
    // is echoed back.
    return fmt::format(R"({{"error":"{}"}})", message);
}

}  // namespace

std::optional<std::string_view> ServerRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

std::string_view ServerRequest::path() const {
    const std::string_view t = target;
    return t.substr(0, t.find('?'));
}

class Session;

struct HttpServerState {
    HttpServerState(HttpServerOptions o, HttpServer::Handler h)
        : options{std::move(o)}, handler{std::move(h)}, acceptor{asio::make_strand(ioc)} {}

    HttpServerOptions options;
    HttpServer::Handler handler;
    asio::io_context ioc;
    // On a strand of its own: the accept handler (which starts the next
    // accept) and stop()'s close run on different pool threads otherwise.
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    uint16_t port = 0;
    bool running = false;
    std::atomic<bool> stopping{false};
    std::atomic<uint64_t> handled{0};

    std::mutex mutex;
    std::condition_variable idle;
    int busy = 0;  // requests inside the handler or being answered
    std::set<std::weak_ptr<Session>, std::owner_less<>> sessions;

    void accept();
    void request_started() {
        std::lock_guard lock(mutex);
        ++busy;
    }
    void request_finished() {
        std::lock_guard lock(mutex);
        --busy;
        idle.notify_all();
    }
};

class Session : public std::enable_shared_from_this<Session> {
  public:
    // The server outlives its sessions: stop() ends them before the
    // io_context (and any handler still holding one) goes away.
    Session(tcp::socket socket, HttpServerState* server) : stream_{std::move(socket)}, server_{server} {}

    void start() { read_header(); }

    // From another thread (stop): close the socket on the session's strand.
    void close() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            self->stream_.close();
        });
    }

  private:
    void read_header() {
        if (server_->stopping) return close_now();
        parser_.emplace();
        parser_->header_limit(static_cast<uint32_t>(server_->options.header_limit));
        parser_->body_limit(server_->options.body_limit);
        // One deadline for the whole request, headers and body.
        stream_.expires_after(server_->options.request_timeout);
        http::async_read_header(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        if (ec) return on_read_error(ec);
        const auto& req = parser_->get();
        if (const auto length = parser_->content_length(); length && *length > server_->options.body_limit) {
            return reply_and_close(413,
                                   error_body(fmt::format("request body over {} bytes", server_->options.body_limit)));
        }
        if (iequals(std::string_view(req[http::field::expect]), "100-continue")) {
            auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
            http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
                if (e) return self->close_now();
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->on_read_error(ec);
            self->handle();
        });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
            ec == asio::error::connection_reset || ec == asio::error::eof) {
            return close_now();  // the client left, stalled, or we are stopping
        }
        if (ec == http::error::body_limit) {
            return reply_and_close(413,
                                   error_body(fmt::format("request body over {} bytes", server_->options.body_limit)));
        }
        if (ec == http::error::header_limit) return reply_and_close(431, error_body("request headers too large"));
        return reply_and_close(400, error_body(fmt::format("malformed request: {}", ec.message())));
    }

    void handle() {
        server_->request_started();
        const auto& req = parser_->get();
        ServerRequest request;
        request.method = std::string(req.method_string());
        request.target = std::string(req.target());
        for (const auto& field : req)
            request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        request.body = req.body();
        beast::error_code ignored;
        const auto peer = stream_.socket().remote_endpoint(ignored);
        if (!ignored) request.peer = fmt::format("{}:{}", peer.address().to_string(), peer.port());
        const bool keep_alive = req.keep_alive();
        const unsigned version = req.version();

        ServerReply reply;
        try {
            reply = server_->handler(request);
        } catch (const std::exception& e) {
            infra::log::error("http.handler_failed",
                              {{"method", request.method}, {"path", std::string(request.path())}, {"error", e.what()}});
            reply = ServerReply{.status = 500, .body = error_body("internal error"), .headers = {}};
        }
        ++server_->handled;
        write(reply, version, keep_alive && !server_->stopping, true);
    }

    void reply_and_close(int status, std::string body) {
        if (server_->options.on_refused) {
            // The target is filled in even when the header failed a limit check.
            server_->options.on_refused(status, parser_ ? std::string_view(parser_->get().target()) : "");
        }
        server_->request_started();
        write(ServerReply{.status = status, .body = std::move(body), .headers = {}}, 11, false, true);
    }

    void write(const ServerReply& reply, unsigned version, bool keep_alive, bool counted) {
        auto res =
            std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), version);
        res->set(http::field::server, "tokensync");
        res->set(http::field::content_type, reply.content_type);
        for (const auto& [name, value] : reply.headers)
            res->set(name, value);
        res->keep_alive(keep_alive);
        res->body() = reply.body;
        res->prepare_payload();
        stream_.expires_after(server_->options.request_timeout);
        http::async_write(stream_, *res,
                          [self = shared_from_this(), res, keep_alive, counted](beast::error_code ec, std::size_t) {
                              if (counted) self->server_->request_finished();
                              if (ec || !keep_alive) return self->close_now();
                              self->read_header();
                          });
    }

    void close_now() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    HttpServerState* server_;
};

void HttpServerState::accept() {
    acceptor.async_accept(asio::make_strand(ioc), [self = this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
            if (ec == asio::error::operation_aborted || self->stopping) return;
            infra::log::warn("http.accept_failed", {{"error", ec.message()}});
        } else if (!self->stopping) {
            auto session = std::make_shared<Session>(std::move(socket), self);
            {
                std::lock_guard lock(self->mutex);
                std::erase_if(self->sessions, [](const std::weak_ptr<Session>& s) { return s.expired(); });
                self->sessions.insert(session);
            }
            session->start();
        }
        if (!self->stopping) self->accept();
    });
}

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : impl_{std::make_unique<HttpServerState>(std::move(options), std::move(handler))} {}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

void HttpServer::start() {
    HttpServerState& s = *impl_;
    if (s.running) return;
    const std::string where = fmt::format("{}:{}", s.options.host, s.options.port);
    beast::error_code ec;
    const auto address = asio::ip::make_address(s.options.host, ec);
    if (ec) throw ServerError(fmt::format("cannot listen on {}: not an IP address", where));
    const tcp::endpoint endpoint(address, s.options.port);
    auto fail = [&](std::string_view step) {
        throw ServerError(fmt::format("cannot listen on {}: {} failed: {}", where, step, ec.message()));
    };
    s.acceptor.open(endpoint.protocol(), ec);
    if (ec) fail("open");
    s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) fail("setsockopt");
    s.acceptor.bind(endpoint, ec);
    if (ec) fail("bind");
    s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) fail("listen");
    s.port = s.acceptor.local_endpoint().port();
    s.running = true;
    s.accept();
    const std::size_t n = std::max<std::size_t>(1, s.options.threads);
    for (std::size_t i = 0; i < n; ++i)
        s.threads.emplace_back([&s] { s.ioc.run(); });
}

uint16_t HttpServer::port() const { return impl_->port; }

uint64_t HttpServer::requests_handled() const { return impl_->handled; }

void HttpServer::stop(std::chrono::milliseconds drain) {
    HttpServerState& s = *impl_;
    if (!s.running) return;
    s.running = false;
    s.stopping = true;
    asio::post(s.acceptor.get_executor(), [&s] {
        beast::error_code ignored;
        s.acceptor.close(ignored);
    });
    std::vector<std::shared_ptr<Session>> open;
    {
        std::unique_lock lock(s.mutex);
        s.idle.wait_for(lock, drain, [&] { return s.busy == 0; });
        for (const auto& weak : s.sessions) {
            if (auto session = weak.lock()) open.push_back(std::move(session));
        }
        s.sessions.clear();
    }
    std::vector<std::weak_ptr<Session>> closing(open.begin(), open.end());
    for (const auto& session : open)
        session->close();
    open.clear();
    // The closes end every session's pending operation; the loop then runs
    // out of work. Wait a little for that, then stop it whatever is left.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (std::chrono::steady_clock::now() < deadline &&
           std::ranges::any_of(closing, [](const std::weak_ptr<Session>& w) { return !w.expired(); })) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    s.ioc.stop();
    for (auto& t : s.threads)
        t.join();
    s.threads.clear();
}

}  // namespace tokensync::net
