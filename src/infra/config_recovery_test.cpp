// The `recovery:` section, a chain's `network:` / `alchemy_api_key:`, and
// the example config examples/glisk.yaml loaded with its variables set.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
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
    "    rpc: [http://127.0.0.1:8545]\n"
    "contracts:\n"
    "  - name: nft\n"
    "    chain: local\n"
    "    address: \"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"\n"
    "    modules: [token_registry]\n";

EnvLookup map_lookup(std::map<std::string, std::string> values) {
    return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        if (auto it = values.find(std::string(name)); it != values.end()) return it->second;
        return std::nullopt;
    };
}

class RecoveryConfigTest : public ::testing::Test {
  protected:
    void TearDown() override { SecretRegistry::global().clear(); }

    static Config parse(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
        const Environment env(map_lookup(std::move(vars)));
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

TEST_F(RecoveryConfigTest, AbsentMeansNoRecovery) { EXPECT_FALSE(parse(kBase).recovery.has_value()); }

TEST_F(RecoveryConfigTest, DefaultsAndSignatures) {
    const Config c = parse(kBase +
                           "recovery:\n"
                           "  contract: nft\n"
                           "  default_author: \"0x0000000000000000000000000000000000000001\"\n");
    ASSERT_TRUE(c.recovery);
    const RecoveryConfig& r = *c.recovery;
    EXPECT_EQ(r.contract, "nft");
    EXPECT_EQ(r.counter_fn.signature(), "nextTokenId()");
    EXPECT_EQ(r.author_of_fn.signature(), "tokenPromptAuthor(uint256)");
    EXPECT_EQ(r.first_token_id, 0U);
    EXPECT_EQ(r.default_author.lower_hex(), "0x0000000000000000000000000000000000000001");
    EXPECT_EQ(r.batch_size, 1000U);
    EXPECT_EQ(r.multicall, MulticallMode::kAuto);
    EXPECT_FALSE(r.multicall_address);
}

TEST_F(RecoveryConfigTest, FullShape) {
    const Config c = parse(kBase +
                           "recovery:\n"
                           "  contract: nft\n"
                           "  counter: \"function totalMinted() view returns (uint64)\"\n"
                           "  author_of: \"function creatorOf(uint256 id) external view returns (address who)\"\n"
                           "  first_token_id: 1\n"
                           "  default_author: \"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"\n"
                           "  batch_size: 0\n"
                           "  multicall: \"0xcA11bde05977b3631167028862bE2a173976CA11\"\n");
    const RecoveryConfig& r = *c.recovery;
    EXPECT_EQ(r.counter_fn.signature(), "totalMinted()");
    EXPECT_EQ(r.author_of_fn.signature(), "creatorOf(uint256)");
    EXPECT_EQ(r.first_token_id, 1U);
    EXPECT_EQ(r.batch_size, 0U);
    EXPECT_EQ(r.multicall, MulticallMode::kAddress);
    ASSERT_TRUE(r.multicall_address);
    EXPECT_EQ(r.multicall_address->lower_hex(), "0xca11bde05977b3631167028862be2a173976ca11");
    EXPECT_EQ(parse(kBase + "recovery: {contract: nft, default_author: \"0x0000000000000000000000000000000000000001\","
                            " multicall: \"off\"}")
                  .recovery->multicall,
              MulticallMode::kOff);
}

TEST_F(RecoveryConfigTest, EveryValidationError) {
    const std::string author = "  default_author: \"0x0000000000000000000000000000000000000001\"\n";
    const std::pair<std::string, std::string> cases[] = {
        {"recovery:\n  contract: nfts\n" + author,
         R"(config error: recovery.contract: no contract named "nfts" under contracts: (known: nft))"},
        {"recovery:\n" + author, R"(config error: recovery: missing required key "contract")"},
        {"recovery:\n  contract: nft\n", R"(config error: recovery: missing required key "default_author")"},
        {"recovery:\n  contract: nft\n  default_author: \"0x12\"\n",
         R"(config error: recovery.default_author: "0x12": )"},
        {"recovery:\n  contract: nft\n  counter: \"nextTokenId(\"\n" + author,
         R"(config error: recovery.counter: "nextTokenId(" is not a function signature: )"},
        {"recovery:\n  contract: nft\n  counter: \"function owner() view returns (address)\"\n" + author,
         R"x(config error: recovery.counter: "owner()" must take no arguments and return one uint)x"},
        {"recovery:\n  contract: nft\n  author_of: \"function ownerOf(uint256) view returns (uint256)\"\n" + author,
         R"x(config error: recovery.author_of: "ownerOf(uint256)" must take one uint (the token id) and return one address)x"},
        {"recovery:\n  contract: nft\n  first_token_id: 2\n" + author,
         "config error: recovery.first_token_id: must be 0 or 1"},
        {"recovery:\n  contract: nft\n  batch_size: -1\n" + author, "config error: recovery.batch_size: "},
        {"recovery:\n  contract: nft\n  multicall: sometimes\n" + author,
         R"(config error: recovery.multicall: "sometimes" is not auto, off or a contract address)"},
        {"recovery:\n  contract: nft\n  batchsize: 5\n" + author,
         R"(config error: recovery: unknown key "batchsize" (did you mean "batch_size"?))"},
    };
    for (const auto& [yaml, expected] : cases) {
        const std::string error = error_of(kBase + yaml);
        EXPECT_TRUE(error.starts_with(expected)) << yaml << "\n  got: " << error << "\n  want: " << expected;
    }
}

TEST_F(RecoveryConfigTest, AlchemyNetwork) {
    const std::string yaml =
        "chains:\n"
        "  - name: base\n"
        "    network: BASE_SEPOLIA\n"
        "    alchemy_api_key: ${KEY}\n";
    const Config c = parse(yaml, {{"KEY", "s3cr3t-alchemy-key"}});
    EXPECT_EQ(c.chains[0].chain_id, 84532U);
    EXPECT_EQ(c.chains[0].rpc, std::vector<std::string>{"https://base-sepolia.g.alchemy.com/v2/s3cr3t-alchemy-key"});
    EXPECT_EQ(redact(c.chains[0].rpc[0]).find("s3cr3t"), std::string::npos);

    EXPECT_EQ(parse("chains: [{name: m, network: BASE_MAINNET, rpc: \"http://localhost:1\"}]").chains[0].chain_id,
              8453U);
    EXPECT_EQ(error_of("chains: [{name: m, network: BASE_SEPOLA, alchemy_api_key: abc}]"),
              R"(config error: chains[0].network: unknown network "BASE_SEPOLA" (did you mean "BASE_SEPOLIA"?))");
    EXPECT_TRUE(error_of("chains: [{name: m, network: MOON, alchemy_api_key: abc}]")
                    .starts_with(R"(config error: chains[0].network: unknown network "MOON" (known: ETH_MAINNET, )"));
    EXPECT_EQ(error_of("chains: [{name: m, network: BASE_SEPOLIA, chain_id: 1, alchemy_api_key: abc}]"),
              "config error: chains[0].chain_id: is 1 but network BASE_SEPOLIA is chain 84532");
    EXPECT_EQ(
        error_of("chains: [{name: m, chain_id: 1, alchemy_api_key: abc}]"),
        R"(config error: chains[0].alchemy_api_key: needs "network" (e.g. BASE_SEPOLIA) to build the Alchemy URL)");
    EXPECT_EQ(error_of("chains: [{name: m, rpc: \"http://localhost:1\"}]"),
              R"(config error: chains[0]: missing required key "chain_id")");
}

TEST_F(RecoveryConfigTest, ExampleGliskConfigLoadsFromTheEnvironment) {
    const std::filesystem::path file = std::filesystem::path(TOKENSYNC_SOURCE_DIR) / "examples" / "glisk.yaml";
    std::ifstream in(file);
    ASSERT_TRUE(in) << file;
    std::stringstream text;
    text << in.rdbuf();
    const std::map<std::string, std::string> vars{
        {"GLISK_NFT_CONTRACT_ADDRESS", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"},
        {"GLISK_DEFAULT_AUTHOR_WALLET", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"},
        {"NETWORK", "BASE_SEPOLIA"},
        {"ALCHEMY_API_KEY", "alchemy-test-key-123"},
        {"RECOVERY_BATCH_SIZE", "250"},
    };
    const Config c = parse(text.str(), vars);
    ASSERT_EQ(c.chains.size(), 1U);
    EXPECT_EQ(c.chains[0].chain_id, 84532U);
    EXPECT_EQ(c.chains[0].rpc, std::vector<std::string>{"https://base-sepolia.g.alchemy.com/v2/alchemy-test-key-123"});
    ASSERT_EQ(c.contracts.size(), 1U);
    EXPECT_EQ(c.contracts[0].address.checksum(), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    ASSERT_TRUE(c.recovery);
    EXPECT_EQ(c.recovery->contract, "nft");
    EXPECT_EQ(c.recovery->first_token_id, 1U);
    EXPECT_EQ(c.recovery->default_author.checksum(), "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
    EXPECT_EQ(c.recovery->batch_size, 250U);
    EXPECT_EQ(c.recovery->multicall, MulticallMode::kAuto);

    auto mainnet = vars;
    mainnet["NETWORK"] = "BASE_MAINNET";
    mainnet.erase("RECOVERY_BATCH_SIZE");
    const Config m = parse(text.str(), mainnet);
    EXPECT_EQ(m.chains[0].chain_id, 8453U);
    EXPECT_EQ(m.chains[0].rpc[0], "https://base-mainnet.g.alchemy.com/v2/alchemy-test-key-123");
    EXPECT_EQ(m.recovery->batch_size, 1000U);

    auto no_key = vars;
    no_key.erase("ALCHEMY_API_KEY");
    EXPECT_TRUE(error_of(text.str(), no_key).find("ALCHEMY_API_KEY") != std::string::npos)
        << error_of(text.str(), no_key);
}

}  // namespace
}  // namespace tokensync::infra
