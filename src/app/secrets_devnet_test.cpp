// No secret leaves the process. A `tokensync run` is given an RPC API key
// (inside its URL), an admin token, a webhook signing key, a database
// password and a keeper's private key, then driven through every error path a test can reach: RPC
// faults, a PostgreSQL outage, wrong and missing credentials, hostile
// webhook bodies, start-up failures (unreachable node, wrong chain id, dead
// database, an Alchemy network that cannot be resolved) and the CLI commands
// that share the config. Every byte the processes print and every HTTP answer
// is scanned for each secret.
#include <array>
#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/secp256k1.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/alchemy_delivery.hpp"
#include "test_util/daemon.hpp"
#include "test_util/devnet.hpp"
#include "test_util/fault_proxy.hpp"
#include "test_util/postgres.hpp"
#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::app {
namespace {

using namespace std::chrono_literals;
using test_util::Daemon;
using test_util::DaemonResponse;
using test_util::Devnet;

// Distinctive values, so a hit is a leak and not an ordinary word.
constexpr std::string_view kApiKey = "AkQz7RpcKey93mXv2LwTnB";
constexpr std::string_view kAdminToken = "adm_Tok3n_5fJ2pQ8wZr";
constexpr std::string_view kSigningKey = "whsec_Sig9Kq2Lm4Xz7Bv";
constexpr std::string_view kDbPassword = "Pgpw_9f3kQz71Ncd";
constexpr std::string_view kDbUser = "ts_app";
// A valid key, written with 0x in the config; the scan looks for its digits,
// so a leak without the prefix is caught too.
constexpr std::string_view kKeeperKey = "0x5c3e9a0d7b14f62e8a9c1d3b5f7092e4c6a8b0d2f4e6a8c0b2d4f6e8a0c2e4f6";
constexpr std::string_view kKeeperDigits = kKeeperKey.substr(2);
// The same key with one digit mistyped: refused, and still secret.
constexpr std::string_view kMistypedDigits = "5c3e9a0d7b14f62e8a9c1d3b5f7092e4c6a8b0d2f4e6a8c0b2d4f6e8a0c2e4fg";
constexpr std::array<std::string_view, 6> kSecrets{kApiKey,     kAdminToken,   kSigningKey,
                                                   kDbPassword, kKeeperDigits, kMistypedDigits};

std::string sign(std::string_view body, std::string_view key) { return test_util::alchemy_signature(body, key); }

std::string keeper_address() { return core::PrivateKey::from_hex(kKeeperKey).value().address().checksum(); }

class SecretsDevnet : public ::testing::Test {
  protected:
    void SetUp() override {
        Devnet::Options options;
        options.silent = true;
        devnet_ = std::make_unique<Devnet>(options);
        contracts_ = devnet_->deploy_test_contracts();
        pg_.start();
        database_ = "secrets";
        pg_.create_database(database_);
        // A login role with a password: the cluster trusts loopback, so the
        // password is not checked, but it is in every database URL below.
        pg_.run_sql(database_, fmt::format("CREATE ROLE {} LOGIN SUPERUSER PASSWORD '{}'", kDbUser, kDbPassword));
    }

    std::string db_url(uint16_t port) const {
        return fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}", kDbUser, kDbPassword, port, database_);
    }

    // The chain section's rpc URL carries the key the way Alchemy's do.
    std::string config(const std::string& rpc_base, const std::string& db, uint64_t chain_id,
                       std::string_view keeper_key = kKeeperKey) const {
        return fmt::format(
            "database: \"{}\"\n"
            "chains:\n"
            "  - name: dev\n"
            "    chain_id: {}\n"
            "    rpc: [\"{}/v2/{}\"]\n"
            "    poll_interval_ms: 100\n"
            "contracts:\n"
            "  - name: nft\n"
            "    chain: dev\n"
            "    address: \"{}\"\n"
            "    abi: {}\n"
            "    modules: [token_registry, erc721]\n"
            "recovery:\n"
            "  contract: nft\n"
            "  first_token_id: 1\n"
            "  default_author: \"{}\"\n"
            "  multicall: \"off\"\n"
            "server:\n"
            "  listen: 127.0.0.1:{{port}}\n"
            "  admin_token: \"{}\"\n"
            "  shutdown_timeout_ms: 8000\n"
            "webhooks:\n"
            "  alchemy:\n"
            "    signing_key: \"{}\"\n"
            "keeper:\n"
            "  chain: dev\n"
            "  private_key: \"{}\"\n",
            db, chain_id, rpc_base, kApiKey, contracts_.nft.checksum(), Devnet::artifact_path("PromptNFT").string(),
            test_util::dev_address(9).checksum(), kAdminToken, kSigningKey, keeper_key);
    }

    // Every text a user or a scraper could see, with where it came from.
    void seen(std::string where, std::string text) { texts_.emplace_back(std::move(where), std::move(text)); }
    void seen(const std::string& where, const DaemonResponse& r) {
        std::string all = fmt::format("{} {}\n", r.status, r.error);
        for (const auto& [name, value] : r.headers)
            all += fmt::format("{}: {}\n", name, value);
        all += r.body;
        seen(where, std::move(all));
    }

