#include "net/url.hpp"

#include <gtest/gtest.h>

namespace tokensync::net {
namespace {

TEST(Url, ParsesHostPortAndTarget) {
    auto url = Url::parse("http://127.0.0.1:8545");
    ASSERT_TRUE(url.has_value());
    EXPECT_EQ(url->scheme, "http");
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, 8545);
    EXPECT_EQ(url->target, "/");
    EXPECT_EQ(url->authority(), "127.0.0.1:8545");
    EXPECT_EQ(url->host_header(), "127.0.0.1:8545");
    EXPECT_FALSE(url->is_tls());
}

TEST(Url, DefaultPortsAndHostHeader) {
    auto plain = Url::parse("HTTP://Example.COM/v2/key?x=1#frag");
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(plain->scheme, "http");
    EXPECT_EQ(plain->host, "example.com");
    EXPECT_EQ(plain->port, 80);
    EXPECT_EQ(plain->target, "/v2/key?x=1");
    EXPECT_EQ(plain->host_header(), "example.com");
    EXPECT_EQ(plain->authority(), "example.com:80");

    auto tls = Url::parse("https://eth-mainnet.g.alchemy.com/v2/abc");
    ASSERT_TRUE(tls.has_value());
    EXPECT_TRUE(tls->is_tls());
    EXPECT_EQ(tls->port, 443);
    EXPECT_EQ(tls->target, "/v2/abc");
}

TEST(Url, QueryWithoutPathGetsSlash) {
    auto url = Url::parse("http://h:1?apikey=k");
    ASSERT_TRUE(url.has_value());
    EXPECT_EQ(url->target, "/?apikey=k");
    EXPECT_EQ(url->port, 1);
}

TEST(Url, Ipv6Literal) {
    auto url = Url::parse("http://[::1]:8545/rpc");
    ASSERT_TRUE(url.has_value());
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->authority(), "[::1]:8545");
    EXPECT_EQ(url->target, "/rpc");
    auto no_port = Url::parse("http://[::1]");
    ASSERT_TRUE(no_port.has_value());
    EXPECT_EQ(no_port->host_header(), "[::1]");
}

TEST(Url, Errors) {
    EXPECT_EQ(Url::parse("127.0.0.1:8545").error(), UrlError::kMissingScheme);
    EXPECT_EQ(Url::parse("://h").error(), UrlError::kMissingScheme);
    EXPECT_EQ(Url::parse("ws://h:1").error(), UrlError::kUnsupportedScheme);
    EXPECT_EQ(Url::parse("http://").error(), UrlError::kMissingHost);
    EXPECT_EQ(Url::parse("http://:8545/x").error(), UrlError::kMissingHost);
    EXPECT_EQ(Url::parse("http://[::1/x").error(), UrlError::kInvalidHost);
    EXPECT_EQ(Url::parse("http://[::1]x/").error(), UrlError::kInvalidHost);
    EXPECT_EQ(Url::parse("http://[zz]/").error(), UrlError::kInvalidHost);
    EXPECT_EQ(Url::parse("http://a b/").error(), UrlError::kInvalidHost);
    EXPECT_EQ(Url::parse("http://h:/").error(), UrlError::kInvalidPort);
    EXPECT_EQ(Url::parse("http://h:0").error(), UrlError::kInvalidPort);
    EXPECT_EQ(Url::parse("http://h:65536").error(), UrlError::kInvalidPort);
    EXPECT_EQ(Url::parse("http://h:12ab").error(), UrlError::kInvalidPort);
    EXPECT_EQ(Url::parse("http://user:pw@h/").error(), UrlError::kUserInfo);
}

TEST(Url, ErrorNames) {
    EXPECT_EQ(to_string(UrlError::kMissingScheme), "missing scheme");
    EXPECT_EQ(to_string(UrlError::kUnsupportedScheme), "unsupported scheme");
    EXPECT_EQ(to_string(UrlError::kMissingHost), "missing host");
    EXPECT_EQ(to_string(UrlError::kInvalidHost), "invalid host");
    EXPECT_EQ(to_string(UrlError::kInvalidPort), "invalid port");
    EXPECT_EQ(to_string(UrlError::kUserInfo), "credentials in URL");
}

}  // namespace
}  // namespace tokensync::net
