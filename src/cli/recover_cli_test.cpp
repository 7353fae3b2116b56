// `tokensync authors` and `tokensync recover` run as a user would, against
// anvil and a SQLite file: exact output lines, exit codes 0/1/2, the error
// messages, -v debug lines, and the bounded recovery `tokensync run` does
// before following.
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/engine_test_support.hpp"
#include "store/store.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/devnet.hpp"
#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync {
namespace {

using core::Address;

struct CliRun {
    int status = -1;
    std::string out;
    std::string err;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
        ++n;
    return n;
}

const Address kAuthorA = *Address::from_hex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
const Address kAuthorB = *Address::from_hex("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");  // never registered
const Address kDefault = *Address::from_hex("0x00000000000000000000000000000000000d3fa1");

class RecoverCliTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        devnet = std::make_unique<test_util::Devnet>(app::testing::quiet_devnet());
        test_util::TestContractOptions nft_options;
        nft_options.first_token_id = 1;
        contracts = devnet->deploy_test_contracts(nft_options);
        for (const auto& [author, quantity] :
             std::vector<std::pair<Address, int>>{{kAuthorA, 10}, {kAuthorB, 5}, {kAuthorA, 15}}) {
            devnet->send(
                test_util::dev_address(2), contracts.nft,
                test_util::calldata("batchMint(address,uint256)", {author.lower_hex(), std::to_string(quantity)}));
        }
    }
    static void TearDownTestSuite() { devnet.reset(); }

    void SetUp() override { db_url_ = "sqlite://" + (dir_ / "index.db").string(); }

    // The devnet config plus a recovery section; `file` under the test's folder.
    std::string write_config(const std::string& file, uint64_t first_token_id = 1, uint64_t batch_size = 1000,
                             const std::string& db_url = "") const {
        const std::string yaml =
            app::testing::devnet_config_yaml(*devnet, contracts, db_url.empty() ? db_url_ : db_url,
                                             fmt::format("recovery:\n"
                                                         "  contract: nft\n"
                                                         "  first_token_id: {}\n"
                                                         "  default_author: \"{}\"\n"
                                                         "  batch_size: {}\n"
                                                         "  multicall: \"off\"\n",
                                                         first_token_id, kDefault.checksum(), batch_size));
        std::ofstream(dir_ / file) << yaml;
        return (dir_ / file).string();
    }

    CliRun run(const std::string& config, std::vector<std::string> args) const {
        args.insert(args.begin(), {TOKENSYNC_BIN, "--config", config});
        test_util::TempDir out_dir("tokensync-recover-cli");
        const std::string out_path = (out_dir / "stdout").string();
        const std::string err_path = (out_dir / "stderr").string();
        test_util::Process p(
            {.argv = args, .stdout_path = out_path, .stderr_path = err_path, .run_as_user = "", .env = {}});
        CliRun r;
        r.status = p.wait();
        r.out = read_file(out_path);
        r.err = read_file(err_path);
        return r;
    }

    static inline std::unique_ptr<test_util::Devnet> devnet;
    static inline test_util::TestContracts contracts;
    test_util::TempDir dir_;
    std::string db_url_;
};

