#include "chain/evm/json_rpc.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace tokensync::chain::evm {
namespace {

TEST(JsonRpc, EncodesRequestsAndBatches) {
    EXPECT_EQ(encode_request(7, Request{"eth_blockNumber", {}}),
              R"({"jsonrpc":"2.0","id":7,"method":"eth_blockNumber","params":[]})");
    const std::vector<Request> requests{{"eth_chainId", {}}, {"eth_getBlockByNumber", {"0x1", false}}};
    EXPECT_EQ(encode_batch(3, requests),
              R"([{"jsonrpc":"2.0","id":3,"method":"eth_chainId","params":[]},)"
              R"({"jsonrpc":"2.0","id":4,"method":"eth_getBlockByNumber","params":["0x1",false]}])");
}

TEST(JsonRpc, DecodesResultAndError) {
    auto ok = decode_response(R"({"jsonrpc":"2.0","id":1,"result":"0x7a69"})", 1);
    ASSERT_TRUE(ok && ok->has_value());
    EXPECT_EQ(**ok, boost::json::value("0x7a69"));

    auto revert = decode_response(
        R"({"jsonrpc":"2.0","id":2,"error":{"code":3,"message":"execution reverted","data":"0x08c379a0"}})", 2);
    ASSERT_TRUE(revert && !revert->has_value());
    EXPECT_EQ(revert->error().code, 3);
    EXPECT_EQ(revert->error().message, "execution reverted");
    EXPECT_EQ(revert->error().data, boost::json::value("0x08c379a0"));

    // Errors about the request itself may carry a null id.
    auto parse_error = decode_response(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}})", 9);
    ASSERT_TRUE(parse_error && !parse_error->has_value());
    EXPECT_EQ(parse_error->error().code, -32700);
}

TEST(JsonRpc, UnusableAnswers) {
    EXPECT_EQ(decode_response(R"({"jsonrpc":"2.0","id":1,"res)", 1).error().reason.substr(0, 12), "invalid JSON");
    EXPECT_EQ(decode_response("[]", 1).error().reason, "answer is not a JSON object");
    EXPECT_EQ(decode_response(R"({"jsonrpc":"2.0","id":1})", 1).error().reason, "neither result nor error");
    EXPECT_EQ(decode_response(R"({"id":1,"error":{"code":"x","message":"m"}})", 1).error().reason,
              "error member is not a JSON-RPC error object");
    EXPECT_EQ(decode_response(R"({"jsonrpc":"2.0","id":2,"result":1})", 1).error().reason,
              "answer id does not match the request id");
}

TEST(JsonRpc, BatchAnswersMatchedByIdInAnyOrder) {
    auto answer = decode_batch(R"([{"jsonrpc":"2.0","id":12,"result":"c"},
                                   {"jsonrpc":"2.0","id":10,"result":"a"},
                                   {"jsonrpc":"2.0","id":11,"error":{"code":-32602,"message":"invalid params"}},
                                   {"jsonrpc":"2.0","id":99,"result":"stranger"},
                                   {"jsonrpc":"2.0","id":10,"result":"duplicate"},
                                   {"jsonrpc":"2.0","id":14}])",
                               10, 5);
    ASSERT_TRUE(answer);
    EXPECT_FALSE(answer->whole);
    ASSERT_EQ(answer->items.size(), 5u);
    EXPECT_EQ(answer->items[0].value(), boost::json::value("a"));
    EXPECT_EQ(answer->items[1].error().code, -32602);
    EXPECT_EQ(answer->items[2].value(), boost::json::value("c"));
    EXPECT_EQ(answer->items[3].error().code, RpcError::kMissingResponse);
    EXPECT_EQ(answer->items[4].error().code, RpcError::kMalformedResponse);
}

// Ids are first_id + i in uint64 arithmetic: a batch that starts at the
// top of the range wraps to 0, and its answers must still match
// (regression of fuzz/regressions/json_rpc_fuzz).
TEST(JsonRpc, BatchIdsThatWrapPastTheTopStillMatch) {
    const uint64_t first = UINT64_MAX;  // ids 18446744073709551615, 0
    auto answer = decode_batch(R"([{"jsonrpc":"2.0","id":0,"result":"b"},
                                   {"jsonrpc":"2.0","id":18446744073709551615,"result":"a"}])",
                               first, 2);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->items.size(), 2u);
    EXPECT_EQ(answer->items[0].value(), boost::json::value("a"));
    EXPECT_EQ(answer->items[1].value(), boost::json::value("b"));
}

TEST(JsonRpc, OneErrorObjectForTheWholeBatch) {
    auto answer =
        decode_batch(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch too large"}})", 1, 2);
    ASSERT_TRUE(answer);
    ASSERT_TRUE(answer->whole);
    EXPECT_EQ(answer->whole->code, -32600);
    ASSERT_EQ(answer->items.size(), 2u);
    EXPECT_EQ(answer->items[1].error().message, "batch too large");
    EXPECT_FALSE(decode_batch(R"({"jsonrpc":"2.0","id":1,"result":1})", 1, 1));
    EXPECT_FALSE(decode_batch(R"([{"id":1,"result":)", 1, 1));
    EXPECT_FALSE(decode_batch("42", 1, 1));
}

TEST(RpcErrorKinds, RateLimitsAreRetriedRangeErrorsAreNot) {
    EXPECT_TRUE(is_rate_limit({429, "Too Many Requests", {}}));
    EXPECT_TRUE(is_rate_limit({-32005, "limit exceeded", {}}));
    EXPECT_TRUE(is_rate_limit({-32005, "daily request count exceeded, request rate limited", {}}));
    EXPECT_FALSE(is_rate_limit({-32005, "query returned more than 10000 results", {}}));
    EXPECT_FALSE(is_rate_limit({-32602, "invalid params", {}}));
    EXPECT_FALSE(is_rate_limit({3, "execution reverted", {}}));
    EXPECT_EQ(RpcError({-32602, "invalid params", {}}).to_string(), "JSON-RPC error -32602: invalid params");
}

}  // namespace
}  // namespace tokensync::chain::evm
