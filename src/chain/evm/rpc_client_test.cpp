#include "chain/evm/rpc_client.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "chain/evm/eth_api.hpp"
#include "test_util/http_test_server.hpp"
#include "test_util/process.hpp"

namespace tokensync::chain::evm {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using test_util::HttpTestReply;
using test_util::HttpTestRequest;
using test_util::HttpTestServer;

std::string answer(const boost::json::value& id, const boost::json::value& result) {
    return boost::json::serialize(boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string error_answer(const boost::json::value& id, int64_t code, std::string_view message,
                         const boost::json::value& data = nullptr) {
    boost::json::object error{{"code", code}, {"message", message}};
    if (!data.is_null()) error["data"] = data;
    return boost::json::serialize(boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", error}});
}

boost::json::value id_of(const std::string& body) { return boost::json::parse(body).at("id"); }

// Answers eth_chainId with 0x7a69 to every request after `failures` scripted failures.
HttpTestServer::Handler fail_then_answer(std::vector<HttpTestReply> failures) {
    auto count = std::make_shared<std::size_t>(0);
    return [failures = std::move(failures), count](const HttpTestRequest& request) {
        if (*count < failures.size()) return failures[(*count)++];
        return HttpTestReply{200, answer(id_of(request.body), "0x7a69")};
    };
}

struct Harness {
    std::vector<milliseconds> sleeps;
    RpcClientOptions options(std::vector<std::string> urls) {
        RpcClientOptions o;
        o.urls = std::move(urls);
        o.backoff = {milliseconds{100}, milliseconds{1'000}, 4};
        o.http.request_timeout = 1s;
        o.http.connect_timeout = 1s;
        o.seed = 7;
        o.sleep = [this](milliseconds d) { sleeps.push_back(d); };
        return o;
    }
};

TEST(RpcClient, CallSendsJsonRpcAndReturnsTheResult) {
    HttpTestServer server(fail_then_answer({}));
    Harness h;
    RpcClient client(h.options({server.url()}));
    EXPECT_EQ(chain_id(client), 31337u);
    const auto request = boost::json::parse(server.bodies().at(0)).as_object();
    EXPECT_EQ(request.at("jsonrpc"), "2.0");
    EXPECT_EQ(request.at("method"), "eth_chainId");
    EXPECT_EQ(request.at("params"), boost::json::array{});
    EXPECT_TRUE(h.sleeps.empty());
}

TEST(RpcClient, Http429RetryAfterSecondsIsHonoured) {
    HttpTestServer server(fail_then_answer({HttpTestReply{429, "slow down", {{"Retry-After", "3"}}}}));
    Harness h;
    RpcClient client(h.options({server.url()}));
    EXPECT_EQ(client.call("eth_chainId"), boost::json::value("0x7a69"));
    ASSERT_EQ(h.sleeps.size(), 1u);
    // Longer than any back-off of this policy; the client takes off what time has gone by since the answer.
    EXPECT_GT(h.sleeps[0], milliseconds{2'500});
    EXPECT_LE(h.sleeps[0], milliseconds{3'000});
    EXPECT_EQ(server.request_count(), 2u);
}

TEST(RpcClient, Http503RetryAfterDateIsHonoured) {
    // A date far in the future: the wait is capped at max_retry_after.
    HttpTestServer server(
        fail_then_answer({HttpTestReply{503, "", {{"Retry-After", "Fri, 31 Dec 2999 23:59:59 GMT"}}}}));
    Harness h;
    auto options = h.options({server.url()});
    options.max_retry_after = 2'500ms;
    RpcClient client(std::move(options));
    EXPECT_EQ(client.call("eth_chainId"), boost::json::value("0x7a69"));
    ASSERT_EQ(h.sleeps.size(), 1u);
    EXPECT_GT(h.sleeps[0], milliseconds{2'000});
    EXPECT_LE(h.sleeps[0], milliseconds{2'500});
}

TEST(RpcClient, TransientFailuresAreRetried) {
    const std::string truncated = R"({"jsonrpc":"2.0","id":1,"resu)";
    HttpTestServer server(fail_then_answer({
        HttpTestReply{500, "oops"},
        HttpTestReply{200, std::string(200, ' ') + answer(1, "0x1"), {}, HttpTestReply::Action::kCloseMidway},
        HttpTestReply{200, truncated},
    }));
    Harness h;
    auto options = h.options({server.url()});
    options.backoff.max_attempts = 5;
    RpcClient client(std::move(options));
    EXPECT_EQ(client.call("eth_chainId"), boost::json::value("0x7a69"));
    EXPECT_EQ(server.request_count(), 4u);
    EXPECT_EQ(h.sleeps.size(), 3u);
}

TEST(RpcClient, SlowAndDroppedAnswersAreRetried) {
    HttpTestServer server(fail_then_answer({
        HttpTestReply{200, "", {}, HttpTestReply::Action::kAnswer, 1'500ms},  // beyond the 1 s request timeout
        HttpTestReply{200, "", {}, HttpTestReply::Action::kDrop},
    }));
    Harness h;
    RpcClient client(h.options({server.url()}));
    EXPECT_EQ(client.call("eth_chainId"), boost::json::value("0x7a69"));
    EXPECT_EQ(h.sleeps.size(), 2u);
}

TEST(RpcClient, BackOffFollowsTheSeededPolicy) {
    HttpTestServer server([](const HttpTestRequest&) { return HttpTestReply{500, "down"}; });
    Harness h;
    auto options = h.options({server.url()});
    RpcClient client(options);
    EXPECT_THROW(client.call("eth_chainId"), BlockchainConnectionError);
    EXPECT_EQ(server.request_count(), 4u);
    infra::Backoff expected(options.backoff, 7);
    ASSERT_EQ(h.sleeps.size(), 3u);
    for (unsigned i = 0; i < 3; ++i) {
        EXPECT_EQ(h.sleeps[i], expected.next_delay(i + 1));
        EXPECT_LE(h.sleeps[i], options.backoff.ceiling(i + 1));
    }
}

TEST(RpcClient, CallerMistakesAreNotRetried) {
    HttpTestServer server([](const HttpTestRequest& request) {
        const auto method = boost::json::parse(request.body).at("method").as_string();
        if (method == "eth_call")
            return HttpTestReply{200, error_answer(id_of(request.body), 3, "execution reverted", "0x08c379a0")};
        return HttpTestReply{200, error_answer(id_of(request.body), -32602, "invalid argument 0")};
    });
    Harness h;
    RpcClient client(h.options({server.url()}));
    try {
        client.call("eth_getBalance", {"nonsense"});
        FAIL() << "no exception";
    } catch (const RpcCallError& e) {
        EXPECT_EQ(e.error().code, -32602);
        EXPECT_EQ(e.method(), "eth_getBalance");
        EXPECT_STREQ(e.what(), "eth_getBalance: JSON-RPC error -32602: invalid argument 0");
    }
    try {
        eth_call(client, core::Address{}, core::Bytes{0x12});
        FAIL() << "no exception";
    } catch (const RpcCallError& e) {
        EXPECT_EQ(revert_data(e.error()), (core::Bytes{0x08, 0xc3, 0x79, 0xa0}));
    }
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_TRUE(h.sleeps.empty());
    EXPECT_EQ(revert_data(RpcError{-32000, "x", "0x00"}), std::nullopt);
}

TEST(RpcClient, RateLimitErrorsAreRetried) {
    auto count = std::make_shared<int>(0);
    HttpTestServer server([count](const HttpTestRequest& request) {
        if ((*count)++ == 0) return HttpTestReply{200, error_answer(id_of(request.body), -32005, "limit exceeded")};
        if (*count == 2) return HttpTestReply{200, error_answer(id_of(request.body), 429, "Too many requests")};
        return HttpTestReply{200, answer(id_of(request.body), "0x10")};
    });
    Harness h;
    RpcClient client(h.options({server.url()}));
    EXPECT_EQ(block_number(client), 16u);
    EXPECT_EQ(server.request_count(), 3u);
}

TEST(RpcClient, BatchMatchesIdsPerItem) {
    // Answers in reverse order, leaves one out, and fails one item.
    HttpTestServer server([](const HttpTestRequest& request) {
        boost::json::array out;
        const auto parsed = boost::json::parse(request.body);
        for (const auto& item : parsed.as_array()) {
            const auto& o = item.as_object();
            const auto method = o.at("method").as_string();
            if (method == "skip") continue;
            if (method == "bad") {
                out.insert(out.begin(), boost::json::parse(error_answer(o.at("id"), -32601, "method not found")));
            } else {
                out.insert(out.begin(), boost::json::parse(answer(o.at("id"), o.at("params").as_array().at(0))));
            }
        }
        return HttpTestReply{200, boost::json::serialize(out)};
    });
    Harness h;
    RpcClient client(h.options({server.url()}));
    const std::vector<Request> requests{{"echo", {"a"}}, {"bad", {}}, {"echo", {"c"}}, {"skip", {}}, {"echo", {"e"}}};
    const auto results = client.batch(requests);
    ASSERT_EQ(results.size(), 5u);
    EXPECT_EQ(results[0].value(), boost::json::value("a"));
    EXPECT_EQ(results[1].error().code, -32601);
    EXPECT_EQ(results[2].value(), boost::json::value("c"));
    EXPECT_EQ(results[3].error().code, RpcError::kMissingResponse);
    EXPECT_EQ(results[4].value(), boost::json::value("e"));
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_TRUE(client.batch({}).empty());
    EXPECT_EQ(server.request_count(), 1u);
}

TEST(RpcClient, RateLimitedBatchItemsAloneAreSentAgain) {
    auto round = std::make_shared<int>(0);
    HttpTestServer server([round](const HttpTestRequest& request) {
        ++*round;
        boost::json::array out;
        const auto parsed = boost::json::parse(request.body);
        for (const auto& item : parsed.as_array()) {
            const auto& p = item.at("params").as_array().at(0);
            if (*round == 1 && p.as_int64() % 2 == 1) {
                out.push_back(boost::json::parse(error_answer(item.at("id"), 429, "Too Many Requests")));
            } else {
                out.push_back(boost::json::parse(answer(item.at("id"), p)));
            }
        }
        return HttpTestReply{200, boost::json::serialize(out)};
    });
    Harness h;
    RpcClient client(h.options({server.url()}));
    std::vector<Request> requests;
    requests.reserve(4);
    for (int i = 0; i < 4; ++i)
        requests.push_back({"echo", {i}});
    const auto results = client.batch(requests);
    ASSERT_EQ(results.size(), 4u);
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(results[static_cast<std::size_t>(i)].value(), boost::json::value(i));
    const auto bodies = server.bodies();
    ASSERT_EQ(bodies.size(), 2u);
    EXPECT_EQ(boost::json::parse(bodies[1]).as_array().size(), 2u);  // items 1 and 3 only
    EXPECT_EQ(h.sleeps.size(), 1u);
}

TEST(RpcClient, RateLimitedBatchItemsGiveUpWithTheBudget) {
    HttpTestServer server([](const HttpTestRequest& request) {
        boost::json::array out;
        const auto parsed = boost::json::parse(request.body);
        for (const auto& item : parsed.as_array()) {
            out.push_back(boost::json::parse(error_answer(item.at("id"), -32005, "rate limit exceeded")));
        }
        return HttpTestReply{200, boost::json::serialize(out)};
    });
    Harness h;
    RpcClient client(h.options({server.url()}));
    const auto results = client.batch({{"a", {}}});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].error().code, -32005);
    EXPECT_EQ(server.request_count(), 4u);  // max_attempts
}

TEST(RpcClient, LargeBatchesAreChunked) {
    HttpTestServer server([](const HttpTestRequest& request) {
        boost::json::array out;
        const auto parsed = boost::json::parse(request.body);
        for (const auto& item : parsed.as_array()) {
            out.push_back(boost::json::parse(answer(item.at("id"), item.at("params").as_array().at(0))));
        }
        return HttpTestReply{200, boost::json::serialize(out)};
    });
    Harness h;
    auto options = h.options({server.url()});
    options.max_batch_size = 2;
    RpcClient client(std::move(options));
    std::vector<Request> requests;
    requests.reserve(5);
    for (int i = 0; i < 5; ++i)
        requests.push_back({"echo", {i}});
    const auto results = client.batch(requests);
    ASSERT_EQ(results.size(), 5u);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(results[static_cast<std::size_t>(i)].value(), boost::json::value(i));
    const auto bodies = server.bodies();
    ASSERT_EQ(bodies.size(), 3u);
    EXPECT_EQ(boost::json::parse(bodies[0]).as_array().size(), 2u);
    EXPECT_EQ(boost::json::parse(bodies[2]).as_array().size(), 1u);
}

TEST(RpcClient, WholeBatchErrorsReachEveryItemAndRateLimitsAreRetried) {
    auto count = std::make_shared<int>(0);
    HttpTestServer server([count](const HttpTestRequest&) {
        if ((*count)++ == 0) return HttpTestReply{429, error_answer(nullptr, 429, "rate limited")};
        return HttpTestReply{200, error_answer(nullptr, -32600, "batch too large")};
    });
    Harness h;
    RpcClient client(h.options({server.url()}));
    const auto results = client.batch({{"a", {}}, {"b", {}}});
    ASSERT_EQ(results.size(), 2u);
    for (const auto& r : results) {
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, -32600);
        EXPECT_EQ(r.error().message, "batch too large");
    }
    EXPECT_EQ(server.request_count(), 2u);
}

TEST(RpcClient, FailsOverToTheHealthyUrlAndKeepsUsingIt) {
    HttpTestServer broken([](const HttpTestRequest&) { return HttpTestReply{502, "bad gateway"}; });
    HttpTestServer healthy(fail_then_answer({}));
    Harness h;
    RpcClient client(h.options({broken.url(), healthy.url()}));
    EXPECT_EQ(client.preferred_endpoint(), 0u);
    EXPECT_EQ(chain_id(client), 31337u);
    EXPECT_EQ(client.last_endpoint(), 1u);
    EXPECT_TRUE(h.sleeps.empty());  // another URL was ready: no waiting
    EXPECT_GT(client.health().score(0), client.health().score(1));
    EXPECT_EQ(chain_id(client), 31337u);
    EXPECT_EQ(broken.request_count(), 1u);  // cooling down, and less healthy
    EXPECT_EQ(healthy.request_count(), 2u);
}

TEST(RpcClient, AllUrlsFailingNamesEachHostButNoSecret) {
    HttpTestServer unavailable([](const HttpTestRequest&) { return HttpTestReply{503, "maintenance"}; });
    const uint16_t refused = test_util::free_port();  // nothing listens there
    Harness h;
    auto options = h.options({unavailable.url("/v2/SeCrEtKeY0123456789abcdef?apikey=QuErYsEcReT987"),
                              fmt::format("http://127.0.0.1:{}/v3/AnOtHeRkEy5555?token=ToKeNsEcReT42", refused)});
    RpcClient client(std::move(options));
    try {
        client.call("eth_blockNumber");
        FAIL() << "no exception";
    } catch (const BlockchainConnectionError& e) {
        const std::string message = e.what();
        EXPECT_TRUE(message.starts_with("BlockchainConnectionError: cannot reach ")) << message;
        EXPECT_NE(message.find(fmt::format("cannot reach 127.0.0.1:{} (HTTP 503)", unavailable.port())),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find(fmt::format("cannot reach 127.0.0.1:{} (", refused)), std::string::npos) << message;
        for (std::string_view secret : {"SeCrEtKeY", "QuErYsEcReT", "AnOtHeRkEy", "ToKeNsEcReT", "/v2/", "/v3/", "?"}) {
            EXPECT_EQ(message.find(secret), std::string::npos) << secret << " in " << message;
        }
    }
    EXPECT_EQ(unavailable.request_count(), 2u);  // 4 tries shared by 2 URLs
}

TEST(RpcClient, RejectsBadUrlsWithoutShowingSecrets) {
    Harness h;
    EXPECT_THROW(RpcClient(h.options({})), std::invalid_argument);
    try {
        RpcClient client(h.options({"ftp://example.com/v2/SeCrEtKeY0123456789abcdef"}));
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("SeCrEtKeY"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace tokensync::chain::evm
