#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokensync::net {

// A request as the server read it: the whole body is in memory (bounded by
// HttpServerOptions::body_limit).
struct ServerRequest {
    std::string method;  // "GET", "POST", ... as sent
    std::string target;  // path and query, e.g. "/api/tokens?limit=10"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string peer;  // "127.0.0.1:53122"

    // The first header with this name, compared case-insensitively.
    std::optional<std::string_view> header(std::string_view name) const;
    // The target without its query string.
    std::string_view path() const;
};

struct ServerReply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

struct HttpServerState;  // http_server.cpp

// Thrown by HttpServer::start when it cannot listen.
class ServerError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct HttpServerOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 0;                                 // 0: any free port (see HttpServer::port)
    std::size_t body_limit = std::size_t{1} << 20;     // larger bodies get 413 before they are read
    std::size_t header_limit = std::size_t{16} << 10;  // larger headers get 431
    // A request must arrive whole within this time (so a slow or stalled
    // client cannot hold a connection), and an idle keep-alive connection
    // is closed after it.
    std::chrono::milliseconds request_timeout{10'000};
    std::size_t threads = 2;  // handlers run on these threads
    // Called when the server answers a request itself, without the handler
    // (400, 413, 431), with its target as far as it was read ("" if none);
    // for metrics. Runs on a server thread: keep it short.
    std::function<void(int status, std::string_view target)> on_refused;
};

// An HTTP/1.1 server (Boost.Beast) that hands every complete request to one
// handler. What it answers itself, without calling the handler: 400 to a
// request it cannot parse, 413 to a body over the limit (checked on the
// Content-Length header before the body is read, and while reading a chunked
// one), 431 to oversized headers, 500 when the handler throws (the message
// is not sent: it may hold internals). A connection that errs is closed;
// the server goes on serving the others.
class HttpServer {
  public:
    using Handler = std::function<ServerReply(const ServerRequest&)>;

    HttpServer(HttpServerOptions options, Handler handler);
    ~HttpServer();  // stop(0) if still running
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts serving; throws ServerError naming the address and
    // the cause (e.g. the port is in use).
    void start();
    // The bound port (after start; useful with port 0).
    uint16_t port() const;
    // Stops accepting at once, lets requests being handled finish and
    // answer (for up to `drain`), then closes every connection. Idempotent.
    void stop(std::chrono::milliseconds drain = std::chrono::milliseconds(5'000));
    // Requests handled so far (answered by the handler, or with 500).
    uint64_t requests_handled() const;

  private:
    std::unique_ptr<HttpServerState> impl_;
};

}  // namespace tokensync::net
