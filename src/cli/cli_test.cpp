// Runs the built `tokensync` binary as a user would.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync {
namespace {

struct CliRun {
    int status = -1;
    std::string output;  // stdout and stderr together
};

CliRun run_tokensync(std::vector<std::string> args, std::vector<std::string> env = {}) {
    test_util::TempDir dir("tokensync-cli");
    args.insert(args.begin(), TOKENSYNC_BIN);
    const std::string out_path = (dir / "out").string();
    test_util::Process p(
        {.argv = args, .stdout_path = out_path, .stderr_path = "", .run_as_user = "", .env = std::move(env)});
    CliRun run;
    run.status = p.wait();
    std::ifstream in(out_path);
    std::stringstream text;
    text << in.rdbuf();
    run.output = text.str();
    return run;
}

constexpr const char* kInfuraKey = "9aa3d95b3bc440fa88ea12eaa4456161";
constexpr const char* kPassword = "Sup3rSecretPw";

class CliTest : public ::testing::Test {
  protected:
    std::string write_config(const std::string& yaml) {
        const auto path = dir_ / "tokensync.yaml";
        std::ofstream(path) << yaml;
        return path.string();
    }

    std::string good_yaml(const std::string& database) const {
        return "database: " + database +
               "\n"
               "chains:\n"
               "  - name: local\n"
               "    chain_id: 31337\n"
               "    rpc: [http://127.0.0.1:8545, \"https://mainnet.infura.io/v3/" +
               kInfuraKey +
               "\"]\n"
               "contracts:\n"
               "  - name: nft\n"
               "    chain: local\n"
               "    address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'\n"
               "    modules: [token_registry, erc721]\n";
    }

    test_util::TempDir dir_;
};

TEST_F(CliTest, HelpListsEveryCommand) {
    const CliRun run = run_tokensync({"--help"});
    EXPECT_EQ(run.status, 0) << run.output;
    for (const char* text :
         {"config", "Inspect the configuration file", "migrate", "Apply pending database schema migrations", "abi",
          "--config", "--log-format", "--verbose", "--version"}) {
        EXPECT_NE(run.output.find(text), std::string::npos) << text << "\n" << run.output;
    }
}

TEST_F(CliTest, Version) {
    const CliRun run = run_tokensync({"--version"});
    EXPECT_EQ(run.status, 0);
    EXPECT_TRUE(run.output.starts_with("tokensync 0.")) << run.output;
}

TEST_F(CliTest, UsageErrorsExitTwo) {
    EXPECT_EQ(run_tokensync({}).status, 2);
    EXPECT_EQ(run_tokensync({"config"}).status, 2);
    EXPECT_EQ(run_tokensync({"--log-format", "xml", "config", "check"}).status, 2);
    EXPECT_EQ(run_tokensync({"no-such-command"}).status, 2);
}

TEST_F(CliTest, ConfigCheckGoodFile) {
    const std::string path = write_config(good_yaml("postgresql://app:" + std::string(kPassword) + "@db:5432/tokens"));
    const CliRun run = run_tokensync({"config", "check", "--config", path});
    EXPECT_EQ(run.status, 0) << run.output;
    EXPECT_NE(run.output.find("config ok: " + path), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("database: postgresql://app:***@db:5432/tokens"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("chains: 1\n  local: chain_id=31337 rpc=http://127.0.0.1:8545,"
                              "https://mainnet.infura.io/v3/*** ws=- finality_depth=64"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("contracts: 1\n  nft: chain=local address=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed "
                              "start_block=0 modules=token_registry,erc721"),
              std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find(kPassword), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find(kInfuraKey), std::string::npos) << run.output;
}

TEST_F(CliTest, ConfigFromEnvironmentVariable) {
    const std::string path = write_config(good_yaml("sqlite://./x.db"));
    const CliRun run = run_tokensync({"config", "check"}, {"TOKENSYNC_CONFIG=" + path});
    EXPECT_EQ(run.status, 0) << run.output;
    EXPECT_NE(run.output.find("config ok: " + path), std::string::npos) << run.output;
}

TEST_F(CliTest, ConfigCheckBadFile) {
    const std::string path =
        write_config("chains:\n  - name: local\n    chain_id: 1\n    rpc: [http://ok, \"htp://x\"]\n");
    const CliRun run = run_tokensync({"config", "check", "--config", path});
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.output, "config error: chains[0].rpc[1]: \"htp://x\" is not an http(s) URL\n");
}

TEST_F(CliTest, ConfigCheckMissingFile) {
    const CliRun run = run_tokensync({"config", "check", "--config", (dir_ / "absent.yaml").string()});
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(run.output.starts_with("config error: cannot read")) << run.output;
}

TEST_F(CliTest, SecretsNeverPrintedInErrors) {
    // The password comes from the environment and reappears where an integer
    // is expected: the error must quote it redacted.
    const std::string path = write_config(
        "database: postgresql://app:${DB_PASSWORD}@db/tokens\n"
        "chains:\n  - name: local\n    chain_id: ${DB_PASSWORD}\n    rpc: htps://mainnet.infura.io/v3/" +
        std::string(kInfuraKey) + "\n");
    const CliRun run = run_tokensync({"config", "check", "-c", path}, {std::string("DB_PASSWORD=") + kPassword});
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.output, "config error: chains[0].chain_id: expected a non-negative integer, got \"***\"\n");
}

TEST_F(CliTest, MigrateSqlite) {
    const std::string db = (dir_ / "tokens.db").string();
    const std::string path = write_config(good_yaml("sqlite://" + db));
    const CliRun first = run_tokensync({"migrate", "--config", path, "--log-format", "json"});
    EXPECT_EQ(first.status, 0) << first.output;
    EXPECT_NE(first.output.find("store.migrated applied="), std::string::npos) << first.output;
    EXPECT_NE(first.output.find(R"("level":"info","event":"store.migrated","applied":)"), std::string::npos)
        << first.output;
    const CliRun second = run_tokensync({"migrate", "--config", path});
    EXPECT_EQ(second.status, 0) << second.output;
    EXPECT_NE(second.output.find("store.migrated applied=0 version="), std::string::npos) << second.output;
}

TEST_F(CliTest, MigrateConnectionErrorExitsTwoWithoutPassword) {
    const std::string path = write_config(good_yaml("postgresql://app:" + std::string(kPassword) + "@127.0.0.1:1/x"));
    const CliRun run = run_tokensync({"migrate", "--config", path});
    EXPECT_EQ(run.status, 2) << run.output;
    EXPECT_TRUE(run.output.starts_with("error: ")) << run.output;
    EXPECT_EQ(run.output.find(kPassword), std::string::npos) << run.output;
}

}  // namespace
}  // namespace tokensync
