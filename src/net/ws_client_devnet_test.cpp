// WebSocketClient against anvil's own WebSocket endpoint.
#include <chrono>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "net/ws_client.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::net {
namespace {

using namespace std::chrono_literals;

WebSocketError error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const WebSocketError& e) {
        return e;
    }
    ADD_FAILURE() << "no WebSocketError thrown";
    return WebSocketError(WebSocketErrorKind::kInvalidUrl, "none", 0);
}

// The node's own WebSocket endpoint: a newHeads subscription sees mined
// blocks in order, chained by parent hash, and a killed node is noticed.
TEST(WebSocketClientDevnet, NewHeadsSubscriptionOnAnvil) {
    test_util::Devnet devnet;
    WebSocketClient ws(fmt::format("ws://127.0.0.1:{}", devnet.port()));
    ws.connect();
    ws.send_text(R"({"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]})");
    const auto answer = ws.read(10s);
    ASSERT_TRUE(answer.has_value());
    const auto reply = boost::json::parse(*answer).as_object();
    ASSERT_EQ(reply.at("id").as_int64(), 1) << *answer;
    const std::string subscription(reply.at("result").as_string());
    EXPECT_TRUE(subscription.starts_with("0x")) << *answer;

    const auto latest = devnet.rpc("eth_getBlockByNumber", {"latest", false}).as_object();
    const auto head = test_util::parse_quantity(latest.at("number"));
    std::string previous_hash(latest.at("hash").as_string());
    devnet.mine(3);
    for (uint64_t i = 1; i <= 3; ++i) {
        const auto text = ws.read(10s);
        ASSERT_TRUE(text.has_value()) << "notification " << i << " missing";
        const auto note = boost::json::parse(*text).as_object();
        EXPECT_EQ(note.at("method").as_string(), "eth_subscription") << *text;
        const auto& params = note.at("params").as_object();
        EXPECT_EQ(params.at("subscription").as_string(), subscription) << *text;
        const auto& block = params.at("result").as_object();
        EXPECT_EQ(test_util::parse_quantity(block.at("number")), head + i) << *text;
        EXPECT_EQ(block.at("parentHash").as_string(), previous_hash) << *text;
        previous_hash = std::string(block.at("hash").as_string());
    }
    EXPECT_EQ(ws.read(200ms), std::nullopt);

    devnet.kill();
    const auto e = error_of([&] { ws.read(10s); });
    EXPECT_NE(std::string(e.what()).find(fmt::format("127.0.0.1:{}", devnet.port())), std::string::npos) << e.what();
    EXPECT_EQ(e.kind(), WebSocketErrorKind::kConnectionLost) << e.what();
    EXPECT_FALSE(ws.is_open());
}

}  // namespace
}  // namespace tokensync::net
