// `tokensync export` run as a user would: a config file, a SQLite database
// filled through Store::apply, the exact output on stdout or in --out.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/test_values.hpp"

namespace tokensync {
namespace {

using core::Address;
using core::Hash32;

struct CliRun {
    int status = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Address address(uint8_t n) { return test_util::tagged_address(0xa0, n); }

Hash32 hash(uint8_t tag, uint64_t n) { return test_util::tagged_hash(tag, n); }

const Address kContract = address(1);
const Address kAlice = address(0xa1);
const Address kBob = address(0xb0);

store::Transfer mint(uint8_t tx, uint64_t block, const Address& to, uint64_t id) {
    return {.tx_hash = hash(0x7a, tx),
            .log_index = 0,
            .batch_index = 0,
            .block_number = block,
            .block_timestamp = 1'700'000'000 + static_cast<int64_t>(block),
            .contract = kContract,
            .standard = store::TokenStandard::kErc721,
            .operator_address = Address{},
            .from = Address{},
            .to = to,
            .token_id = id,
            .amount = 1};
}

class ExportCliTest : public ::testing::Test {
  protected:
    void SetUp() override {
        db_url_ = "sqlite://" + (dir_ / "index.db").string();
        std::ofstream(dir_ / "tokensync.yaml") << "database: " << db_url_
                                               << "\n"
                                                  "chains:\n"
                                                  "  - name: local\n"
                                                  "    chain_id: 31337\n"
                                                  "    rpc: [http://127.0.0.1:8545]\n"
                                                  "contracts:\n"
                                                  "  - name: nft\n"
                                                  "    chain: local\n"
                                                  "    address: '"
                                               << kContract.lower_hex()
                                               << "'\n"
                                                  "    modules: [erc721]\n"
                                                  "    events: ['event Transfer(address indexed from, address "
                                                  "indexed to, uint256 indexed tokenId)']\n";
    }

    void fill_database() const {
        auto store = store::open_store(db_url_);
        store->migrate();
        store::ChangeSet c;
        c.chain_id = 31337;
        c.transfers = {mint(2, 11, kBob, 10), mint(1, 10, kAlice, 9)};
        store->apply(c);
    }

    CliRun run(std::vector<std::string> args) const {
        args.insert(args.begin(), {TOKENSYNC_BIN, "--config", (dir_ / "tokensync.yaml").string()});
        test_util::TempDir out_dir("tokensync-export-cli");
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

    test_util::TempDir dir_{"tokensync-export-cli"};
    std::string db_url_;
};

TEST_F(ExportCliTest, OwnersCsvOnStdout) {
    fill_database();
    const CliRun r = run({"export", "--contract", "nft", "--what", "owners"});
    EXPECT_EQ(r.status, 0) << r.err;
    // 9 before 10: token ids sort as numbers.
    EXPECT_EQ(r.out, fmt::format("token_id,owner,block_number,log_index\r\n9,{},10,0\r\n10,{},11,0\r\n",
                                 kAlice.lower_hex(), kBob.lower_hex()));
    EXPECT_NE(r.err.find("export.done"), std::string::npos) << r.err;  // the log goes to stderr only
}

TEST_F(ExportCliTest, TransfersJsonlToAFile) {
    fill_database();
    const auto path = dir_ / "transfers.jsonl";
    const CliRun r =
        run({"export", "--contract", "nft", "--what", "transfers", "--format", "jsonl", "--out", path.string()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    const std::string line =
        R"({{"block_number":{},"block_time":{},"tx_hash":"{}","log_index":0,"batch_index":0,"standard":"erc721",)"
        R"("operator":"0x0000000000000000000000000000000000000000","from":"0x0000000000000000000000000000000000000000",)"
        R"("to":"{}","token_id":"{}","amount":"1"}})"
        "\n";
    EXPECT_EQ(read_file(path),
              fmt::format(fmt::runtime(line), 10, 1'700'000'010, hash(0x7a, 1).hex(), kAlice.lower_hex(), 9) +
                  fmt::format(fmt::runtime(line), 11, 1'700'000'011, hash(0x7a, 2).hex(), kBob.lower_hex(), 10));
    for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
        EXPECT_FALSE(e.path().filename().string().ends_with(".tmp")) << e.path();  // no temporary file left
}

TEST_F(ExportCliTest, UnknownContractSuggestsTheClosestName) {
    fill_database();
    const auto path = dir_ / "out.csv";
    const CliRun r = run({"export", "--contract", "nfy", "--what", "tokens", "--out", path.string()});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown contract 'nfy' (did you mean 'nft'?); expected one of: nft"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(ExportCliTest, UnknownWhatListsTheChoices) {
    fill_database();
    const CliRun r = run({"export", "--contract", "nft", "--what", "tranfers"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown --what 'tranfers' (did you mean 'transfers'?); expected one of: events, "
                         "transfers, owners, balances, tokens"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(ExportCliTest, UnknownFormat) {
    fill_database();
    const CliRun r = run({"export", "--contract", "nft", "--what", "owners", "--format", "xml"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown --format 'xml'; expected one of: csv, jsonl"), std::string::npos) << r.err;
}

TEST_F(ExportCliTest, UnmigratedDatabaseSaysToMigrate) {
    const auto path = dir_ / "out.csv";
    const CliRun r = run({"export", "--contract", "nft", "--what", "owners", "--out", path.string()});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("run `tokensync migrate` first"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(ExportCliTest, OutInAMissingFolderFailsWithoutAFile) {
    fill_database();
    const auto path = dir_ / "missing" / "out.csv";
    const CliRun r = run({"export", "--contract", "nft", "--what", "owners", "--out", path.string()});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("cannot create"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "missing"));
}

}  // namespace
}  // namespace tokensync
