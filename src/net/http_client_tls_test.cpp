// HttpClient over https against HttpTestServer's TLS mode, with a throwaway
// CA and server certificate made for each test.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "infra/redact.hpp"
#include "net/http_client.hpp"
#include "test_util/http_test_server.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/tls_test_cert.hpp"

namespace tokensync::net {
namespace {

using namespace std::chrono_literals;
using test_util::HttpTestReply;
using test_util::HttpTestRequest;
using test_util::HttpTestServer;

HttpError error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const HttpError& e) {
        return e;
    }
    ADD_FAILURE() << "no HttpError thrown";
    return HttpError(HttpErrorKind::kInvalidUrl, "none");
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    ASSERT_TRUE(out.flush()) << path;
}

// Answers "<target> conn=<n> body=<body>"; the handler may be replaced.
HttpTestReply echo(const HttpTestRequest& request) {
    return {200, fmt::format("{} conn={} body={}", request.target, request.connection, request.body)};
}

class HttpsTest : public ::testing::Test {
  protected:
    HttpTestServer::Options tls_server() const {
        HttpTestServer::Options options;
        options.tls = pki_.server;
        return options;
    }
    HttpClient::Options trusting() const {
        HttpClient::Options options;
        options.tls_ca_file = ca_file_;
        return options;
    }

    test_util::TlsTestPki pki_ = test_util::make_test_pki();
    test_util::TempDir dir_{"tokensync-https"};
    std::string ca_file_ = pki_.save_ca(dir_.path());
};

TEST_F(HttpsTest, KeepAliveReusesOneTlsConnection) {
    HttpTestServer server(echo, tls_server());
    EXPECT_TRUE(server.url().starts_with("https://127.0.0.1:"));
    HttpClient client(server.url("/v2/KEY"), trusting());
    EXPECT_EQ(client.post("", "a").body, "/v2/KEY conn=1 body=a");
    EXPECT_EQ(client.post("", "b").body, "/v2/KEY conn=1 body=b");
    EXPECT_EQ(client.get("/health").body, "/health conn=1 body=");
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(server.connections_accepted(), 1);
    EXPECT_EQ(server.tls_handshakes(), 1);
}

TEST_F(HttpsTest, LargeChunkedBodyOverTls) {
    HttpTestServer server(
        [](const HttpTestRequest&) {
            HttpTestReply reply{200, std::string(3'000'000, 'x')};
            reply.chunked = true;
            return reply;
        },
        tls_server());
    HttpClient client(server.url(), trusting());
    const auto res = client.get();
    EXPECT_EQ(res.body.size(), 3'000'000u);
    EXPECT_EQ(res.body.find_first_not_of('x'), std::string::npos);
}

TEST_F(HttpsTest, HostNameIsVerifiedAndSentAsSni) {
    HttpTestServer server(echo, tls_server());
    HttpClient client(fmt::format("https://localhost:{}/rpc", server.port()), trusting());
    EXPECT_EQ(client.post("", "x").body, "/rpc conn=1 body=x");
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_NE(requests[0].head.find(fmt::format("Host: localhost:{}", server.port())), std::string::npos);
}

TEST_F(HttpsTest, ReconnectsAfterTheServerClosedAnIdleConnection) {
    HttpTestServer server(
        [](const HttpTestRequest& request) {
            auto reply = echo(request);
            reply.action = HttpTestReply::Action::kAnswerAndClose;  // close_notify, then close
            return reply;
        },
        tls_server());
    HttpClient client(server.url(), trusting());
    EXPECT_EQ(client.get("/a").body, "/a conn=1 body=");
    EXPECT_EQ(client.get("/b").body, "/b conn=2 body=");
    EXPECT_EQ(client.connections_opened(), 2u);
    EXPECT_EQ(server.tls_handshakes(), 2);
}

TEST_F(HttpsTest, RetriesOnceWhenAReusedConnectionDropsTheRequest) {
    HttpTestServer server(
        [](const HttpTestRequest& request) {
            auto reply = echo(request);
            if (request.on_connection == 2) reply.action = HttpTestReply::Action::kDrop;
            return reply;
        },
        tls_server());
    HttpClient client(server.url(), trusting());
    EXPECT_EQ(client.post("", "1").body, "/ conn=1 body=1");
    EXPECT_EQ(client.post("", "2").body, "/ conn=2 body=2");
    EXPECT_EQ(server.request_count(), 3u);
}

TEST_F(HttpsTest, RequestTimeoutOverTls) {
    HttpTestServer server(
        [](const HttpTestRequest&) {
            return HttpTestReply{200, "", {}, HttpTestReply::Action::kStall};
        },
        tls_server());
    auto options = trusting();
    options.request_timeout = 200ms;
    HttpClient client(server.url("/v2/SECRETKEY"), options);
    const auto e = error_of([&] { client.post("", "{}"); });
    EXPECT_EQ(e.kind(), HttpErrorKind::kTimeout);
    EXPECT_EQ(std::string(e.what()),
              fmt::format("reading the response from 127.0.0.1:{} timed out after 200 ms", server.port()));
}

