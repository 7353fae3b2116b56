#include "infra/url.hpp"

#include <gtest/gtest.h>

namespace tokensync::infra {
namespace {

TEST(SplitUrl, AllParts) {
    const auto parts = split_url("https://user:pw@host.example:8545/v2/abc?apikey=k&x=1#frag");
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->scheme, "https");
    EXPECT_EQ(parts->userinfo, "user:pw");
    EXPECT_EQ(parts->host, "host.example:8545");
    EXPECT_EQ(parts->path, "/v2/abc");
    EXPECT_EQ(parts->query, "apikey=k&x=1");
    EXPECT_EQ(parts->fragment, "frag");
}

TEST(SplitUrl, PasswordWithAtSign) {
    const auto parts = split_url("postgresql://u:p@ss@db:5432/x");
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->userinfo, "u:p@ss");
    EXPECT_EQ(parts->host, "db:5432");
    EXPECT_EQ(parts->path, "/x");
}

TEST(SplitUrl, HostOnly) {
    const auto parts = split_url("http://127.0.0.1:8545");
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->host, "127.0.0.1:8545");
    EXPECT_TRUE(parts->path.empty());
    EXPECT_TRUE(parts->query.empty());
    EXPECT_TRUE(parts->userinfo.empty());
}

TEST(SplitUrl, RejectsNonUrls) {
    EXPECT_FALSE(split_url("127.0.0.1:8545"));
    EXPECT_FALSE(split_url("://host"));
    EXPECT_FALSE(split_url("1http://host"));
    EXPECT_FALSE(split_url("ht tp://host"));
}

TEST(IsHttpUrl, AcceptsHttpAndHttps) {
    EXPECT_TRUE(is_http_url("http://127.0.0.1:8545"));
    EXPECT_TRUE(is_http_url("HTTPS://eth-mainnet.g.alchemy.com/v2/key"));
    EXPECT_FALSE(is_http_url("htp://x"));
    EXPECT_FALSE(is_http_url("ws://x"));
    EXPECT_FALSE(is_http_url("http://"));
    EXPECT_FALSE(is_http_url("http:///path"));
    EXPECT_FALSE(is_http_url("http://a b"));
    EXPECT_FALSE(is_http_url("localhost:8545"));
}

TEST(IsWsUrl, AcceptsWsAndWss) {
    EXPECT_TRUE(is_ws_url("ws://127.0.0.1:8545"));
    EXPECT_TRUE(is_ws_url("wss://x.example/ws"));
    EXPECT_FALSE(is_ws_url("http://127.0.0.1:8545"));
    EXPECT_FALSE(is_ws_url("ws://"));
}

}  // namespace
}  // namespace tokensync::infra

TEST(SplitHostPort, PlainBracketedAndBroken) {
    using tokensync::infra::split_host_port;
    auto plain = split_host_port("db.example:5433");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->host, "db.example");
    EXPECT_EQ(plain->port, "5433");
    EXPECT_TRUE(plain->has_port);
    EXPECT_FALSE(plain->bracketed);

    auto bare = split_host_port("localhost");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->host, "localhost");
    EXPECT_FALSE(bare->has_port);

    auto v6 = split_host_port("[::1]:8545");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, "8545");
    EXPECT_TRUE(v6->bracketed);

    auto empty_port = split_host_port("host:");
    ASSERT_TRUE(empty_port);
    EXPECT_TRUE(empty_port->has_port);
    EXPECT_EQ(empty_port->port, "");

    EXPECT_FALSE(split_host_port("[::1"));
    EXPECT_FALSE(split_host_port("[::1]x"));
}
