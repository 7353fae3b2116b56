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
