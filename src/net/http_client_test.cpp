#include "net/http_client.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_util/http_test_server.hpp"

namespace tokensync::net {
namespace {

using namespace std::chrono_literals;
using test_util::HttpTestReply;
using test_util::HttpTestRequest;

// The server these tests talk to. Answers status 200 and the body
// "<METHOD> <target> conn=<n> body=<request body>", except target
// "/status/<code>" (that status) and "/big/<bytes>" (a body of that many 'x',
// sent chunked); the mode says what happens to the connection.
class EchoServer {
  public:
    enum class Mode {
        kKeepAlive,        // keeps the connection open between requests
        kCloseSilently,    // answers, then closes without a "Connection: close" header (an idle timeout)
        kConnectionClose,  // answers with "Connection: close", then closes
        kStall,            // reads the request and never answers
        kDropRequest,      // reads the request and closes without answering
        kDropSecond,       // answers the first request of a connection, closes on the second unanswered
    };

    explicit EchoServer(Mode mode = Mode::kKeepAlive)
        : mode_(mode), server_([this](const HttpTestRequest& r) { return answer(r); }) {}

    uint16_t port() const noexcept { return server_.port(); }
    std::string url(std::string_view path = "") const { return server_.url(path); }
    void set_mode(Mode mode) noexcept { mode_ = mode; }
    int connections_accepted() const noexcept { return server_.connections_accepted(); }
    std::vector<std::string> request_heads() const {
        std::vector<std::string> heads;
        for (const auto& r : server_.requests())
            heads.push_back(r.head);
        return heads;
    }

  private:
    HttpTestReply answer(const HttpTestRequest& request) const {
        const Mode mode = mode_;
        HttpTestReply reply;
        reply.content_type = "text/plain";
        reply.headers = {{"X-Test", "yes"}};
        switch (mode) {
            case Mode::kKeepAlive:
                break;
            case Mode::kCloseSilently:
                reply.action = HttpTestReply::Action::kAnswerAndClose;
                break;
            case Mode::kConnectionClose:
                reply.headers.emplace_back("Connection", "close");
                reply.action = HttpTestReply::Action::kAnswerAndClose;
                break;
            case Mode::kStall:
                reply.action = HttpTestReply::Action::kStall;
                return reply;
            case Mode::kDropRequest:
                reply.action = HttpTestReply::Action::kDrop;
                return reply;
            case Mode::kDropSecond:
                if (request.on_connection == 2) reply.action = HttpTestReply::Action::kDrop;
                break;
        }
        const std::string_view target = request.target;
        if (target.starts_with("/big/")) {
            std::size_t size = 0;
            std::from_chars(target.data() + 5, target.data() + target.size(), size);
            reply.body.assign(size, 'x');
            reply.chunked = true;
            return reply;
        }
        if (target.starts_with("/status/")) {
            std::from_chars(target.data() + 8, target.data() + target.size(), reply.status);
        }
        reply.body = fmt::format("{} {} conn={} body={}", request.method, target, request.connection, request.body);
        return reply;
    }

