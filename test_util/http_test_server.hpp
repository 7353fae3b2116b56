#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "test_util/tls_test_cert.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace tokensync::test_util {

// One request as the server read it.
struct HttpTestRequest {
    std::string head;    // "POST / HTTP/1.1\r\nHost: ..." without the blank line
    std::string method;  // "POST"
    std::string target;  // "/v2/key?x=1"
    std::string body;
    int connection = 0;     // 1 for the first connection accepted, 2 for the next...
    int on_connection = 0;  // 1 for the first request on its connection
};

// What the server does with one request.
struct HttpTestReply {
    enum class Action {
        kAnswer,          // the whole response; the connection stays open
        kAnswerAndClose,  // the whole response, then close (add "Connection: close" to say so)
        kCloseMidway,     // promises the whole body, sends half of it, closes
        kDrop,            // closes without answering
        kStall,           // never answers; holds the connection until the client or the server ends
    };

    HttpTestReply() = default;
    HttpTestReply(int status_code, std::string answer_body,
                  std::vector<std::pair<std::string, std::string>> extra_headers = {}, Action what = Action::kAnswer,
                  std::chrono::milliseconds wait = std::chrono::milliseconds{0})
        : status(status_code),
          body(std::move(answer_body)),
          headers(std::move(extra_headers)),
          action(what),
          delay(wait) {}

    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // after Content-Type
    Action action = Action::kAnswer;
    std::chrono::milliseconds delay{0};  // before answering (a slow server)
    std::string content_type = "application/json";
    bool chunked = false;  // Transfer-Encoding: chunked instead of Content-Length
};

// An HTTP/1.1 server on 127.0.0.1 for tests, on raw sockets so a test
// controls exactly when connections close or answers never come. Each
// connection is served on its own thread; a handler decides every answer.
class HttpTestServer {
  public:
    using Handler = std::function<HttpTestReply(const HttpTestRequest&)>;

    struct Options {
        // false: the handler is called by one connection at a time, so it may
        // keep unsynchronised state; true: concurrently (it must be thread-safe).
        bool concurrent_handler = false;
        bool record_requests = true;  // keep every request for requests()
        // Serve https with this certificate (TLS 1.2+): every connection
        // starts with a handshake; one that fails is counted, then closed.
        std::optional<TlsTestIdentity> tls;
    };

    explicit HttpTestServer(Handler handler);  // throws std::runtime_error when it cannot listen
    HttpTestServer(Handler handler, Options options);
    ~HttpTestServer();
    HttpTestServer(const HttpTestServer&) = delete;
    HttpTestServer& operator=(const HttpTestServer&) = delete;

    // Closes the listener and every connection, waits for their threads. Idempotent.
    void stop();

    uint16_t port() const noexcept { return port_; }
    // "http://127.0.0.1:<port><path>" ("https://" with Options::tls)
    std::string url(std::string_view path = "/") const;
    int connections_accepted() const noexcept { return connections_; }
    // TLS connections whose handshake completed.
    int tls_handshakes() const noexcept { return tls_handshakes_; }
    std::size_t request_count() const noexcept { return request_count_; }
    // Recorded requests in arrival order (empty unless Options::record_requests).
    std::vector<HttpTestRequest> requests() const;
    std::vector<std::string> bodies() const;

  private:
    struct Connection {
        std::thread thread;
        std::atomic<bool> done{false};
    };

    void accept_loop();
    void serve_connection(int fd, int index);
    HttpTestReply call_handler(const HttpTestRequest& request);
    // Sleeps up to `delay`; false when the server stopped meanwhile.
    bool pause(std::chrono::milliseconds delay) const;

    Handler handler_;
    Options options_;
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::shared_ptr<ssl_ctx_st> tls_ctx_;  // with Options::tls
    std::atomic<int> connections_{0};
    std::atomic<int> tls_handshakes_{0};
    std::atomic<std::size_t> request_count_{0};
    std::mutex handler_mutex_;
    mutable std::mutex mutex_;  // guards requests_
    std::vector<HttpTestRequest> requests_;
    std::list<Connection> connection_threads_;  // touched by the accept thread, then by stop()
    std::thread accept_thread_;
};

}  // namespace tokensync::test_util
