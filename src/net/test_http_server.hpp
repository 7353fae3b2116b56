#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tokensync::net::testing {

// A tiny HTTP/1.1 server on 127.0.0.1 written on raw sockets, so client tests
// control exactly when connections close or answers never come. Serves one
// connection at a time on its own thread.
//
// Answers: status 200 and body "<METHOD> <target> conn=<n> body=<request body>",
// except target "/status/<code>" (that status) and "/big/<bytes>" (a body of
// that many 'x', sent chunked).
class TestHttpServer {
  public:
    enum class Mode {
        kKeepAlive,        // keeps the connection open between requests
        kCloseSilently,    // answers, then closes without a "Connection: close" header (an idle timeout)
        kConnectionClose,  // answers with "Connection: close", then closes
        kStall,            // reads the request and never answers
        kDropRequest,      // reads the request and closes without answering
        kDropSecond,       // answers the first request of a connection, closes on the second unanswered
    };

    explicit TestHttpServer(Mode mode = Mode::kKeepAlive);
    ~TestHttpServer();
    TestHttpServer(const TestHttpServer&) = delete;
    TestHttpServer& operator=(const TestHttpServer&) = delete;

    uint16_t port() const noexcept { return port_; }
    std::string url(std::string_view path = "") const;
    void set_mode(Mode mode) noexcept { mode_ = mode; }
    int connections_accepted() const noexcept { return connections_; }
    // Raw request heads ("POST / HTTP/1.1\r\nHost: ...") in arrival order.
    std::vector<std::string> request_heads() const;

  private:
    void serve();
    void serve_connection(int fd, int index);

    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<Mode> mode_;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> heads_;
    std::thread thread_;
};

}  // namespace tokensync::net::testing
