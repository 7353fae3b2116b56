#include "net/http_server.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "net/http_client.hpp"
#include "net/http_error.hpp"

namespace tokensync::net {
namespace {

using namespace std::chrono_literals;

// A plain TCP client, for requests HttpClient would never send.
class RawClient {
  public:
    explicit RawClient(uint16_t port) : fd_{::socket(AF_INET, SOCK_STREAM, 0)} {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
        timeval tv{.tv_sec = 5, .tv_usec = 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~RawClient() { ::close(fd_); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return connected_; }
    void send(std::string_view data) {
        ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL), ssize_t(data.size()));
    }
    // Everything until the server closes the connection (or 5 s pass).
    std::string read_all() {
        std::string out;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return out;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }

  private:
    int fd_;
    bool connected_ = false;
};

ServerReply echo(const ServerRequest& r) {
    std::string ct(r.header("content-type").value_or(""));
    return {.status = 200,
            .content_type = "text/plain",
            .body = r.method + " " + std::string(r.path()) + " " + ct + " " + r.body,
            .headers = {{"X-Seen", r.target}}};
}

HttpServerOptions small_limits() {
    HttpServerOptions o;
    o.body_limit = 1024;
    o.header_limit = 2048;
    o.request_timeout = 300ms;
    return o;
}

TEST(HttpServer, AnswersRequestsOnOneKeptAliveConnection) {
    HttpServer server(small_limits(), echo);
    server.start();
    ASSERT_NE(server.port(), 0);
    HttpClient client("http://127.0.0.1:" + std::to_string(server.port()));
    const HttpResponse a = client.get("/status?x=1");
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body, "GET /status  ");
    EXPECT_EQ(a.header("x-seen").value_or(""), "/status?x=1");
    const HttpResponse b = client.post("/webhooks/alchemy", R"({"a":1})");
    EXPECT_EQ(b.status, 200);
    EXPECT_EQ(b.body, R"(POST /webhooks/alchemy application/json {"a":1})");
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(server.requests_handled(), 2u);
}

TEST(HttpServer, RefusesABodyOverTheLimitBeforeReadingIt) {
    std::atomic<int> calls{0};
    HttpServer server(small_limits(), [&](const ServerRequest& r) {
        ++calls;
        return echo(r);
    });
    server.start();
    RawClient raw(server.port());
    ASSERT_TRUE(raw.connected());
    // Announces 10 MB and sends none of it: the answer must come anyway.
    raw.send("POST /webhooks/alchemy HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
    const std::string reply = raw.read_all();
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
    EXPECT_NE(reply.find("request body over 1024 bytes"), std::string::npos) << reply;
    EXPECT_EQ(calls, 0);
}

TEST(HttpServer, RefusesAChunkedBodyThatGrowsOverTheLimit) {
    HttpServer server(small_limits(), echo);
    server.start();
    RawClient raw(server.port());
    std::string chunk(800, 'a');
    raw.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    raw.send("320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    const std::string reply = raw.read_all();
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
}

TEST(HttpServer, AnswersMalformedRequestsWith400AndKeepsServing) {
    HttpServer server(small_limits(), echo);
    server.start();
    {
        RawClient raw(server.port());
        raw.send("THIS IS NOT HTTP\r\n\r\n");
        const std::string reply = raw.read_all();
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
        EXPECT_NE(reply.find("malformed request"), std::string::npos);
    }
    {
        RawClient raw(server.port());
        raw.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
        EXPECT_TRUE(raw.read_all().starts_with("HTTP/1.1 400"));
    }
    {
        RawClient raw(server.port());
        raw.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'b') + "\r\n\r\n");
        EXPECT_TRUE(raw.read_all().starts_with("HTTP/1.1 431"));
    }
    HttpClient client("http://127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(client.get("/").status, 200);
}

TEST(HttpServer, ClosesTheConnectionOfAStalledClient) {
    HttpServer server(small_limits(), echo);
    server.start();
    RawClient raw(server.port());
    const auto start = std::chrono::steady_clock::now();
    raw.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");  // 7 bytes short, forever
    const std::string reply = raw.read_all();
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(reply, "");  // closed, not answered
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 4s);  // the 5 s receive timeout of RawClient would mean it was never closed
    HttpClient client("http://127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(client.get("/").status, 200);
}

TEST(HttpServer, AHandlerThatThrowsGets500WithoutItsMessage) {
    HttpServer server(small_limits(), [](const ServerRequest& r) -> ServerReply {
        if (r.path() == "/boom") throw std::runtime_error("password=hunter2 in the internals");
        return echo(r);
    });
    server.start();
    HttpClient client("http://127.0.0.1:" + std::to_string(server.port()));
    const HttpResponse boom = client.get("/boom");
    EXPECT_EQ(boom.status, 500);
    EXPECT_EQ(boom.body.find("hunter2"), std::string::npos);
    EXPECT_EQ(client.get("/fine").status, 200);
}

TEST(HttpServer, StopLetsARequestInFlightFinishAndRefusesNewOnes) {
    std::promise<void> entered;
    HttpServer server(small_limits(), [&](const ServerRequest& r) {
        if (r.path() == "/slow") {
            entered.set_value();
            std::this_thread::sleep_for(300ms);
        }
        return echo(r);
    });
    server.start();
    const uint16_t port = server.port();
    auto slow = std::async(std::launch::async, [port] {
        HttpClient client("http://127.0.0.1:" + std::to_string(port));
        return client.get("/slow");
    });
    entered.get_future().wait();
    server.stop(5s);
    const HttpResponse answered = slow.get();
    EXPECT_EQ(answered.status, 200);
    EXPECT_EQ(answered.body, "GET /slow  ");
    RawClient late(port);
    EXPECT_FALSE(late.connected());
}

TEST(HttpServer, SaysWhyItCannotListen) {
    HttpServer first(small_limits(), echo);
    first.start();
    HttpServerOptions same = small_limits();
    same.port = first.port();
    HttpServer second(same, echo);
    try {
        second.start();
        FAIL() << "a second server bound the same port";
    } catch (const ServerError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos)
            << message;
        EXPECT_NE(message.find("bind"), std::string::npos) << message;
    }
    HttpServerOptions bad = small_limits();
    bad.host = "not-an-ip";
    HttpServer third(bad, echo);
    EXPECT_THROW(third.start(), ServerError);
}

}  // namespace
}  // namespace tokensync::net
