#include "test_util/http_test_server.hpp"

#include <algorithm>
#include <cctype>
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

namespace tokensync::test_util {
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
    std::string lower(head);
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto pos = lower.find("\r\ncontent-length:");
    if (pos == std::string::npos) return 0;
    std::size_t begin = pos + 17;
    while (begin < lower.size() && lower[begin] == ' ')
        ++begin;
    std::size_t value = 0;
    std::from_chars(lower.data() + begin, lower.data() + lower.size(), value);
    return value;
}

std::string_view reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        default:
            return "Test";
    }
}

std::string response_head(const HttpTestReply& reply) {
    std::string head =
        fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\n", reply.status, reason(reply.status), reply.content_type);
    for (const auto& [name, value] : reply.headers)
        head += fmt::format("{}: {}\r\n", name, value);
    if (reply.chunked) {
        head += "Transfer-Encoding: chunked\r\n\r\n";
    } else {
        head += fmt::format("Content-Length: {}\r\n\r\n", reply.body.size());
    }
    return head;
}

std::string chunked_body(std::string_view body) {
    constexpr std::size_t kChunk = 65536;
    std::string out;
    for (std::size_t sent = 0; sent < body.size(); sent += kChunk) {
        const auto piece = body.substr(sent, kChunk);
        out += fmt::format("{:x}\r\n{}\r\n", piece.size(), piece);
    }
    out += "0\r\n\r\n";
    return out;
}

}  // namespace

HttpTestServer::HttpTestServer(Handler handler) : HttpTestServer(std::move(handler), Options{}) {}

HttpTestServer::HttpTestServer(Handler handler, Options options) : handler_(std::move(handler)), options_(options) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) throw std::runtime_error(fmt::format("socket failed: {}", std::strerror(errno)));
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    // The sockets API takes sockaddr*: these casts are how it is used.
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        const std::string cause = std::strerror(errno);
        ::close(listen_fd_);
        throw std::runtime_error(fmt::format("cannot listen on 127.0.0.1: {}", cause));
    }
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
}

HttpTestServer::~HttpTestServer() { stop(); }

void HttpTestServer::stop() {
    if (stop_.exchange(true)) return;
    accept_thread_.join();
    ::close(listen_fd_);
    // No new connection threads start now; the running ones see stop_ within kPollMs.
    for (auto& c : connection_threads_)
        c.thread.join();
    connection_threads_.clear();
}

std::string HttpTestServer::url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
}

std::vector<HttpTestRequest> HttpTestServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::vector<std::string> HttpTestServer::bodies() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(requests_.size());
    for (const auto& r : requests_)
        out.push_back(r.body);
    return out;
}

void HttpTestServer::accept_loop() {
    while (wait_readable(listen_fd_, stop_)) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) continue;
        const int index = ++connections_;
        // Threads of closed connections are joined here, so a long test does not pile them up.
        std::erase_if(connection_threads_, [](Connection& c) {
            if (!c.done) return false;
            c.thread.join();
            return true;
        });
        auto& connection = connection_threads_.emplace_back();
        connection.thread = std::thread([this, fd, index, &connection] {
            serve_connection(fd, index);
            ::close(fd);
            connection.done = true;
        });
    }
}

HttpTestReply HttpTestServer::call_handler(const HttpTestRequest& request) {
    if (options_.concurrent_handler) return handler_(request);
    std::lock_guard lock(handler_mutex_);
    return handler_(request);
}

bool HttpTestServer::pause(std::chrono::milliseconds delay) const {
    const auto until = std::chrono::steady_clock::now() + delay;
    while (!stop_) {
        const auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::milliseconds{0}) return true;
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds{kPollMs}));
    }
    return false;
}

void HttpTestServer::serve_connection(int fd, int index) {
    std::string data;
    char chunk[65536];
    const auto read_more = [&] {
        if (!wait_readable(fd, stop_)) return false;
        const auto n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return false;  // the client closed the connection
        data.append(chunk, static_cast<std::size_t>(n));
        return true;
    };
    for (int on_connection = 1;; ++on_connection) {
        // One request: the head, then Content-Length bytes of body.
        std::size_t head_end;
        while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
            if (!read_more()) return;
        }
        HttpTestRequest request;
        request.head = data.substr(0, head_end);
        const std::size_t body_len = content_length(request.head);
        while (data.size() < head_end + 4 + body_len) {
            if (!read_more()) return;
        }
        request.body = data.substr(head_end + 4, body_len);
        data.erase(0, head_end + 4 + body_len);
        const std::string_view line = std::string_view(request.head).substr(0, request.head.find("\r\n"));
        const auto sp1 = line.find(' ');
        const auto sp2 = line.find(' ', sp1 + 1);
        request.method = line.substr(0, sp1);
        request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        request.connection = index;
        request.on_connection = on_connection;
        ++request_count_;
        if (options_.record_requests) {
            std::lock_guard lock(mutex_);
            requests_.push_back(request);
        }

        const HttpTestReply reply = call_handler(request);
        if (reply.delay.count() > 0 && !pause(reply.delay)) return;
        switch (reply.action) {
            case HttpTestReply::Action::kDrop:
                return;
            case HttpTestReply::Action::kStall:
                // Hold the connection until the client gives up or the server stops.
                while (wait_readable(fd, stop_)) {
                    if (::recv(fd, chunk, sizeof chunk, 0) <= 0) return;
                }
                return;
            case HttpTestReply::Action::kCloseMidway:
                send_all(fd, response_head(reply) + reply.body.substr(0, reply.body.size() / 2));
                return;
            case HttpTestReply::Action::kAnswer:
            case HttpTestReply::Action::kAnswerAndClose:
                break;
        }
        const std::string body = reply.chunked ? chunked_body(reply.body) : reply.body;
        if (!send_all(fd, response_head(reply) + body)) return;
        if (reply.action == HttpTestReply::Action::kAnswerAndClose) return;
    }
}

}  // namespace tokensync::test_util