    std::atomic<Mode> mode_;
    test_util::HttpTestServer server_;
};

HttpErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const HttpError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no HttpError thrown";
    return HttpErrorKind::kInvalidUrl;
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const HttpError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no HttpError thrown";
    return {};
}

TEST(HttpClient, PostAndGetReuseOneConnection) {
    EchoServer server;
    HttpClient client(server.url());
    auto first = client.post("", R"({"id":1})");
    EXPECT_EQ(first.status, 200);
    EXPECT_TRUE(first.ok());
    EXPECT_EQ(first.body, R"(POST / conn=1 body={"id":1})");
    EXPECT_EQ(first.header("x-test"), "yes");
    EXPECT_EQ(first.header("content-type"), "text/plain");
    EXPECT_FALSE(first.header("x-missing").has_value());

    auto second = client.get("/health?probe=1");
    EXPECT_EQ(second.body, "GET /health?probe=1 conn=1 body=");
    auto third = client.post("/rpc", "abc", "text/plain");
    EXPECT_EQ(third.body, "POST /rpc conn=1 body=abc");
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(server.connections_accepted(), 1);

    const auto heads = server.request_heads();
    ASSERT_EQ(heads.size(), 3u);
    EXPECT_NE(heads[0].find(fmt::format("Host: 127.0.0.1:{}", server.port())), std::string::npos);
    EXPECT_NE(heads[0].find("Content-Type: application/json"), std::string::npos);
    EXPECT_NE(heads[0].find("User-Agent: tokensync"), std::string::npos);
    EXPECT_NE(heads[2].find("Content-Type: text/plain"), std::string::npos);
}

TEST(HttpClient, EmptyTargetUsesBaseUrlPathAndQuery) {
    EchoServer server;
    HttpClient client(server.url("/v2/key?x=1"));
    EXPECT_EQ(client.get().body, "GET /v2/key?x=1 conn=1 body=");
    EXPECT_EQ(client.authority(), fmt::format("127.0.0.1:{}", server.port()));
}

TEST(HttpClient, ExtraHeadersAreSent) {
    EchoServer server;
    HttpClient::Options options;
    options.headers = {{"Authorization", "Bearer t0k"}};
    options.user_agent = "probe/1";
    HttpClient client(server.url(), options);
    client.get("/");
    const auto heads = server.request_heads();
    ASSERT_EQ(heads.size(), 1u);
    EXPECT_NE(heads[0].find("Authorization: Bearer t0k"), std::string::npos);
    EXPECT_NE(heads[0].find("User-Agent: probe/1"), std::string::npos);
}

TEST(HttpClient, NonSuccessStatusIsReturnedNotThrown) {
    EchoServer server;
    HttpClient client(server.url());
    auto res = client.get("/status/503");
    EXPECT_EQ(res.status, 503);
    EXPECT_FALSE(res.ok());
    EXPECT_EQ(client.get("/status/429").status, 429);
    EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(HttpClient, ReadsLargeChunkedBody) {
    EchoServer server;
    HttpClient client(server.url());
    auto res = client.get("/big/3000000");
    EXPECT_EQ(res.body.size(), 3'000'000u);
    EXPECT_EQ(res.body.find_first_not_of('x'), std::string::npos);
    EXPECT_EQ(client.get("/after").body, "GET /after conn=1 body=");
}

TEST(HttpClient, BodyLimitIsEnforced) {
    EchoServer server;
    HttpClient::Options options;
    options.max_body_bytes = 1000;
    HttpClient client(server.url(), options);
    EXPECT_EQ(kind_of([&] { client.get("/big/5000"); }), HttpErrorKind::kReceive);
}

TEST(HttpClient, ReconnectsAfterServerClosedIdleConnection) {
    EchoServer server(EchoServer::Mode::kCloseSilently);
    HttpClient client(server.url());
    EXPECT_EQ(client.get("/a").body, "GET /a conn=1 body=");
    EXPECT_EQ(client.get("/b").body, "GET /b conn=2 body=");
    EXPECT_EQ(client.get("/c").body, "GET /c conn=3 body=");
    EXPECT_EQ(client.connections_opened(), 3u);
}

TEST(HttpClient, HonoursConnectionCloseHeader) {
    EchoServer server(EchoServer::Mode::kConnectionClose);
    HttpClient client(server.url());
    EXPECT_EQ(client.post("", "1").body, "POST / conn=1 body=1");
    EXPECT_EQ(client.post("", "2").body, "POST / conn=2 body=2");
    EXPECT_EQ(client.connections_opened(), 2u);
}

TEST(HttpClient, RetriesOnceWhenReusedConnectionDropsTheRequest) {
    // The server takes the second request on a connection and closes without
    // answering: the race where an idle timeout fires as a request is sent.
    EchoServer server(EchoServer::Mode::kDropSecond);
    HttpClient client(server.url());
    EXPECT_EQ(client.post("", "1").body, "POST / conn=1 body=1");
    EXPECT_EQ(client.post("", "2").body, "POST / conn=2 body=2");
    EXPECT_EQ(client.connections_opened(), 2u);
    EXPECT_EQ(server.request_heads().size(), 3u);  // "2" was received twice
}

TEST(HttpClient, FreshConnectionDroppedIsAnErrorNotARetry) {
    EchoServer server(EchoServer::Mode::kDropRequest);
    HttpClient client(server.url());
    const auto message = message_of([&] { client.post("", "1"); });
    EXPECT_NE(message.find(fmt::format("127.0.0.1:{}", server.port())), std::string::npos) << message;
    EXPECT_EQ(kind_of([&] { client.post("", "1"); }), HttpErrorKind::kReceive);
    EXPECT_EQ(server.request_heads().size(), 2u);
}

TEST(HttpClient, RequestTimeout) {
    EchoServer server(EchoServer::Mode::kStall);
    HttpClient::Options options;
    options.request_timeout = 200ms;
    HttpClient client(server.url("/v2/secret-key"), options);
    const auto start = std::chrono::steady_clock::now();
    const auto message = message_of([&] { client.post("", "{}"); });
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GE(elapsed, 200ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_NE(message.find(fmt::format("reading the response from 127.0.0.1:{} timed out after 200 ms", server.port())),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(fmt::format("127.0.0.1:{}", server.port())), std::string::npos) << message;
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;

    // The timed-out connection was dropped; the next request uses a new one.
    server.set_mode(EchoServer::Mode::kKeepAlive);
    EXPECT_EQ(client.post("", "{}").body, "POST /v2/secret-key conn=2 body={}");
}

TEST(HttpClient, RefusedConnectionNamesHostPortButNotPath) {
    // Bind a server to learn a free port, then let it go: nothing listens there.
    uint16_t port = 0;
    {
        EchoServer server;
        port = server.port();
    }
    HttpClient client(fmt::format("http://127.0.0.1:{}/v2/MY_API_KEY?apikey=SECRET", port));
    const auto message = message_of([&] { client.get(); });
    EXPECT_NE(message.find(fmt::format("cannot connect to 127.0.0.1:{}", port)), std::string::npos) << message;
    EXPECT_NE(message.find("refused"), std::string::npos) << message;
    EXPECT_EQ(message.find("MY_API_KEY"), std::string::npos) << message;
    EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
    EXPECT_EQ(kind_of([&] { client.get(); }), HttpErrorKind::kConnect);
}

TEST(HttpClient, ConstructorErrors) {
    EXPECT_EQ(kind_of([] { HttpClient c("127.0.0.1:8545"); }), HttpErrorKind::kInvalidUrl);
    EXPECT_EQ(HttpClient("https://Example.com/v2/k").authority(), "example.com:443");
    const auto message = message_of([] { HttpClient c("http://u:SECRET@h/"); });
    EXPECT_EQ(message, "invalid URL: credentials in URL");
}

TEST(HttpClient, TargetMustBeOriginForm) {
    EchoServer server;
    HttpClient client(server.url());
    EXPECT_EQ(kind_of([&] { client.get("health"); }), HttpErrorKind::kInvalidUrl);
    EXPECT_EQ(server.connections_accepted(), 0);
}

TEST(HttpClient, UnresolvableHost) {
    HttpClient::Options options;
    options.connect_timeout = 3s;
    HttpClient client("http://no-such-host.invalid:8545/", options);
    // .invalid never resolves (RFC 6761); with or without a DNS server here, the cause is the name.
    const auto message = message_of([&] { client.get(); });
    EXPECT_NE(message.find("cannot resolve no-such-host.invalid:8545"), std::string::npos) << message;
    EXPECT_EQ(kind_of([&] { client.get(); }), HttpErrorKind::kResolve);
}

// A socket fd closed on scope exit.
struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { ::close(fd); }
};

TEST(HttpClient, ConnectTimeout) {
    // Linux drops SYNs to a listener whose accept queue is full, so a connect
    // to it hangs: listen with backlog 0, never accept, fill the queue with one connection.
    Fd listener{::socket(AF_INET, SOCK_STREAM, 0)};
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener.fd, 0), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len);
    Fd filler{::socket(AF_INET, SOCK_STREAM, 0)};
    ASSERT_EQ(::connect(filler.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

    HttpClient::Options options;
    options.connect_timeout = 150ms;
    HttpClient client(fmt::format("http://127.0.0.1:{}/", ntohs(addr.sin_port)), options);
    const auto start = std::chrono::steady_clock::now();
    const auto message = message_of([&] { client.get(); });
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 900ms);  // before the first SYN retransmission (1 s)
    EXPECT_NE(message.find("no answer within 150 ms"), std::string::npos) << message;
    EXPECT_EQ(kind_of([&] { client.get(); }), HttpErrorKind::kConnect);
}

TEST(HttpClient, MovedClientKeepsWorking) {
    EchoServer server;
    HttpClient a(server.url());
    a.get("/1");
    HttpClient b(std::move(a));
    EXPECT_EQ(b.get("/2").body, "GET /2 conn=1 body=");
    b.close();
    EXPECT_EQ(b.get("/3").body, "GET /3 conn=2 body=");
}

}  // namespace
}  // namespace tokensync::net
