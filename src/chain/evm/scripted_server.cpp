#include "chain/evm/scripted_server.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tokensync::chain::evm::testing {
namespace {

// Waits until fd is readable; false when the server is stopping.
bool wait_readable(int fd, const std::atomic<bool>& stop) {
    while (!stop) {
        pollfd p{fd, POLLIN, 0};
        const int n = ::poll(&p, 1, 50);
        if (n > 0) return true;
        if (n < 0) return false;
    }
    return false;
}

void send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::size_t content_length(std::string_view head) {
    std::string lower(head);
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto pos = lower.find("content-length:");
    if (pos == std::string::npos) return 0;
    return static_cast<std::size_t>(std::stoul(lower.substr(pos + 15)));
}

}  // namespace

ScriptedServer::ScriptedServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    // The sockets API takes sockaddr*: these casts are how it is used.
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
}

ScriptedServer::~ScriptedServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
}

std::string ScriptedServer::url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
}

std::vector<std::string> ScriptedServer::bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
}

std::size_t ScriptedServer::requests() const {
    std::lock_guard lock(mutex_);
    return bodies_.size();
}

void ScriptedServer::serve() {
    while (wait_readable(listen_fd_, stop_)) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) continue;
        serve_connection(fd);
        ::close(fd);
    }
}

void ScriptedServer::serve_connection(int fd) {
    std::string buffer;
    char chunk[65536];
    while (true) {
        std::size_t head_end;
        while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
            if (!wait_readable(fd, stop_)) return;
            const auto n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return;
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
        const std::size_t length = content_length(std::string_view(buffer).substr(0, head_end));
        while (buffer.size() < head_end + 4 + length) {
            if (!wait_readable(fd, stop_)) return;
            const auto n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return;
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
        std::string body = buffer.substr(head_end + 4, length);
        buffer.erase(0, head_end + 4 + length);
        {
            std::lock_guard lock(mutex_);
            bodies_.push_back(body);
        }
        const Reply reply = handler_(body);
        if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
        if (reply.action == Reply::Action::kDrop) return;
        std::string head =
            fmt::format("HTTP/1.1 {} Scripted\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
                        reply.status, reply.body.size());
        for (const auto& [name, value] : reply.headers)
            head += fmt::format("{}: {}\r\n", name, value);
        head += "\r\n";
        if (reply.action == Reply::Action::kCloseMidway) {
            send_all(fd, head + reply.body.substr(0, reply.body.size() / 2));
            return;
        }
        send_all(fd, head + reply.body);
    }
}

}  // namespace tokensync::chain::evm::testing