    // Runs the CLI with the config text; records its output, returns its exit status.
    int cli(const std::string& where, const std::string& yaml, std::vector<std::string> args) {
        const auto path = dir_ / fmt::format("cli-{}.yaml", texts_.size());
        std::string text = yaml;  // the daemon fixture fills {port}; the CLI needs a real one
        if (const auto at = text.find("{port}"); at != std::string::npos)
            text.replace(at, 6, std::to_string(test_util::free_port()));
        std::ofstream(path) << text;
        std::vector<std::string> argv{test_util::tokensync_binary().string(), "--config", path.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        const auto result = test_util::run_command(argv);
        seen(where, result.output);
        return result.status;
    }

    void mint(uint64_t quantity) {
        devnet_->send(test_util::dev_address(1), contracts_.nft,
                      test_util::calldata("batchMint(address,uint256)",
                                          {test_util::dev_address(2).lower_hex(), std::to_string(quantity)}));
    }

    test_util::TempDir dir_{"tokensync-secrets-test"};
    std::unique_ptr<Devnet> devnet_;
    test_util::TestContracts contracts_;
    test_util::PostgresCluster pg_;
    std::string database_;
    std::vector<std::pair<std::string, std::string>> texts_;
};

TEST_F(SecretsDevnet, NoSecretAppearsInOutputErrorsStatusOrMetrics) {
    const uint64_t chain_id = devnet_->chain_id();
    test_util::FaultProxy::Options proxy_options;
    proxy_options.upstream = devnet_->url();
    proxy_options.seed = 7;
    test_util::FaultProxy proxy(proxy_options);
    const std::string yaml = config(proxy.url(), db_url(pg_.port()), chain_id);
    const test_util::Headers admin{{"Authorization", fmt::format("Bearer {}", kAdminToken)}};

    ASSERT_EQ(cli("authors add", yaml,
                  {"authors", "add", "--wallet", test_util::dev_address(9).checksum(), "--prompt", "default"}),
              0)
        << texts_.back().second;
    mint(3);
    {
        Daemon daemon(yaml);
        ASSERT_TRUE(daemon.wait_for_status("/health/ready", 200, 60s)) << daemon.output_tail();
        // Start-up recovery done and the chain followed live before any fault.
        const auto live_by = std::chrono::steady_clock::now() + 60s;
        while (daemon.get("/status").body.find(R"("state":"live")") == std::string::npos) {
            ASSERT_LT(std::chrono::steady_clock::now(), live_by) << daemon.output_tail();
            std::this_thread::sleep_for(100ms);
        }

        // RPC faults while following: retries and errors are logged with the URL.
        proxy.set_rates(0.12);
        for (int i = 0; i < 4; ++i) {
            mint(2);
            std::this_thread::sleep_for(300ms);
        }
        proxy.force(test_util::Fault::kTruncatedJson, 3);
        proxy.force(test_util::Fault::kHttp500, 3);
        proxy.force(test_util::Fault::kCloseMidAnswer, 2);
        mint(1);
        std::this_thread::sleep_for(1500ms);
        proxy.set_rates(0);

        // Credentials wrong, missing, echoed back; bodies hostile.
        const DaemonResponse status = daemon.get("/status");
        seen("GET /status", status);
        // The key was loaded: /status shows the account it signs for.
        EXPECT_NE(status.body.find(fmt::format(R"("keeper":{{"chain":"dev","address":"{}"}})", keeper_address())),
                  std::string::npos)
            << status.body;
        seen("GET /metrics", daemon.get("/metrics"));
        seen("GET /health", daemon.get("/health"));
        seen("GET /", daemon.get("/"));
        seen("POST /admin/recover no token", daemon.post("/admin/recover", "{}"));
        seen("POST /admin/recover wrong token",
             daemon.post("/admin/recover", "{}", {{"Authorization", fmt::format("Bearer {}x", kAdminToken)}}));
        seen("POST /admin/recover token as body",
             daemon.post("/admin/recover", fmt::format("{{\"token\":\"{}\"}}", kAdminToken), admin));
        seen("POST /admin/recover dry run", daemon.post("/admin/recover", R"({"dry_run":true})", admin));
        seen("POST /admin/audit", daemon.post("/admin/audit", "{}", admin));
        seen("POST /admin/catchup", daemon.post("/admin/catchup", "{}", admin));
        seen("GET /admin/unknown", daemon.get("/admin/unknown", admin));
        const std::string body = R"({"webhookId":"wh_1","id":"d1","type":"GRAPHQL","event":{}})";
        seen("webhook unsigned", daemon.post("/webhooks/alchemy", body));
        seen("webhook signed with the key itself",
             daemon.post("/webhooks/alchemy", body, {{"X-Alchemy-Signature", std::string(kSigningKey)}}));
        seen("webhook wrong key", daemon.post("/webhooks/alchemy", body, {{"X-Alchemy-Signature", sign(body, "x")}}));
        seen("webhook malformed but signed",
             daemon.post("/webhooks/alchemy", "{\"id\":", {{"X-Alchemy-Signature", sign("{\"id\":", kSigningKey)}}));
        seen("webhook body holding the key", daemon.post("/webhooks/alchemy", std::string(kSigningKey),
                                                         {{"X-Alchemy-Signature", sign(kSigningKey, kSigningKey)}}));

        // The database goes away: health, admin jobs and the follower fail.
        pg_.stop();
        mint(1);
        ASSERT_TRUE(daemon.wait_for_status("/health", 503, 30s)) << daemon.output_tail();
        seen("GET /health, database down", daemon.get("/health"));
        seen("GET /status, database down", daemon.get("/status"));
        seen("POST /admin/audit, database down", daemon.post("/admin/audit", "{}", admin));
        seen("POST /admin/recover, database down", daemon.post("/admin/recover", "{}", admin));
        seen("GET /api tokens, database down", daemon.get("/api/tokens?limit=5"));
        std::this_thread::sleep_for(1500ms);  // a few failed follower steps
        pg_.start();
        ASSERT_TRUE(daemon.wait_for_status("/health", 200, 60s)) << daemon.output_tail();
        seen("GET /metrics, after the outage", daemon.get("/metrics"));

        EXPECT_EQ(daemon.stop(SIGTERM, 20s), 0) << daemon.output_tail();
        seen("daemon output", daemon.output());
    }

    // Start-up failures and the CLI with the same secrets.
    EXPECT_NE(
        cli("run, node unreachable",
            config(fmt::format("http://127.0.0.1:{}", test_util::free_port()), db_url(pg_.port()), chain_id), {"run"}),
        0);
    EXPECT_NE(cli("catchup, wrong chain id", config(proxy.url(), db_url(pg_.port()), chain_id + 1), {"catchup"}), 0);
    EXPECT_NE(
        cli("catchup, database down", config(devnet_->url(), db_url(test_util::free_port()), chain_id), {"catchup"}),
        0);
    const std::string alchemy = fmt::format(
        "database: \"{}\"\n"
        "chains:\n"
        "  - name: base\n"
        "    network: base-sepolia\n"
        "    alchemy_api_key: \"{}\"\n"
        "contracts: []\n",
        db_url(pg_.port()), kApiKey);
    EXPECT_NE(cli("catchup, alchemy host unreachable", alchemy, {"catchup"}), 0);
    EXPECT_EQ(cli("config check", yaml, {"config", "check"}), 0);
    EXPECT_NE(texts_.back().second.find(fmt::format("keeper: chain=dev address={}", keeper_address())),
              std::string::npos)
        << texts_.back().second;
    EXPECT_NE(cli("config check, mistyped keeper key",
                  config(proxy.url(), db_url(pg_.port()), chain_id, fmt::format("0x{}", kMistypedDigits)),
                  {"config", "check"}),
              0);
    EXPECT_NE(
        cli("run, mistyped keeper key", config(proxy.url(), db_url(pg_.port()), chain_id, kMistypedDigits), {"run"}),
        0);
    {
        // From a key file, the one path where the config's own key names do not make it a secret.
        std::ofstream(dir_ / "keeper.key") << kMistypedDigits << "\n";
        std::string from_file = yaml;
        const std::string line = fmt::format("  private_key: \"{}\"\n", kKeeperKey);
        from_file.replace(from_file.find(line), line.size(), "  private_key_file: keeper.key\n");
        EXPECT_NE(cli("run, mistyped key in the keeper key file", from_file, {"run"}), 0);
    }
    EXPECT_NE(cli("recover, database down", config(devnet_->url(), db_url(test_util::free_port()), chain_id),
                  {"recover", "--dry-run"}),
              0);
    EXPECT_NE(cli("audit, node unreachable",
                  config(fmt::format("http://127.0.0.1:{}", test_util::free_port()), db_url(pg_.port()), chain_id),
                  {"audit"}),
              0);
    cli("export", yaml, {"export", "--contract", "nft", "--what", "tokens", "--format", "jsonl"});

    // The scan, and proof that the error paths were really taken.
    std::string all;
    for (const auto& [where, text] : texts_) {
        for (const auto secret : kSecrets) {
            const auto at = text.find(secret);
            EXPECT_EQ(at, std::string::npos) << "secret " << secret.substr(0, 6) << "... appears in " << where << ": "
                                             << text.substr(at < 200 ? 0 : at - 200, 400);
        }
        all += text;
    }
    // The URLs that hold secrets were printed, with the secrets replaced.
    for (const std::string_view expected : {"401", "503", "cannot reach", "chain id", "/v2/***", ":***@",
                                            "keeper.private_key: the value has a character that is not a hex digit"})
        EXPECT_NE(all.find(expected), std::string::npos) << "no output shows \"" << expected << "\"";
}

}  // namespace
}  // namespace tokensync::app
