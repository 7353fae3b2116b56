// RpcClient over https: the CA option reaches the HTTP client, calls and
// batches share one kept-alive TLS connection, and a refused certificate
// is reported without the URL's key.
#include <string>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "chain/evm/rpc_client.hpp"
#include "test_util/http_test_server.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/tls_test_cert.hpp"

namespace tokensync::chain::evm {
namespace {

using namespace std::chrono_literals;
using test_util::HttpTestReply;
using test_util::HttpTestRequest;
using test_util::HttpTestServer;

// Answers every JSON-RPC request (single or batch) with its first parameter.
HttpTestReply echo_params(const HttpTestRequest& request) {
    const auto answer = [](const boost::json::object& item) {
        return boost::json::object{
            {"jsonrpc", "2.0"}, {"id", item.at("id")}, {"result", item.at("params").as_array().at(0)}};
    };
    const auto parsed = boost::json::parse(request.body);
    if (parsed.is_object()) return {200, boost::json::serialize(answer(parsed.as_object()))};
    boost::json::array out;
    for (const auto& item : parsed.as_array())
        out.push_back(answer(item.as_object()));
    return {200, boost::json::serialize(out)};
}

class RpcClientTls : public ::testing::Test {
  protected:
    HttpTestServer::Options tls_server() const {
        HttpTestServer::Options options;
        options.tls = pki_.server;
        return options;
    }
    RpcClientOptions options_for(const std::string& url) const {
        RpcClientOptions options;
        options.urls = {url};
        options.backoff = {10ms, 10ms, 1};
        options.seed = 1;
        return options;
    }

    test_util::TlsTestPki pki_ = test_util::make_test_pki();
    test_util::TempDir dir_{"tokensync-rpc-tls"};
};

TEST_F(RpcClientTls, CallAndBatchShareOneConnection) {
    HttpTestServer server(echo_params, tls_server());
    auto options = options_for(server.url("/v2/KEY"));
    options.http.tls_ca_file = pki_.save_ca(dir_.path());
    RpcClient client(options);
    EXPECT_EQ(client.call("echo", {"0x1"}), boost::json::value("0x1"));
    const auto results = client.batch({{"echo", {"a"}}, {"echo", {"b"}}, {"echo", {"c"}}});
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].value(), boost::json::value("a"));
    EXPECT_EQ(results[2].value(), boost::json::value("c"));
    EXPECT_EQ(client.call("echo", {"0x2"}), boost::json::value("0x2"));
    EXPECT_EQ(server.request_count(), 3u);
    EXPECT_EQ(server.connections_accepted(), 1);
    EXPECT_EQ(server.tls_handshakes(), 1);
    for (const auto& request : server.requests())
        EXPECT_EQ(request.target, "/v2/KEY");
}

TEST_F(RpcClientTls, UntrustedCertificateIsAConnectionErrorWithoutTheKey) {
    HttpTestServer server(echo_params, tls_server());
    RpcClient client(options_for(server.url("/v2/SeCrEtKeY123456789")));
    try {
        client.call("echo", {"0x1"});
        ADD_FAILURE() << "no error";
    } catch (const BlockchainConnectionError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(fmt::format("cannot reach 127.0.0.1:{}: TLS handshake failed: certificate verify failed",
                                           server.port())),
                  std::string::npos)
            << message;
        EXPECT_EQ(message.find("SeCrEt"), std::string::npos) << message;
    }
    EXPECT_EQ(server.request_count(), 0u);
}

}  // namespace
}  // namespace tokensync::chain::evm
