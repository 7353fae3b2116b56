#include "test_util/http_test_server.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

namespace tokensync::test_util {
namespace {

constexpr int kPollMs = 20;

// Waits for fd to become readable (or writable) while the server runs. False on stop.
bool wait_ready(int fd, const std::atomic<bool>& stop, short events = POLLIN) {
    while (!stop) {
        pollfd pfd{fd, events, 0};
        const int n = ::poll(&pfd, 1, kPollMs);
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
    return false;
}

struct SslFree {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};

std::shared_ptr<SSL_CTX> make_server_ctx(const TlsTestIdentity& identity) {
    std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
        BIO_new_mem_buf(identity.cert_pem.data(), static_cast<int>(identity.cert_pem.size())), BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
        BIO_new_mem_buf(identity.key_pem.data(), static_cast<int>(identity.key_pem.size())), BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr),
                                                     X509_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!ctx || !cert || !key || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1 || SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1)
        throw std::runtime_error("HttpTestServer: cannot use the TLS certificate");
    return ctx;
}

// One accepted connection as the serving loop sees it: plain TCP, or TLS on
// a non-blocking socket so that every wait still notices stop().
class Channel {
  public:
    Channel(int fd, SSL_CTX* tls, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {
        if (tls == nullptr) return;
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        ssl_.reset(SSL_new(tls));
        SSL_set_fd(ssl_.get(), fd);
    }

    // The server's side of the TLS handshake; true at once for plain TCP.
    bool handshake() {
        if (!ssl_) return true;
        for (;;) {
            const int r = SSL_accept(ssl_.get());
            if (r == 1) return true;
            if (!wait_for(SSL_get_error(ssl_.get(), r))) return false;
        }
    }

    // Some bytes into buf; 0 when the client closed, on an error, or on stop.
    std::size_t read(char* buf, std::size_t size) {
        if (!ssl_) {
            if (!wait_ready(fd_, stop_)) return 0;
            const auto n = ::recv(fd_, buf, size, 0);
            return n > 0 ? static_cast<std::size_t>(n) : 0;
        }
        for (;;) {
            const int n = SSL_read(ssl_.get(), buf, static_cast<int>(size));
            if (n > 0) return static_cast<std::size_t>(n);
            if (!wait_for(SSL_get_error(ssl_.get(), n))) return 0;
        }
    }

    bool send_all(std::string_view data) {
        while (!data.empty()) {
            if (!ssl_) {
                const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
                if (n <= 0) return false;
                data.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            const int n = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
            } else if (!wait_for(SSL_get_error(ssl_.get(), n))) {
                return false;
            }
        }
        return true;
    }

    // close_notify before the socket is closed, as a well-behaved server does.
    void close_notify() {
        if (ssl_) SSL_shutdown(ssl_.get());
    }

  private:
    // After an SSL call that did not finish: waits for what it needs.
    bool wait_for(int ssl_error) {
        if (ssl_error == SSL_ERROR_WANT_READ) return wait_ready(fd_, stop_, POLLIN);
        if (ssl_error == SSL_ERROR_WANT_WRITE) return wait_ready(fd_, stop_, POLLOUT);
        return false;
    }

    int fd_;
    const std::atomic<bool>& stop_;
    std::unique_ptr<SSL, SslFree> ssl_;
};

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

HttpTestServer::HttpTestServer(Handler handler, Options options)
    : handler_(std::move(handler)), options_(std::move(options)) {
    if (options_.tls) {
        tls_ctx_ = make_server_ctx(*options_.tls);
        // OpenSSL writes to the socket without MSG_NOSIGNAL: a client that
        // hangs up mid-answer must not kill the test process.
        std::signal(SIGPIPE, SIG_IGN);
    }
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
    return fmt::format("{}://127.0.0.1:{}{}", options_.tls ? "https" : "http", port_, path);
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
    while (wait_ready(listen_fd_, stop_)) {
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
    Channel channel(fd, tls_ctx_.get(), stop_);
    if (!channel.handshake()) return;
    if (tls_ctx_) ++tls_handshakes_;
    std::string data;
    char chunk[65536];
    const auto read_more = [&] {
        const auto n = channel.read(chunk, sizeof chunk);
        if (n == 0) return false;  // the client closed the connection
        data.append(chunk, n);
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
                channel.close_notify();
                return;
            case HttpTestReply::Action::kStall:
                // Hold the connection until the client gives up or the server stops.
                while (channel.read(chunk, sizeof chunk) > 0) {
                }
                return;
            case HttpTestReply::Action::kCloseMidway:
                channel.send_all(response_head(reply) + reply.body.substr(0, reply.body.size() / 2));
                return;
            case HttpTestReply::Action::kAnswer:
            case HttpTestReply::Action::kAnswerAndClose:
                break;
        }
        const std::string body = reply.chunked ? chunked_body(reply.body) : reply.body;
        if (!channel.send_all(response_head(reply) + body)) return;
        if (reply.action == HttpTestReply::Action::kAnswerAndClose) {
            channel.close_notify();
            return;
        }
    }
}

}  // namespace tokensync::test_util