TEST_F(HttpsTest, UntrustedCertificateFailsWithTheVerifyError) {
    HttpTestServer server(echo, tls_server());
    HttpClient client(server.url("/v2/SECRETKEY?apikey=QUERYKEY"));  // the system's CAs only
    const auto e = error_of([&] { client.post("", "{}"); });
    EXPECT_EQ(e.kind(), HttpErrorKind::kTls);
    const std::string message = e.what();
    EXPECT_EQ(message, fmt::format("cannot reach 127.0.0.1:{}: TLS handshake failed: certificate verify failed "
                                   "(unable to get local issuer certificate)",
                                   server.port()));
    EXPECT_EQ(message.find("SECRETKEY"), std::string::npos);
    EXPECT_EQ(message.find("QUERYKEY"), std::string::npos);
    EXPECT_EQ(infra::redact(message), message);  // nothing the redaction helpers would hide
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpsTest, SelfSignedCertificateIsRefusedUnlessItIsTheCaFile) {
    const auto identity = test_util::make_self_signed_identity();
    HttpTestServer::Options server_options;
    server_options.tls = identity;
    HttpTestServer server(echo, server_options);
    HttpClient refusing(server.url());
    const auto e = error_of([&] { refusing.get(); });
    EXPECT_EQ(std::string(e.what()), fmt::format("cannot reach 127.0.0.1:{}: TLS handshake failed: certificate verify "
                                                 "failed (self-signed certificate)",
                                                 server.port()));

    // The certificate itself as tls_ca_file: trusted.
    const auto path = dir_.path() / "self.pem";
    write_file(path, identity.cert_pem);
    HttpClient::Options options;
    options.tls_ca_file = path.string();
    HttpClient trusting_it(server.url(), options);
    EXPECT_EQ(trusting_it.get("/ok").body, "/ok conn=2 body=");
}

TEST_F(HttpsTest, CertificateForAnotherHostFails) {
    const auto other = test_util::make_test_pki({"node.example.org"}, {});
    HttpTestServer::Options server_options;
    server_options.tls = other.server;
    HttpTestServer server(echo, server_options);
    HttpClient::Options options;
    options.tls_ca_file = other.save_ca(dir_.path());
    for (const auto* host : {"127.0.0.1", "localhost"}) {
        HttpClient client(fmt::format("https://{}:{}/", host, server.port()), options);
        const auto e = error_of([&] { client.get(); });
        EXPECT_EQ(e.kind(), HttpErrorKind::kTls);
        EXPECT_EQ(std::string(e.what()), fmt::format("cannot reach {}:{}: TLS handshake failed: certificate verify "
                                                     "failed (hostname mismatch)",
                                                     host, server.port()));
    }
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpsTest, HandshakeNeverAnsweredTimesOut) {
    // A plain HTTP server reads the ClientHello as the start of a request
    // head and waits for the rest: TCP accepted, the handshake never answered.
    HttpTestServer server(echo);
    auto options = trusting();
    options.connect_timeout = 300ms;
    HttpClient client(fmt::format("https://127.0.0.1:{}/v2/SECRETKEY", server.port()), options);
    const auto start = std::chrono::steady_clock::now();
    const auto e = error_of([&] { client.get(); });
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(e.kind(), HttpErrorKind::kTls);
    EXPECT_EQ(std::string(e.what()),
              fmt::format("cannot reach 127.0.0.1:{}: TLS handshake: no answer within 300 ms", server.port()));
    EXPECT_GE(elapsed, 300ms);
    EXPECT_LT(elapsed, 2s);
}

TEST_F(HttpsTest, UnreadableCaFileIsAConstructorError) {
    HttpClient::Options options;
    options.tls_ca_file = (dir_.path() / "missing.pem").string();
    const auto e = error_of([&] { HttpClient client("https://node.example.org/v2/SECRETKEY", options); });
    EXPECT_EQ(e.kind(), HttpErrorKind::kTls);
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with(fmt::format(
        "TLS for node.example.org:443 cannot be set up: cannot load the CA file \"{}\": ", options.tls_ca_file)))
        << message;
    EXPECT_EQ(message.find("SECRETKEY"), std::string::npos);

    // A file that is not PEM is refused the same way; plain http ignores the option.
    options.tls_ca_file = ca_file_ + ".txt";
    write_file(options.tls_ca_file, "not a certificate\n");
    EXPECT_EQ(error_of([&] { HttpClient client("https://node.example.org/", options); }).kind(), HttpErrorKind::kTls);
    EXPECT_NO_THROW(HttpClient("http://node.example.org/", options));
}

}  // namespace
}  // namespace tokensync::net
