#include "infra/config.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "infra/config_loader.hpp"
#include "infra/config_node.hpp"
#include "infra/redact.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::infra {
namespace {

constexpr std::string_view kChecksummed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

const std::string chains_yaml =
    "chains:\n"
    "  - name: local\n"
    "    chain_id: 31337\n"
    "    rpc: [http://127.0.0.1:8545]\n";

const std::string contract_yaml =
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

class ConfigTest : public ::testing::Test {
  protected:
    void TearDown() override { SecretRegistry::global().clear(); }

    Config parse(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
        const Environment env(map_lookup(std::move(vars)));
        return parse_config(yaml, env, dir_.path());
    }

    std::string error_of(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
        try {
            parse(yaml, std::move(vars));
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "(no error)";
    }

    void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

    test_util::TempDir dir_;
};

TEST_F(ConfigTest, MinimalWithDefaults) {
    const Config c = parse(chains_yaml + contract_yaml);
    EXPECT_EQ(c.database, "sqlite://./tokensync.db");
    ASSERT_EQ(c.chains.size(), 1U);
    EXPECT_EQ(c.chains[0].name, "local");
    EXPECT_EQ(c.chains[0].chain_id, 31337U);
    EXPECT_EQ(c.chains[0].rpc, std::vector<std::string>{"http://127.0.0.1:8545"});
    EXPECT_EQ(c.chains[0].ws, std::nullopt);
    EXPECT_EQ(c.chains[0].finality_depth, 64U);
    EXPECT_EQ(c.chains[0].poll_interval_ms, 1000U);
    EXPECT_EQ(c.sync.workers, 4U);
    EXPECT_EQ(c.sync.checkpoint_every, 10000U);
    EXPECT_EQ(c.sync.batch_logs, 5000U);
    EXPECT_EQ(c.sync.max_span, 2000U);
    EXPECT_EQ(c.sync.lease_retry_ms, 1000U);
    ASSERT_EQ(c.contracts.size(), 1U);
    const auto& nft = c.contracts[0];
    EXPECT_EQ(nft.name, "nft");
    EXPECT_EQ(nft.chain, "local");
    EXPECT_EQ(nft.address.checksum(), kChecksummed);
    EXPECT_EQ(nft.start_block, 0U);
    EXPECT_FALSE(nft.abi_path);
    EXPECT_TRUE(nft.events.empty());
    EXPECT_EQ(nft.modules, std::vector<Module>{Module::kTokenRegistry});
    EXPECT_EQ(c.find_chain("local"), &c.chains[0]);
    EXPECT_EQ(c.find_chain("other"), nullptr);
}

TEST_F(ConfigTest, ContractsAreOptional) { EXPECT_TRUE(parse(chains_yaml).contracts.empty()); }

TEST_F(ConfigTest, FullShape) {
    const std::string artifact =
        R"({"abi":[{"type":"event","name":"Transfer","anonymous":false,"inputs":[)"
        R"({"name":"from","type":"address","indexed":true},{"name":"to","type":"address","indexed":true},)"
        R"({"name":"tokenId","type":"uint256","indexed":true}]}]})";
    write("Artifact.json", artifact);
    const Config c = parse(
        "database: postgresql://user:pw1234@db:5432/tokens\n"
        "chains:\n"
        "  - name: main\n"
        "    chain_id: 1\n"
        "    rpc: [https://a.example/rpc, 'https://b.example/rpc']\n"
        "    ws: wss://a.example/ws\n"
        "    finality_depth: 12\n"
        "    poll_interval_ms: 250\n"
        "  - name: local\n"
        "    chain_id: 31337\n"
        "    rpc: http://127.0.0.1:8545\n"
        "contracts:\n"
        "  - name: nft\n"
        "    chain: main\n"
        "    address: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'\n"
        "    start_block: 17000000\n"
        "    abi: Artifact.json\n"
        "    modules: [token_registry, erc721, events]\n"
        "  - name: multi\n"
        "    chain: local\n"
        "    address: '0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED'\n"
        "    events: ['TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, "
        "uint256 value)']\n"
        "    modules: erc1155\n"
        "sync:\n"
        "  workers: 8\n"
        "  checkpoint_every: 500\n"
        "  batch_logs: 20000\n"
        "  max_span: 100\n"
        "  lease_retry_ms: 250\n");
    EXPECT_EQ(c.database, "postgresql://user:pw1234@db:5432/tokens");
    EXPECT_EQ(c.chains[0].poll_interval_ms, 250U);
    EXPECT_EQ(c.sync.workers, 8U);
    EXPECT_EQ(c.sync.checkpoint_every, 500U);
    EXPECT_EQ(c.sync.batch_logs, 20000U);
    EXPECT_EQ(c.sync.max_span, 100U);
    EXPECT_EQ(c.sync.lease_retry_ms, 250U);
    ASSERT_EQ(c.chains.size(), 2U);
    EXPECT_EQ(c.chains[0].rpc, (std::vector<std::string>{"https://a.example/rpc", "https://b.example/rpc"}));
    EXPECT_EQ(c.chains[0].ws, "wss://a.example/ws");
    EXPECT_EQ(c.chains[0].finality_depth, 12U);
    EXPECT_EQ(c.chains[1].rpc, std::vector<std::string>{"http://127.0.0.1:8545"});  // a single string
    ASSERT_EQ(c.contracts.size(), 2U);
    EXPECT_EQ(c.contracts[0].start_block, 17000000U);
    EXPECT_EQ(c.contracts[0].abi_path, (dir_.path() / "Artifact.json").lexically_normal());
    EXPECT_EQ(c.contracts[0].abi_text, artifact);
    ASSERT_EQ(c.contracts[0].abi_events.size(), 1U);
    EXPECT_EQ(c.contracts[0].abi_events[0].signature(), "Transfer(address,address,uint256)");
    EXPECT_EQ(c.contracts[0].modules, (std::vector<Module>{Module::kTokenRegistry, Module::kErc721, Module::kEvents}));
    EXPECT_EQ(c.contracts[1].address.checksum(), kChecksummed);
    ASSERT_EQ(c.contracts[1].events.size(), 1U);
    EXPECT_TRUE(c.contracts[1].events[0].starts_with("TransferSingle("));
    ASSERT_EQ(c.contracts[1].abi_events.size(), 1U);
    EXPECT_EQ(c.contracts[1].abi_events[0].signature(), "TransferSingle(address,address,address,uint256,uint256)");
    EXPECT_EQ(c.contracts[1].modules, std::vector<Module>{Module::kErc1155});
}

TEST_F(ConfigTest, EnvironmentExpansion) {
    const Config c = parse(
        "database: ${DB_URL:-sqlite://./default.db}\n"
        "chains:\n"
        "  - name: ${CHAIN_NAME}\n"
        "    chain_id: ${CHAIN_ID}\n"
        "    rpc: [\"http://${RPC_HOST}:8545\"]\n",
        {{"CHAIN_NAME", "devnet"}, {"CHAIN_ID", "31337"}, {"RPC_HOST", "127.0.0.1"}});
    EXPECT_EQ(c.database, "sqlite://./default.db");
    EXPECT_EQ(c.chains[0].name, "devnet");
    EXPECT_EQ(c.chains[0].chain_id, 31337U);
    EXPECT_EQ(c.chains[0].rpc[0], "http://127.0.0.1:8545");
}

struct ErrorCase {
    const char* name;
    std::string yaml;
    std::string message;
};

TEST_F(ConfigTest, EveryValidationError) {
    const std::string c0 = "    chain_id: 1\n    rpc: http://h\n";
    const std::string contract_head = chains_yaml + "contracts:\n  - name: nft\n    chain: local\n";
    const std::string good_address = "    address: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'\n";
    const std::vector<ErrorCase> cases{
        {"bad rpc url", "chains:\n  - name: local\n    chain_id: 1\n    rpc: [http://ok, \"htp://x\"]\n",
         R"(config error: chains[0].rpc[1]: "htp://x" is not an http(s) URL)"},
        {"unknown chain",
         chains_yaml + "contracts:\n  - name: nft\n    chain: mainnet\n" + good_address + "    modules: [erc721]\n",
         R"(config error: contracts[0].chain: no chain named "mainnet" (known: local))"},
        {"unknown key with suggestion", "chains:\n  - name: local\n    chain_id: 1\n    rcp: http://h\n",
         R"(config error: chains[0]: unknown key "rcp" (did you mean "rpc"?))"},
        {"unknown key without suggestion", chains_yaml + "telemetry: on\n", R"(config error: unknown key "telemetry")"},
        {"top-level typo", "chain:\n  - name: x\n", R"(config error: unknown key "chain" (did you mean "chains"?))"},
        {"missing chains", "database: sqlite://./x.db\n", R"(config error: missing required key "chains")"},
        {"missing chain_id", "chains:\n  - name: local\n    rpc: http://h\n",
         R"(config error: chains[0]: missing required key "chain_id")"},
        {"null value is missing", "chains:\n  - name:\n" + c0,
         R"(config error: chains[0]: missing required key "name")"},
        {"empty name", "chains:\n  - name: ''\n" + c0, R"(config error: chains[0].name: must not be empty)"},
        {"chains not a list", "chains:\n  name: local\n", R"(config error: chains: expected a list, got a mapping)"},
        {"chain not a mapping", "chains: [local]\n", R"(config error: chains[0]: expected a mapping, got "local")"},
        {"name not a string", "chains:\n  - name: [a]\n" + c0,
         R"(config error: chains[0].name: expected a string, got a list)"},
        {"chain_id not a number", "chains:\n  - name: l\n    chain_id: abc\n    rpc: http://h\n",
         R"(config error: chains[0].chain_id: expected a non-negative integer, got "abc")"},
        {"chain_id negative", "chains:\n  - name: l\n    chain_id: -1\n    rpc: http://h\n",
         R"(config error: chains[0].chain_id: expected a non-negative integer, got "-1")"},
        {"chain_id list", "chains:\n  - name: l\n    chain_id: [1]\n    rpc: http://h\n",
         R"(config error: chains[0].chain_id: expected a non-negative integer, got a list)"},
        {"chain_id too large", "chains:\n  - name: l\n    chain_id: 18446744073709551616\n    rpc: http://h\n",
         R"(config error: chains[0].chain_id: 18446744073709551616 is too large)"},
        {"chain_id zero", "chains:\n  - name: l\n    chain_id: 0\n    rpc: http://h\n",
         R"(config error: chains[0].chain_id: must be greater than 0)"},
        {"no chains", "chains: []\n", R"(config error: chains: needs at least one chain)"},
        {"no rpc urls", "chains:\n  - name: l\n    chain_id: 1\n    rpc: []\n",
         R"(config error: chains[0].rpc: needs at least one URL)"},
        {"bad ws url", "chains:\n  - name: l\n    chain_id: 1\n    rpc: http://h\n    ws: http://h\n",
         R"(config error: chains[0].ws: "http://h" is not a ws(s) URL)"},
        {"duplicate chain", chains_yaml + "  - name: local\n" + c0,
         R"(config error: chains[1].name: duplicate chain name "local")"},
        {"bad database", "database: mysql://root:rootpw@h/x\n" + chains_yaml,
         R"(config error: database: "mysql://root:***@h/x" is not a sqlite:// or postgresql:// URL)"},
        {"bad checksum",
         contract_head + "    address: '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'\n    modules: erc721\n",
         R"(config error: contracts[0].address: "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed": address has a wrong EIP-55 checksum)"},
        {"bad hex address", contract_head + "    address: 'nft'\n    modules: erc721\n",
         R"(config error: contracts[0].address: "nft": address is not 0x followed by hex digits)"},
        {"short address", contract_head + "    address: '0x1234'\n    modules: erc721\n",
         R"(config error: contracts[0].address: "0x1234": address is not 20 bytes)"},
        {"unknown module", contract_head + good_address + "    modules: [erc721, erc20]\n",
         R"(config error: contracts[0].modules[1]: unknown module "erc20" (known: token_registry, erc721, erc1155, events))"},
        {"no modules", contract_head + good_address + "    modules: []\n",
         R"(config error: contracts[0].modules: needs at least one module)"},
        {"missing modules", contract_head + good_address,
         R"(config error: contracts[0]: missing required key "modules")"},
        {"abi and events", contract_head + good_address + "    abi: a.json\n    events: ['E()']\n    modules: events\n",
         R"(config error: contracts[0]: give either "abi" or "events", not both)"},
        {"events module needs events", contract_head + good_address + "    modules: events\n",
         R"(config error: contracts[0]: module "events" needs "abi" or "events" to know which events to store)"},
        {"duplicate contract",
         chains_yaml + contract_yaml + "  - name: nft\n    chain: local\n" + good_address + "    modules: erc721\n",
         R"(config error: contracts[1].name: duplicate contract name "nft")"},
        {"unset variable", "chains:\n  - name: l\n    chain_id: 1\n    rpc: https://x/v2/${ALCHEMY_KEY}\n",
         R"(config error: chains[0].rpc: environment variable ALCHEMY_KEY is not set (give a default with ${ALCHEMY_KEY:-value}))"},
        {"bad variable syntax", "chains:\n  - name: ${oops\n" + c0,
         R"(config error: chains[0].name: unterminated "${oops" (missing '}'))"},
        {"poll interval zero", "chains:\n  - name: l\n    chain_id: 1\n    rpc: http://h\n    poll_interval_ms: 0\n",
         R"(config error: chains[0].poll_interval_ms: must be greater than 0)"},
        {"sync workers zero", chains_yaml + "sync:\n  workers: 0\n",
         R"(config error: sync.workers: must be greater than 0)"},
        {"sync workers too many", chains_yaml + "sync:\n  workers: 65\n",
         R"(config error: sync.workers: must be at most 64)"},
        {"lease retry too slow", chains_yaml + "sync:\n  lease_retry_ms: 60001\n",
         R"(config error: sync.lease_retry_ms: must be at most 60000 (a standby would take over too late))"},
        {"sync typo", chains_yaml + "sync:\n  worker: 2\n",
         R"(config error: sync: unknown key "worker" (did you mean "workers"?))"},
        {"empty file", "", "config error: the file is empty"},
        {"root is a list", "- a\n", "config error: expected a mapping, got a list"},
        {"root is a scalar", "hello\n", R"(config error: expected a mapping, got "hello")"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(error_of(c.yaml), c.message) << c.name;
    }
}

TEST_F(ConfigTest, YamlSyntaxErrorGivesLine) {
    const std::string message = error_of("chains:\n  - name: [unclosed\n");
    EXPECT_TRUE(message.starts_with("config error: line 3, column 1: ")) << message;
}

TEST_F(ConfigTest, AbiFileMissing) {
    const std::string message = error_of(chains_yaml +
                                         "contracts:\n  - name: nft\n    chain: local\n"
                                         "    address: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'\n"
                                         "    abi: missing.json\n    modules: events\n");
    EXPECT_EQ(message, "config error: contracts[0].abi: cannot read ABI file \"" + (dir_ / "missing.json").string() +
                           "\": No such file or directory");
}

// A device or a FIFO would never end: only regular files are read.
TEST_F(ConfigTest, AbiPathThatIsNotARegularFile) {
    const std::string message = error_of(chains_yaml +
                                         "contracts:\n  - name: nft\n    chain: local\n"
                                         "    address: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'\n"
                                         "    abi: /dev/zero\n    modules: events\n");
    EXPECT_EQ(message, "config error: contracts[0].abi: cannot read ABI file \"/dev/zero\": not a regular file");
}

TEST_F(ConfigTest, AbiFileThatIsNotAnAbi) {
    write("bad.json", R"({"nope": 1})");
    const std::string message = error_of(chains_yaml +
                                         "contracts:\n  - name: nft\n    chain: local\n"
                                         "    address: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'\n"
                                         "    abi: bad.json\n    modules: events\n");
    const std::string expected = "config error: contracts[0].abi: \"" + (dir_ / "bad.json").string() +
                                 "\" is not an ABI or a compiler artifact: ";
    EXPECT_TRUE(message.starts_with(expected)) << message;
    EXPECT_GT(message.size(), expected.size()) << "the cause is named";
}

TEST_F(ConfigTest, BadEventSignature) {
    const std::string message = error_of(chains_yaml +
                                         "contracts:\n  - name: nft\n    chain: local\n"
                                         "    address: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'\n"
                                         "    events: ['Ok(uint256)', 'Transfer(address indexed from']\n"
                                         "    modules: events\n");
    const std::string expected =
        R"(config error: contracts[0].events[1]: "Transfer(address indexed from" is not an event signature: )";
    EXPECT_TRUE(message.starts_with(expected)) << message;
    EXPECT_GT(message.size(), expected.size()) << "the cause is named";
}

TEST_F(ConfigTest, BoolScalars) {
    const Environment env(map_lookup({}));
    const auto root = YAML::Load("{a: true, b: false, c: yes, d: [1]}");
    const ConfigMap map = ConfigNode(root, "x", env, ".").as_map({"a", "b", "c", "d"});
    EXPECT_TRUE(map.required("a").as_bool());
    EXPECT_FALSE(map.required("b").as_bool());
    EXPECT_FALSE(map.has("e"));
    try {
        (void)map.required("c").as_bool();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), R"(config error: x.c: expected true or false, got "yes")");
    }
    try {
        (void)map.required("d").as_bool();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "config error: x.d: expected true or false, got a list");
    }
}

TEST_F(ConfigTest, ModuleNames) {
    for (const auto m : {Module::kTokenRegistry, Module::kErc721, Module::kErc1155, Module::kEvents}) {
        EXPECT_EQ(parse_module(to_string(m)), m);
    }
    EXPECT_EQ(parse_module("erc20"), std::nullopt);
}

// ---- secrets ------------------------------------------------------------------

TEST_F(ConfigTest, DatabasePasswordIsRegisteredAndRedactedEverywhere) {
    const std::string message = error_of(
        "database: postgresql://app:${DB_PASSWORD}@db/tokens\n"
        "chains:\n  - name: l\n    chain_id: ${DB_PASSWORD}\n    rpc: http://h\n",
        {{"DB_PASSWORD", "hunter2-secret"}});
    EXPECT_EQ(message, R"(config error: chains[0].chain_id: expected a non-negative integer, got "***")");
    EXPECT_EQ(SecretRegistry::global().redact("pw hunter2-secret"), "pw ***");
}

TEST_F(ConfigTest, RpcKeysAreRegisteredAndNeverInErrors) {
    const std::string key = "9aa3d95b3bc440fa88ea12eaa4456161";
    const std::string message =
        error_of("chains:\n  - name: l\n    chain_id: 1\n    rpc: [htps://mainnet.infura.io/v3/" + key + "]\n");
    EXPECT_EQ(message, R"(config error: chains[0].rpc[0]: "htps://mainnet.infura.io/v3/***" is not an http(s) URL)");
    EXPECT_EQ(SecretRegistry::global().redact(key), "***");
}

TEST_F(ConfigTest, SecretNamedKeysAreRegistered) {
    // Registered before validation rejects the unknown key.
    (void)error_of(chains_yaml + "webhook:\n  signing_secret: whsec_abcdef\n  api_token: ${TOKEN}\n",
                   {{"TOKEN", "tok-from-env"}});
    EXPECT_EQ(SecretRegistry::global().redact("whsec_abcdef tok-from-env"), "*** ***");
}

// ---- files and .env -------------------------------------------------------------

class ConfigFileTest : public ::testing::Test {
  protected:
    void TearDown() override {
        ::unsetenv("TOKENSYNC_TEST_CHAIN_ID");
        SecretRegistry::global().clear();
    }
    static void write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

    const std::string yaml_ =
        "chains:\n  - name: ${TOKENSYNC_TEST_NAME:-local}\n    chain_id: ${TOKENSYNC_TEST_CHAIN_ID}\n"
        "    rpc: http://127.0.0.1:8545\n";
    test_util::TempDir config_dir_;
    test_util::TempDir work_dir_;
};

TEST_F(ConfigFileTest, DotenvBesideTheConfig) {
    write(config_dir_ / "tokensync.yaml", yaml_);
    write(config_dir_ / ".env", "TOKENSYNC_TEST_CHAIN_ID=5\nTOKENSYNC_TEST_NAME=\"from dotenv\"\n");
    const Config c = load_config(config_dir_ / "tokensync.yaml", work_dir_.path());
    EXPECT_EQ(c.chains[0].chain_id, 5U);
    EXPECT_EQ(c.chains[0].name, "from dotenv");
    EXPECT_EQ(c.source, config_dir_ / "tokensync.yaml");
}

TEST_F(ConfigFileTest, DotenvInWorkingDirectory) {
    write(config_dir_ / "tokensync.yaml", yaml_);
    write(work_dir_ / ".env", "TOKENSYNC_TEST_CHAIN_ID=7\n");
    EXPECT_EQ(load_config(config_dir_ / "tokensync.yaml", work_dir_.path()).chains[0].chain_id, 7U);
}

TEST_F(ConfigFileTest, ConfigDirDotenvWinsOverWorkingDir) {
    write(config_dir_ / "tokensync.yaml", yaml_);
    write(config_dir_ / ".env", "TOKENSYNC_TEST_CHAIN_ID=5\n");
    write(work_dir_ / ".env", "TOKENSYNC_TEST_CHAIN_ID=7\nTOKENSYNC_TEST_NAME=work\n");
    const Config c = load_config(config_dir_ / "tokensync.yaml", work_dir_.path());
    EXPECT_EQ(c.chains[0].chain_id, 5U);
    EXPECT_EQ(c.chains[0].name, "work");
}

TEST_F(ConfigFileTest, RealEnvironmentWinsOverDotenv) {
    write(config_dir_ / "tokensync.yaml", yaml_);
    write(config_dir_ / ".env", "TOKENSYNC_TEST_CHAIN_ID=5\n");
    ::setenv("TOKENSYNC_TEST_CHAIN_ID", "9", 1);
    EXPECT_EQ(load_config(config_dir_ / "tokensync.yaml", work_dir_.path()).chains[0].chain_id, 9U);
}

TEST_F(ConfigFileTest, BadDotenvIsAConfigError) {
    write(config_dir_ / "tokensync.yaml", yaml_);
    write(config_dir_ / ".env", "# header\nNOT VALID\n");
    try {
        load_config(config_dir_ / "tokensync.yaml", work_dir_.path());
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), "config error: " + (config_dir_ / ".env").string() + ":2: expected KEY=VALUE");
    }
}

TEST_F(ConfigFileTest, MissingFile) {
    try {
        load_config(config_dir_ / "nope.yaml", work_dir_.path());
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), "config error: cannot read \"" + (config_dir_ / "nope.yaml").string() +
                                             "\": No such file or directory");
    }
}

}  // namespace
}  // namespace tokensync::infra
