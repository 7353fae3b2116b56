#include "net/test_http_server.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tokensync::net::testing {
namespace {

constexpr int kPollMs = 20;

// Waits for fd to become readable while the server runs. False on stop.
bool wait_readable(int fd, const std::atomic<bool>& stop) {
    while (!stop) {
        pollfd pfd{fd, POLLIN, 0};
        const int n = ::poll(&pfd, 1, kPollMs);
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
    return false;
}

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::size_t content_length(std::string_view head) {
    // Header names are matched in lower case only; the client under test sends Beast's canonical names.
    for (std::string_view key : {"Content-Length: ", "content-length: "}) {
        const auto pos = head.find(key);
        if (pos == std::string_view::npos) continue;
        std::size_t value = 0;
        const auto* begin = head.data() + pos + key.size();
        std::from_chars(begin, head.data() + head.size(), value);
        return value;
    }
    return 0;
}

}  // namespace

TestHttpServer::TestHttpServer(Mode mode) : mode_(mode) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error(fmt::format("bind/listen failed: {}", std::strerror(errno)));
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
}

TestHttpServer::~TestHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
}

std::string TestHttpServer::url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
}

std::vector<std::string> TestHttpServer::request_heads() const {
    std::lock_guard lock(mutex_);
    return heads_;
}

void TestHttpServer::serve() {
    while (wait_readable(listen_fd_, stop_)) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) continue;
        const int index = ++connections_;
        serve_connection(fd, index);
        ::close(fd);
    }
}

void TestHttpServer::serve_connection(int fd, int index) {
    std::string data;
    int served = 0;
    char chunk[4096];
    for (;;) {
        // Read one request: the head, then Content-Length bytes of body.
        std::size_t head_end;
        while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
            if (!wait_readable(fd, stop_)) return;
            const auto n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return;  // the client closed the connection
            data.append(chunk, static_cast<std::size_t>(n));
        }
        const std::string head = data.substr(0, head_end);
        const std::size_t body_len = content_length(head);
        while (data.size() < head_end + 4 + body_len) {
            if (!wait_readable(fd, stop_)) return;
            const auto n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return;
            data.append(chunk, static_cast<std::size_t>(n));
        }
        const std::string body = data.substr(head_end + 4, body_len);
        data.erase(0, head_end + 4 + body_len);
        {
            std::lock_guard lock(mutex_);
            heads_.push_back(head);
        }

        const Mode mode = mode_;
        if (mode == Mode::kDropRequest || (mode == Mode::kDropSecond && served == 1)) return;
        if (mode == Mode::kStall) {
            // Hold the connection until the client gives up or the test ends.
            while (wait_readable(fd, stop_)) {
                if (::recv(fd, chunk, sizeof chunk, 0) <= 0) return;
            }
            return;
        }
        const auto line_end = head.find("\r\n");
        const std::string request_line = head.substr(0, line_end);
        const auto sp1 = request_line.find(' ');
        const auto sp2 = request_line.find(' ', sp1 + 1);
        const std::string method = request_line.substr(0, sp1);
        const std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
        const std::string connection = mode == Mode::kConnectionClose ? "Connection: close\r\n" : "";

        std::string response;
        if (target.starts_with("/big/")) {
            std::size_t size = 0;
            std::from_chars(target.data() + 5, target.data() + target.size(), size);
            response = fmt::format(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n{}Transfer-Encoding: chunked\r\n\r\n", connection);
            for (std::size_t sent = 0; sent < size;) {
                const std::size_t n = std::min<std::size_t>(size - sent, 65536);
                response += fmt::format("{:x}\r\n{}\r\n", n, std::string(n, 'x'));
                sent += n;
            }
            response += "0\r\n\r\n";
        } else {
            int status = 200;
            if (target.starts_with("/status/")) {
                std::from_chars(target.data() + 8, target.data() + target.size(), status);
            }
            const std::string text = fmt::format("{} {} conn={} body={}", method, target, index, body);
            response = fmt::format(
                "HTTP/1.1 {} X\r\nContent-Type: text/plain\r\nX-Test: yes\r\n{}Content-Length: {}\r\n\r\n{}", status,
                connection, text.size(), text);
        }
        if (!send_all(fd, response)) return;
        ++served;
        if (mode != Mode::kKeepAlive && mode != Mode::kDropSecond) return;
    }
}

}  // namespace tokensync::net::testing
