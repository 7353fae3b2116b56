// The `server:` and `webhooks:` sections: defaults, every field, and the
// errors a mistyped value gets (never showing a secret).
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "infra/config.hpp"
#include "infra/config_loader.hpp"
#include "infra/redact.hpp"

namespace tokensync::infra {
namespace {

const std::string kBase =
    "chains:\n"
    "  - name: local\n"
    "    chain_id: 31337\n"
    "    rpc: [http://127.0.0.1:8545]\n";

class ServerConfigTest : public ::testing::Test {
  protected:
    void TearDown() override { SecretRegistry::global().clear(); }

    static Config parse(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
        const Environment env([vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
            if (auto it = vars.find(std::string(name)); it != vars.end()) return it->second;
            return std::nullopt;
        });
        return parse_config(yaml, env, std::filesystem::temp_directory_path());
    }

    static std::string error_of(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
        try {
            parse(yaml, std::move(vars));
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "(no error)";
    }
};

TEST_F(ServerConfigTest, AbsentMeansNoServerAndNoWebhook) {
    const Config c = parse(kBase);
    EXPECT_FALSE(c.server.has_value());
    EXPECT_FALSE(c.alchemy_webhook.has_value());
}

TEST_F(ServerConfigTest, EmptySectionGivesDefaults) {
    const Config c = parse(kBase + "server: {}\n");
    ASSERT_TRUE(c.server.has_value());
    EXPECT_EQ(c.server->host, "127.0.0.1");
    EXPECT_EQ(c.server->port, 8000);
    EXPECT_FALSE(c.server->admin_token.has_value());
    EXPECT_EQ(c.server->body_limit, 1u << 20);
    EXPECT_EQ(c.server->request_timeout_ms, 10'000u);
    EXPECT_EQ(c.server->shutdown_timeout_ms, 10'000u);
}

TEST_F(ServerConfigTest, EveryField) {
    const Config c = parse(kBase +
                               "server:\n"
                               "  listen: 0.0.0.0:9100\n"
                               "  admin_token: ${ADMIN}\n"
                               "  body_limit: 4096\n"
                               "  request_timeout_ms: 2500\n"
                               "  shutdown_timeout_ms: 3000\n"
                               "  threads: 4\n"
                               "webhooks:\n"
                               "  alchemy:\n"
                               "    signing_key: ${KEY}\n"
                               "    remember_ids: 500\n",
                           {{"ADMIN", "admin-token-0123456789"}, {"KEY", "whsec_test_0123456789abcdef"}});
    EXPECT_EQ(c.server->host, "0.0.0.0");
    EXPECT_EQ(c.server->port, 9100);
    EXPECT_EQ(c.server->admin_token, "admin-token-0123456789");
    EXPECT_EQ(c.server->body_limit, 4096u);
    EXPECT_EQ(c.server->request_timeout_ms, 2500u);
    EXPECT_EQ(c.server->shutdown_timeout_ms, 3000u);
    EXPECT_EQ(c.server->threads, 4u);
    ASSERT_TRUE(c.alchemy_webhook.has_value());
    EXPECT_EQ(c.alchemy_webhook->signing_key, "whsec_test_0123456789abcdef");
    EXPECT_EQ(c.alchemy_webhook->remember_ids, 500u);
}

TEST_F(ServerConfigTest, Ipv6ListenInBrackets) {
    const Config c = parse(kBase + "server:\n  listen: \"[::1]:8080\"\n");
    EXPECT_EQ(c.server->host, "::1");
    EXPECT_EQ(c.server->port, 8080);
}

TEST_F(ServerConfigTest, EmptyAdminTokenDisablesAdmin) {
    // An unset variable in a .env-less deployment expands to "": no admin API.
    const Config c = parse(kBase + "server:\n  admin_token: \"${ADMIN:-}\"\n");
    EXPECT_FALSE(c.server->admin_token.has_value());
}

TEST_F(ServerConfigTest, BadListenAddresses) {
    const auto listen = [&](const std::string& value) {
        return error_of(kBase + "server:\n  listen: \"" + value + "\"\n");
    };
    EXPECT_NE(listen("8000").find("server.listen: \"8000\" is not host:port"), std::string::npos) << listen("8000");
    EXPECT_NE(listen("localhost:").find("is not host:port"), std::string::npos);
    EXPECT_NE(listen(":8000").find("is not host:port"), std::string::npos);
    EXPECT_NE(listen("127.0.0.1:http").find("the port must be a number from 1 to 65535"), std::string::npos);
    EXPECT_NE(listen("127.0.0.1:70000").find("from 1 to 65535"), std::string::npos);
    EXPECT_NE(listen("127.0.0.1:0").find("from 1 to 65535"), std::string::npos);
    EXPECT_NE(listen("::1:8000").find("in brackets"), std::string::npos);
    EXPECT_NE(listen("").find("server.listen"), std::string::npos);
    EXPECT_NE(listen("example.com:80").find("must be an IP address or localhost"), std::string::npos);
    EXPECT_EQ(parse(kBase + "server:\n  listen: localhost:9000\n").server->host, "127.0.0.1");
}

TEST_F(ServerConfigTest, BadNumbersAndUnknownKeys) {
    EXPECT_NE(error_of(kBase + "server:\n  body_limit: 0\n").find("server.body_limit: must be from 1"),
              std::string::npos);
    EXPECT_NE(error_of(kBase + "server:\n  shutdown_timeout_ms: -1\n").find("server.shutdown_timeout_ms"),
              std::string::npos);
    EXPECT_NE(error_of(kBase + "server:\n  lisen: 127.0.0.1:1\n").find("listen"), std::string::npos);
    EXPECT_NE(error_of(kBase + "webhooks:\n  alchemy:\n    signingkey: x\n").find("signing_key"), std::string::npos);
}

TEST_F(ServerConfigTest, SigningKeyRequiredAndLongEnoughAndNeverShown) {
    EXPECT_NE(error_of(kBase + "webhooks:\n  alchemy: {}\n").find("webhooks.alchemy"), std::string::npos);
    const std::string short_key =
        error_of(kBase + "webhooks:\n  alchemy:\n    signing_key: ${KEY}\n", {{"KEY", "whsec_shortk"}});
    EXPECT_NE(short_key.find("webhooks.alchemy.signing_key: is 12 characters, too short"), std::string::npos)
        << short_key;
    EXPECT_EQ(short_key.find("whsec_shortk"), std::string::npos) << short_key;
    const std::string short_token = error_of(kBase + "server:\n  admin_token: ${T}\n", {{"T", "tiny-token"}});
    EXPECT_NE(short_token.find("server.admin_token: is 10 characters"), std::string::npos) << short_token;
    EXPECT_EQ(short_token.find("tiny-token"), std::string::npos) << short_token;
}

}  // namespace
}  // namespace tokensync::infra
