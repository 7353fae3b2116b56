// The `keeper:` section: where the key comes from, every error it can get,
// and that neither the key nor its digits ever appear in an error.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "infra/config.hpp"
#include "infra/config_loader.hpp"
#include "infra/redact.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::infra {
namespace {

// anvil's first dev account.
constexpr std::string_view kKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr std::string_view kDigits = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr std::string_view kAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

const std::string kBase =
    "chains:\n"
    "  - name: local\n"
    "    chain_id: 31337\n"
    "    rpc: [http://127.0.0.1:8545]\n";

class KeeperConfigTest : public ::testing::Test {
  protected:
    void TearDown() override { SecretRegistry::global().clear(); }

    Config parse(const std::string& yaml, std::map<std::string, std::string> vars = {}) const {
        const Environment env([vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
            if (auto it = vars.find(std::string(name)); it != vars.end()) return it->second;
            return std::nullopt;
        });
        return parse_config(yaml, env, dir_.path());
    }

    std::string error_of(const std::string& yaml, std::map<std::string, std::string> vars = {}) const {
        try {
            parse(yaml, std::move(vars));
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "(no error)";
    }

    void write(const std::string& name, const std::string& text) const {
        std::ofstream(dir_.path() / name, std::ios::binary) << text;
    }

    test_util::TempDir dir_;
};

TEST_F(KeeperConfigTest, AbsentMeansNoKeeper) { EXPECT_FALSE(parse(kBase).keeper.has_value()); }

TEST_F(KeeperConfigTest, KeyFromTheEnvironment) {
    const Config c =
        parse(kBase + "keeper:\n  chain: local\n  private_key: ${KEEPER_KEY}\n", {{"KEEPER_KEY", std::string(kKey)}});
    ASSERT_TRUE(c.keeper.has_value());
    EXPECT_EQ(c.keeper->chain, "local");
    EXPECT_EQ(c.keeper->key.address().checksum(), kAddress);
    // Both spellings are secrets from now on, in every log line and error.
    EXPECT_EQ(redact(fmt::format("k={} d={}", kKey, kDigits)), "k=*** d=***");
}

TEST_F(KeeperConfigTest, KeyFromAFileRelativeToTheConfig) {
    write("keeper.key", std::string(kDigits) + "\n");
    const Config c = parse(kBase + "keeper:\n  chain: local\n  private_key_file: keeper.key\n");
    ASSERT_TRUE(c.keeper.has_value());
    EXPECT_EQ(c.keeper->key.address().checksum(), kAddress);
    EXPECT_EQ(redact(std::string(kDigits)), "***");
}

TEST_F(KeeperConfigTest, ErrorsSayWhatIsWrongAndNeverShowTheKey) {
    std::string bad_digit(kKey);
    bad_digit[20] = 'z';
    const std::string short_key(kKey.substr(0, 60));
    const std::string zero = "0x" + std::string(64, '0');
    struct Case {
        std::string section;
        std::map<std::string, std::string> vars;
        std::string expected;
        std::string secret;
    };
    write("short.key", short_key + "\n");
    const std::vector<Case> cases{
        {"keeper:\n  private_key: ${K}\n",
         {{"K", std::string(kKey)}},
         "keeper: missing required key \"chain\"",
         std::string(kDigits)},
        {"keeper:\n  chain: mainnet\n  private_key: ${K}\n",
         {{"K", std::string(kKey)}},
         "keeper.chain: no chain named \"mainnet\" in chains",
         std::string(kDigits)},
        {"keeper:\n  chain: local\n", {}, "keeper: needs private_key", ""},
        {"keeper:\n  chain: local\n  private_key: ${K}\n  private_key_file: short.key\n",
         {{"K", std::string(kKey)}},
         "give private_key or private_key_file, not both",
         std::string(kDigits)},
        {"keeper:\n  chain: local\n  private_key: ${K}\n", {{"K", ""}}, "keeper.private_key: is empty", ""},
        {"keeper:\n  chain: local\n  private_key: ${K}\n",
         {{"K", bad_digit}},
         "keeper.private_key: the value has a character that is not a hex digit",
         bad_digit.substr(2)},
        {"keeper:\n  chain: local\n  private_key: ${K}\n",
         {{"K", short_key}},
         "keeper.private_key: the value is not 64 hex digits",
         short_key.substr(2)},
        {"keeper:\n  chain: local\n  private_key: ${K}\n",
         {{"K", zero}},
         "keeper.private_key: the value is not a valid secp256k1 private key",
         ""},
        {"keeper:\n  chain: local\n  private_key_file: short.key\n", {}, "the key file", short_key.substr(2)},
        {"keeper:\n  chain: local\n  private_key_file: missing.key\n", {}, "cannot read the key file", ""},
        {"keeper:\n  chain: local\n  private_key: ${K}\n  password: x\n",
         {{"K", std::string(kKey)}},
         "unknown key \"password\"",
         std::string(kDigits)},
    };
    for (const auto& c : cases) {
        SecretRegistry::global().clear();
        // As thrown, before the error printer redacts it.
        const std::string error = error_of(kBase + c.section, c.vars);
        EXPECT_NE(error.find(c.expected), std::string::npos) << c.section << "\n  gave: " << error;
        if (!c.secret.empty()) {
            EXPECT_EQ(error.find(c.secret), std::string::npos) << error;
            // And in case some other message quoted it, the redactor knows it.
            EXPECT_EQ(redact(c.secret), "***") << c.section;
        }
    }
}

}  // namespace
}  // namespace tokensync::infra
