#include "infra/redact.hpp"

#include <gtest/gtest.h>

namespace tokensync::infra {
namespace {

constexpr const char* kAlchemyKey = "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW";
constexpr const char* kInfuraKey = "9aa3d95b3bc440fa88ea12eaa4456161";

TEST(RedactUrl, DatabasePassword) {
    EXPECT_EQ(redact_url("postgresql://alice:s3cret@db:5432/tokens"), "postgresql://alice:***@db:5432/tokens");
    EXPECT_EQ(redact_url("postgres://alice:p@ss@db/tokens"), "postgres://alice:***@db/tokens");
    // A user without a password is not a secret for databases.
    EXPECT_EQ(redact_url("postgresql://alice@db/tokens"), "postgresql://alice@db/tokens");
    EXPECT_EQ(redact_url("sqlite://./tokensync.db"), "sqlite://./tokensync.db");
}

TEST(RedactUrl, BareTokenInHttpUserinfo) {
    EXPECT_EQ(redact_url("https://tok3nvalue@rpc.example/"), "https://***@rpc.example/");
}

TEST(RedactUrl, AlchemyAndInfuraPathKeys) {
    EXPECT_EQ(redact_url(std::string("https://eth-mainnet.g.alchemy.com/v2/") + kAlchemyKey),
              "https://eth-mainnet.g.alchemy.com/v2/***");
    EXPECT_EQ(redact_url(std::string("https://mainnet.infura.io/v3/") + kInfuraKey),
              "https://mainnet.infura.io/v3/***");
    EXPECT_EQ(redact_url(std::string("wss://eth-mainnet.g.alchemy.com/nft/v3/") + kAlchemyKey + "/getNFTs?owner=0x1"),
              "wss://eth-mainnet.g.alchemy.com/nft/v3/***/getNFTs?owner=0x1");
}

TEST(RedactUrl, LongOpaqueSegment) {
    EXPECT_EQ(redact_url("https://name.quiknode.pro/0123456789abcdef0123456789abcdef/"),
              "https://name.quiknode.pro/***/");
}

TEST(RedactUrl, OrdinaryPathsStay) {
    EXPECT_EQ(redact_url("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
    EXPECT_EQ(redact_url("http://host/api/v1/status"), "http://host/api/v1/status");
    EXPECT_EQ(redact_url("http://host/health/ready"), "http://host/health/ready");
}

TEST(RedactUrl, QueryParameters) {
    EXPECT_EQ(redact_url("https://api.etherscan.io/api?module=logs&apikey=ABCDEF123"),
              "https://api.etherscan.io/api?module=logs&apikey=***");
    EXPECT_EQ(redact_url("https://x/rpc?key=abc&token=def&api_key=ghi&author=bob"),
              "https://x/rpc?key=***&token=***&api_key=***&author=bob");
    EXPECT_EQ(redact_url("https://x/?auth=zzz#top"), "https://x/?auth=***#top");
    EXPECT_EQ(redact_url("postgresql://db/x?password=pw12"), "postgresql://db/x?password=***");
}

TEST(RedactUrl, NotAUrlIsUnchanged) { EXPECT_EQ(redact_url("just text: pw"), "just text: pw"); }

TEST(UrlSecrets, ListsEachSecret) {
    const auto secrets = url_secrets(std::string("https://u:pw99@x/v2/") + kAlchemyKey + "?token=t0k3n");
    ASSERT_EQ(secrets.size(), 3U);
    EXPECT_EQ(secrets[0], "pw99");
    EXPECT_EQ(secrets[1], kAlchemyKey);
    EXPECT_EQ(secrets[2], "t0k3n");
}

TEST(IsSecretKey, NamesThatHoldSecrets) {
    EXPECT_TRUE(is_secret_key("api_key"));
    EXPECT_TRUE(is_secret_key("webhook_secret"));
    EXPECT_TRUE(is_secret_key("AUTH_TOKEN"));
    EXPECT_TRUE(is_secret_key("password"));
    EXPECT_TRUE(is_secret_key("db_passwd"));
    EXPECT_FALSE(is_secret_key("name"));
    EXPECT_FALSE(is_secret_key("rpc"));
    EXPECT_FALSE(is_secret_key("finality_depth"));
    EXPECT_TRUE(is_secret_key("private-key"));
    EXPECT_TRUE(is_secret_key("apikey"));
    EXPECT_TRUE(is_secret_key("secret_value"));
    EXPECT_TRUE(is_secret_key("password_file_contents"));
    EXPECT_TRUE(is_secret_key("token"));
    EXPECT_FALSE(is_secret_key("token_address"));
    EXPECT_FALSE(is_secret_key("key_file"));
    EXPECT_FALSE(is_secret_key("tokens"));
    EXPECT_FALSE(is_secret_key("monkey"));
}

TEST(SecretRegistry, RedactsEveryOccurrenceLongestFirst) {
    SecretRegistry registry;
    registry.add("hunter2hunter2");
    registry.add("hunter2");
    EXPECT_EQ(registry.size(), 2U);
    EXPECT_EQ(registry.redact("a=hunter2hunter2 b=hunter2 c=hunter2"), "a=*** b=*** c=***");
}

TEST(SecretRegistry, AHexSecretIsAlsoKnownWithoutItsPrefix) {
    SecretRegistry registry;
    registry.add("0xfeedc0ffee");
    registry.add("0X12");  // "12" alone would be too short
    EXPECT_EQ(registry.size(), 3U);
    EXPECT_EQ(registry.redact("0xfeedc0ffee feedc0ffee 12"), "*** *** 12");
}

TEST(SecretRegistry, IgnoresShortAndDuplicateSecrets) {
    SecretRegistry registry;
    registry.add("");
    registry.add("abc");  // below kMinLength: would blank ordinary words
    registry.add("abcd");
    registry.add("abcd");
    EXPECT_EQ(registry.size(), 1U);
    EXPECT_EQ(registry.redact("abc abcd"), "abc ***");
    registry.clear();
    EXPECT_EQ(registry.size(), 0U);
    EXPECT_EQ(registry.redact("abcd"), "abcd");
}

TEST(SecretRegistry, AddUrlRegistersItsSecrets) {
    SecretRegistry registry;
    registry.add_url("postgresql://alice:s3cretpw@db/x");
    EXPECT_EQ(registry.redact("connect failed: password s3cretpw rejected"), "connect failed: password *** rejected");
}

TEST(SecretRegistry, AddUrlAlsoRegistersTheDecodedPassword) {
    SecretRegistry registry;
    registry.add_url("postgresql://alice:p%40ss%2Fw0rd@db/x");
    EXPECT_EQ(registry.size(), 2U);
    EXPECT_EQ(registry.redact("raw p%40ss%2Fw0rd decoded p@ss/w0rd"), "raw *** decoded ***");
    registry.add_url("postgresql://alice:bad%zzpw%4@db/x");  // malformed escapes stay as written
    EXPECT_EQ(registry.size(), 3U);
    EXPECT_EQ(registry.redact("bad%zzpw%4"), "***");
}

TEST(Redact, UsesGlobalRegistryAndUrlsInText) {
    SecretRegistry::global().add("zz-global-secret");
    EXPECT_EQ(redact("value zz-global-secret here"), "value *** here");
    EXPECT_EQ(redact(std::string("rpc https://mainnet.infura.io/v3/") + kInfuraKey + " failed, db=postgres://a:b1@h/x"),
              "rpc https://mainnet.infura.io/v3/*** failed, db=postgres://a:***@h/x");
    EXPECT_EQ(redact("quoted \"http://u:pw@h/\" ok"), "quoted \"http://u:***@h/\" ok");
    EXPECT_EQ(redact("no urls here: a://"), "no urls here: a://");
    SecretRegistry::global().clear();
}

}  // namespace
}  // namespace tokensync::infra