TEST_F(RecoverCliTest, AuthorsThenRecoverWithLimitDryRunAndVerbose) {
    const std::string config = write_config("tokensync.yaml");

    // No default author yet: a configuration error that says how to fix it.
    CliRun r = run(config, {"recover"});
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(fmt::format("DefaultAuthorNotFoundError: the default author {}", kDefault.checksum())),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(fmt::format("tokensync authors add --wallet {} --prompt", kDefault.checksum())),
              std::string::npos)
        << r.err;

    r = run(config, {"authors", "list"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "");
    r = run(config, {"authors", "add", "--wallet", kDefault.lower_hex(), "--prompt", "fallback"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, fmt::format("authors.added wallet={}\n", kDefault.lower_hex()));
    r = run(config, {"authors", "add", "--wallet", kAuthorA.checksum(), "--prompt", "a cat"});
    EXPECT_EQ(r.out, fmt::format("authors.added wallet={}\n", kAuthorA.checksum()));
    // The same wallet in lower case updates the prompt of the row first given.
    r = run(config, {"authors", "add", "--wallet", kAuthorA.lower_hex(), "--prompt", "a cat in a hat"});
    EXPECT_EQ(r.out, fmt::format("authors.updated wallet={}\n", kAuthorA.checksum()));
    r = run(config, {"authors", "add", "--wallet", "0x1234", "--prompt", "x"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--wallet \"0x1234\" is not an address"), std::string::npos) << r.err;
    r = run(config, {"authors", "list"});
    EXPECT_EQ(r.status, 0);
    ASSERT_EQ(count_of(r.out, "\n"), 2U) << r.out;
    EXPECT_TRUE(r.out.starts_with(kDefault.lower_hex() + "\t")) << r.out;
    EXPECT_NE(r.out.find("\n" + kAuthorA.checksum() + "\t"), std::string::npos) << r.out;
    EXPECT_TRUE(r.out.ends_with("\ta cat in a hat\n")) << r.out;

    // Nothing indexed: all 30 ids are missing.
    r = run(config, {"recover", "--dry-run"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "[DRY RUN] Would recover 30 missing tokens: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, "
              "17, 18, 19, 20, ... 10 more]\n");
    r = run(config, {"recover", "--dry-run", "--limit", "2"});
    EXPECT_EQ(r.out, "[DRY RUN] Would recover 2 missing tokens: [1, 2]\n");

    r = run(config, {"recover", "--limit", "3"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "recovery.completed recovered=3 duplicates_skipped=0 failed=0 total_on_chain=30\n");
    EXPECT_NE(r.err.find("recovery.completed recovered=3 duplicates_skipped=0 failed=0 total_on_chain=30"),
              std::string::npos)
        << r.err;

    r = run(config, {"recover", "-v"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "recovery.completed recovered=27 duplicates_skipped=0 failed=0 total_on_chain=30\n");
    EXPECT_NE(r.err.find("recovery.counter next_token_id=31 first_token_id=1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("recovery.missing count=27 ids=4,5,6"), std::string::npos) << r.err;
    EXPECT_EQ(count_of(r.err, "recovery.token_created"), 27U) << r.err;
    EXPECT_NE(r.err.find(fmt::format("recovery.token_created id=12 prompt_author={} author={}", kAuthorB.checksum(),
                                     kDefault.lower_hex())),
              std::string::npos)
        << r.err;

    r = run(config, {"recover"});
    EXPECT_EQ(r.out, "recovery.completed recovered=0 duplicates_skipped=0 failed=0 total_on_chain=30\n");

    auto store = store::open_store(db_url_);
    EXPECT_EQ(store->count_tokens(31337, contracts.nft), 30U);
    EXPECT_EQ(store->get_token(31337, contracts.nft, 1)->author, kAuthorA.checksum());
    EXPECT_EQ(store->get_token(31337, contracts.nft, 11)->author, kDefault.lower_hex());
    EXPECT_EQ(store->get_token(31337, contracts.nft, 30)->author, kAuthorA.checksum());

    // Counting from 0 on a contract that starts at 1: id 0 fails, exit 1, listed.
    r = run(write_config("from-zero.yaml", 0), {"recover"});
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.out,
              "recovery.completed recovered=0 duplicates_skipped=0 failed=1 total_on_chain=31\n"
              "recovery.failed ids=[0] (see the recovery.token_failed lines for causes; run again to retry)\n");
    EXPECT_NE(r.err.find("recovery.token_failed id=0"), std::string::npos) << r.err;
}

TEST_F(RecoverCliTest, ConnectionAndContractErrorsExitTwo) {
    const std::string good = write_config("tokensync.yaml");
    std::string yaml = read_file(good);

    std::string offline = yaml;
    offline.replace(offline.find(devnet->url()), devnet->url().size(), "http://127.0.0.1:9/v2/SUPERSECRETKEY123");
    std::ofstream(dir_ / "offline.yaml") << offline;
    CliRun r = run((dir_ / "offline.yaml").string(), {"recover"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("BlockchainConnectionError: cannot reach chain local (chain id 31337)"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("127.0.0.1:9"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("SUPERSECRETKEY123"), std::string::npos) << r.err;

    std::string wrong = yaml;
    const std::string nft = contracts.nft.checksum();
    const Address nowhere = *Address::from_hex("0x00000000000000000000000000000000000c0de0");
    wrong.replace(wrong.find(nft), nft.size(), nowhere.checksum());
    std::ofstream(dir_ / "wrong.yaml") << wrong;
    r = run((dir_ / "wrong.yaml").string(), {"recover"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(fmt::format("ContractNotFoundError: Contract at {} not found on local", nowhere.checksum())),
              std::string::npos)
        << r.err;

    r = run(good, {"recover", "--limit", "0"});
    EXPECT_EQ(r.status, 2) << "--limit must be positive";
}

TEST_F(RecoverCliTest, RunRecoversABoundedBatchBeforeFollowing) {
    const std::string config = write_config("run.yaml", 1, 4);
    ASSERT_EQ(run(config, {"authors", "add", "--wallet", kDefault.checksum(), "--prompt", "fallback"}).status, 0);
    test_util::TempDir out_dir("tokensync-recover-run");
    const std::string err_path = (out_dir / "stderr").string();
    test_util::Process daemon({.argv = {TOKENSYNC_BIN, "--config", config, "run"},
                               .stdout_path = (out_dir / "stdout").string(),
                               .stderr_path = err_path,
                               .run_as_user = "",
                               .env = {}});
    // The follower then indexes every mint itself; wait for all 30 rows.
    auto store = store::open_store(db_url_);
    store->migrate();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (store->count_tokens(31337, contracts.nft) < 30 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    daemon.kill(SIGTERM);
    EXPECT_EQ(daemon.wait(), 0);
    const std::string err = read_file(err_path);
    EXPECT_NE(err.find("recovery.completed recovered=4 duplicates_skipped=0 failed=0 total_on_chain=30"),
              std::string::npos)
        << err;
    EXPECT_EQ(store->count_tokens(31337, contracts.nft), 30U);
}

// `tokensync audit`: exit 2 before the default author exists, then a clean
// repair of an empty database, planted drift reported line by line (exit 1),
// --json, -v, and --fix (exit 0).
TEST_F(RecoverCliTest, AuditReportsDriftAndFixRepairsIt) {
    const std::string config = write_config("audit.yaml");
    CliRun r = run(config, {"audit"});
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("DefaultAuthorNotFoundError"), std::string::npos) << r.err;
    ASSERT_EQ(run(config, {"authors", "add", "--wallet", kDefault.lower_hex(), "--prompt", "fallback"}).status, 0);
    ASSERT_EQ(run(config, {"authors", "add", "--wallet", kAuthorA.checksum(), "--prompt", "a cat"}).status, 0);

    // Nothing indexed: 30 rows missing and 30 owners unknown, all repaired.
    r = run(config, {"audit", "--fix", "--examples", "3"});
    EXPECT_EQ(r.status, 0) << r.err;
    const std::string minter = test_util::dev_address(2).checksum();
    EXPECT_EQ(r.out, fmt::format("audit.missing count=30 fixed=30 examples=[1, 2, 3, ... 27 more]\n"
                                 "audit.wrong_author count=0 fixed=0 examples=[]\n"
                                 "audit.wrong_owner count=30 fixed=30 examples=[1 (db none, chain {0}), "
                                 "2 (db none, chain {0}), 3 (db none, chain {0}), ... 27 more]\n"
                                 "audit.nonexistent count=0 fixed=0 examples=[]\n"
                                 "audit.completed checked=30 missing=30 wrong_author=0 wrong_owner=30 nonexistent=0 "
                                 "fixed=60\n",
                                 minter));
    r = run(config, {"audit"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(
        r.out.ends_with("audit.completed checked=30 missing=0 wrong_author=0 wrong_owner=0 nonexistent=0 fixed=0\n"))
        << r.out;

    // Drift planted through the store's own repair kinds: a wrong author, a
    // wrong owner, a row beyond the counter.
    {
        auto store = store::open_store(db_url_);
        store::ChangeSet c;
        c.chain_id = 31337;
        c.author_corrections.push_back({contracts.nft, 12, kAuthorA.checksum()});
        c.owner_corrections.push_back({contracts.nft, 5, kAuthorB, devnet->block_number() + 1});
        store::Token beyond;
        beyond.contract = contracts.nft;
        beyond.token_id = 31;
        c.tokens.push_back(beyond);
        store->apply(c);
    }
    devnet->mine(2);  // the audit reads above the planted owner's block
    r = run(config, {"audit"});
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.out, fmt::format("audit.missing count=0 examples=[]\n"
                                 "audit.wrong_author count=1 examples=[12 (db {}, chain {})]\n"
                                 "audit.wrong_owner count=1 examples=[5 (db {}, chain {})]\n"
                                 "audit.nonexistent count=1 examples=[31]\n"
                                 "audit.completed checked=30 missing=0 wrong_author=1 wrong_owner=1 nonexistent=1 "
                                 "fixed=0\n",
                                 kAuthorA.checksum(), kDefault.lower_hex(), kAuthorB.checksum(), minter));
    EXPECT_NE(r.err.find("audit.completed checked=30 missing=0 wrong_author=1"), std::string::npos) << r.err;

    r = run(config, {"audit", "--json"});
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_TRUE(r.out.starts_with("{\"block\":")) << r.out;
    EXPECT_NE(r.out.find("\"wrong_author\":{\"found\":1,\"fixed\":0,\"examples\":[{\"id\":\"12\""), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\"found\":3,\"fixed\":0,\"remaining\":3"), std::string::npos) << r.out;

    r = run(config, {"audit", "-v"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("audit.counter next_token_id=31 first_token_id=1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("audit.drift kind=nonexistent id=31"), std::string::npos) << r.err;

    r = run(config, {"audit", "--fix"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(
        r.out.ends_with("audit.completed checked=30 missing=0 wrong_author=1 wrong_owner=1 nonexistent=1 fixed=3\n"))
        << r.out;
    r = run(config, {"audit"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto store = store::open_store(db_url_);
    EXPECT_EQ(store->get_token(31337, contracts.nft, 12)->author, kDefault.lower_hex());
    EXPECT_EQ(store->get_owner(31337, contracts.nft, 5), test_util::dev_address(2));
    EXPECT_FALSE(store->get_token(31337, contracts.nft, 31));
}

}  // namespace
}  // namespace tokensync
