// Every export, both formats, on both back-ends: known rows applied through
// Store::apply, the exact text compared, with pages smaller than the tables.
#include "data/exporter.hpp"

#include <algorithm>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/abi/parse.hpp"
#include "core/hex.hpp"
#include "data/table_writer.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/test_values.hpp"

namespace tokensync::data {
namespace {

using core::Address;
using core::Hash32;
using core::Uint256;
using store::TokenStandard;

enum class Backend { kSqliteFile, kPostgres };

constexpr store::ChainId kChain = 31337;

Hash32 hash(uint8_t tag, uint64_t n) { return test_util::tagged_hash(tag, n); }

Address address(uint8_t n) { return test_util::tagged_address(0xa0, n); }

Hash32 topic_of(const Address& a) {
    Hash32 h;
    std::copy(a.bytes().begin(), a.bytes().end(), h.bytes.begin() + 12);
    return h;
}

Hash32 topic_of(uint8_t n) {
    Hash32 h;
    h.bytes[31] = n;
    return h;
}

Uint256 u256(std::string_view decimal) { return *Uint256::from_decimal(decimal); }

const Address kContract = address(1);
const Address kOther = address(2);  // another contract: never exported with kContract
const Address kAlice = address(0xa1);
const Address kBob = address(0xb0);
const Address kZero{};
const Uint256 kTwoTo64 = u256("18446744073709551616");
constexpr std::string_view kMaxText = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
const Uint256 kMax = u256(kMaxText);
constexpr std::string_view kTransferTopic = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
// Note(string) with the text `a,"b"`: offset, length, the bytes padded.
constexpr std::string_view kNoteData =
    "0x0000000000000000000000000000000000000000000000000000000000000020"
    "0000000000000000000000000000000000000000000000000000000000000005"
    "612c226222000000000000000000000000000000000000000000000000000000";

std::vector<core::abi::Event> abi_events() {
    return {
        *core::abi::parse_event("event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)"),
        *core::abi::parse_event("event Note(string text)")};
}

store::Block block(uint64_t n) {
    return {n, hash(0xb1, static_cast<uint8_t>(n)), hash(0xb1, static_cast<uint8_t>(n - 1)),
            static_cast<int64_t>(1'700'000'000 + n)};
}

store::RawEvent raw(uint64_t at_block, uint8_t tx, uint64_t log_index, std::vector<Hash32> topics,
                    std::string_view data, const Address& contract = kContract) {
    return {.tx_hash = hash(0x7a, tx),
            .log_index = log_index,
            .block_number = at_block,
            .block_hash = block(at_block).hash,
            .contract = contract,
            .topics = std::move(topics),
            .data = *core::from_hex(data)};
}

store::Transfer transfer(uint64_t at_block, uint8_t tx, uint64_t log_index, uint64_t batch_index,
                         TokenStandard standard, const Address& from, const Address& to, const Uint256& id,
                         const Uint256& amount, const Address& contract = kContract) {
    return {.tx_hash = hash(0x7a, tx),
            .log_index = log_index,
            .batch_index = batch_index,
            .block_number = at_block,
            .block_timestamp = block(at_block).timestamp,
            .contract = contract,
            .standard = standard,
            .operator_address = standard == TokenStandard::kErc1155 ? kAlice : kZero,
            .from = from,
            .to = to,
            .token_id = id,
            .amount = amount};
}

store::Token token(const Uint256& id, std::optional<std::string> author, store::TokenStatus status, uint64_t at_block,
                   const Address& contract = kContract) {
    return {.contract = contract,
            .token_id = id,
            .author = std::move(author),
            .owner = kAlice,
            .status = status,
            .block_number = at_block,
            .created_at = 100 + static_cast<int64_t>(at_block),
            .updated_at = 200 + static_cast<int64_t>(at_block)};
}

// Rows in two batches (the rows of a batch are given out of export order on
// purpose). Block 12 has logs but no block row.
void apply_known_rows(store::Store& s) {
    const Hash32 transfer_topic = *Hash32::from_hex(kTransferTopic);
    store::ChangeSet first;
    first.chain_id = kChain;
    first.blocks = {block(11), block(10)};
    first.raw_events = {
        // A Transfer with the ERC-20 shape (two indexed): the topic0 matches, the shape does not.
        raw(11, 2, 0, {transfer_topic, topic_of(kAlice), topic_of(kBob)}, "0x01"),
        raw(10, 1, 1, {hash(0xee, 1)}, "0x"),  // no configured event has this topic0
        raw(10, 1, 0, {transfer_topic, topic_of(kZero), topic_of(kAlice), topic_of(1)}, "0x"),
        raw(10, 1, 2, {transfer_topic, topic_of(kZero), topic_of(kAlice), topic_of(9)}, "0x", kOther),
    };
    first.tokens = {
        token(kMax, std::nullopt, store::TokenStatus::kReady, 11),
        token(1, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", store::TokenStatus::kDetected, 10),
        token(kTwoTo64, "Ann, \"the\" author", store::TokenStatus::kRevealed, 11),
        token(7, std::nullopt, store::TokenStatus::kFailed, 10, kOther),
    };
    first.transfers = {
        transfer(11, 3, 2, 0, TokenStandard::kErc721, kZero, kBob, kMax, 1),
        transfer(10, 1, 0, 0, TokenStandard::kErc721, kZero, kAlice, 1, 1),
        transfer(11, 2, 1, 0, TokenStandard::kErc721, kZero, kBob, 2, 1),
        transfer(10, 1, 2, 0, TokenStandard::kErc721, kZero, kBob, 9, 1, kOther),
    };
    ASSERT_NO_THROW(s.apply(first));

    store::ChangeSet second;
    second.chain_id = kChain;
    second.blocks = {block(13)};
    second.raw_events = {
        raw(13, 5, 0, {hash(0xee, 2), hash(0xee, 3), hash(0xee, 4), hash(0xee, 5)}, "0xdeadbeef"),
        raw(12, 4, 3, {abi_events()[1].topic0()}, kNoteData),
    };
    // Balances move in the order given: the mint comes before the move.
    second.transfers = {
        transfer(12, 4, 4, 1, TokenStandard::kErc1155, kZero, kAlice, kTwoTo64, 3),
        transfer(12, 4, 4, 0, TokenStandard::kErc1155, kZero, kAlice, 5, kMax),
        transfer(13, 5, 1, 0, TokenStandard::kErc1155, kAlice, kBob, 5, 1),
    };
    ASSERT_NO_THROW(s.apply(second));
}

class ExportTest : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        const std::string url = GetParam() == Backend::kPostgres
                                    ? test_util::shared_postgres_cluster().create_database()
                                    : "sqlite://" + (dir_ / "export.db").string();
        store_ = store::open_store(url);
        store_->migrate();
        apply_known_rows(*store_);
        ASSERT_FALSE(HasFatalFailure());
    }

    std::string run(ExportWhat what, ExportFormat format, size_t page_size = 2,
                    const Address& contract = kContract) const {
        std::ostringstream out;
        const ExportRequest request{.chain_id = kChain,
                                    .contract = contract,
                                    .abi_events = abi_events(),
                                    .what = what,
                                    .format = format,
                                    .page_size = page_size};
        export_table(*store_, request, out);
        return out.str();
    }

    test_util::TempDir dir_{"tokensync-export"};
    std::unique_ptr<store::Store> store_;
};

std::string h(uint8_t tag, uint8_t n) { return hash(tag, n).hex(); }
const std::string kA = kAlice.lower_hex();
const std::string kB = kBob.lower_hex();
const std::string kZ = kZero.lower_hex();

// The events' expected text: `pattern` with the hashes and topics of
// apply_known_rows() filled in by name.
std::string event_text(std::string_view pattern) {
    return fmt::format(fmt::runtime(pattern), fmt::arg("b10", h(0xb1, 10)), fmt::arg("b11", h(0xb1, 11)),
                       fmt::arg("b12", h(0xb1, 12)), fmt::arg("b13", h(0xb1, 13)), fmt::arg("tx1", h(0x7a, 1)),
                       fmt::arg("tx2", h(0x7a, 2)), fmt::arg("tx4", h(0x7a, 4)), fmt::arg("tx5", h(0x7a, 5)),
                       fmt::arg("z", "0x0000000000000000000000000000000000000000"), fmt::arg("ac", kAlice.checksum()),
                       fmt::arg("t", kTransferTopic), fmt::arg("zt", topic_of(kZero).hex()),
                       fmt::arg("at", topic_of(kAlice).hex()), fmt::arg("bt", topic_of(kBob).hex()),
                       fmt::arg("one", topic_of(1).hex()), fmt::arg("e1", h(0xee, 1)), fmt::arg("e2", h(0xee, 2)),
                       fmt::arg("e3", h(0xee, 3)), fmt::arg("e4", h(0xee, 4)), fmt::arg("e5", h(0xee, 5)),
                       fmt::arg("note", abi_events()[1].topic0().hex()), fmt::arg("data", kNoteData));
}

TEST_P(ExportTest, EventsCsv) {
    EXPECT_EQ(kA, "0xa0000000000000000000000000000000000000a1");
    const std::string expected = event_text(
        "block_number,block_hash,block_time,tx_hash,log_index,event,args,topic0,topic1,topic2,topic3,data\r\n"
        "10,{b10},1700000010,{tx1},0,Transfer,\"{{\"\"from\"\":\"\"{z}\"\",\"\"to\"\":\"\"{ac}\"\",\"\"tokenId\"\":"
        "\"\"1\"\"}}\",{t},{zt},{at},{one},0x\r\n"
        "10,{b10},1700000010,{tx1},1,,,{e1},,,,0x\r\n"
        "11,{b11},1700000011,{tx2},0,,,{t},{at},{bt},,0x01\r\n"
        "12,{b12},,{tx4},3,Note,\"{{\"\"text\"\":\"\"a,\\\"\"b\\\"\"\"\"}}\",{note},,,,{data}\r\n"
        "13,{b13},1700000013,{tx5},0,,,{e2},{e3},{e4},{e5},0xdeadbeef\r\n");
    EXPECT_EQ(run(ExportWhat::kEvents, ExportFormat::kCsv), expected);
    // Every page size gives the same text: one row per page, a page that ends
    // exactly at the last row, everything in one page.
    for (size_t page : {1, 5, 5000})
        EXPECT_EQ(run(ExportWhat::kEvents, ExportFormat::kCsv, page), expected) << page;
}

TEST_P(ExportTest, EventsJsonl) {
    const std::string expected = event_text(
        R"({{"block_number":10,"block_hash":"{b10}","block_time":1700000010,"tx_hash":"{tx1}","log_index":0,)"
        R"("event":"Transfer","args":{{"from":"{z}","to":"{ac}","tokenId":"1"}},)"
        R"("topic0":"{t}","topic1":"{zt}","topic2":"{at}","topic3":"{one}","data":"0x"}})"
        "\n"
        R"({{"block_number":10,"block_hash":"{b10}","block_time":1700000010,"tx_hash":"{tx1}","log_index":1,)"
        R"("event":null,"args":null,"topic0":"{e1}","topic1":null,"topic2":null,"topic3":null,"data":"0x"}})"
        "\n"
        R"({{"block_number":11,"block_hash":"{b11}","block_time":1700000011,"tx_hash":"{tx2}","log_index":0,)"
        R"("event":null,"args":null,"topic0":"{t}","topic1":"{at}","topic2":"{bt}","topic3":null,"data":"0x01"}})"
        "\n"
        R"({{"block_number":12,"block_hash":"{b12}","block_time":null,"tx_hash":"{tx4}","log_index":3,)"
        R"("event":"Note","args":{{"text":"a,\"b\""}},"topic0":"{note}","topic1":null,"topic2":null,"topic3":null,)"
        R"("data":"{data}"}})"
        "\n"
        R"({{"block_number":13,"block_hash":"{b13}","block_time":1700000013,"tx_hash":"{tx5}","log_index":0,)"
        R"("event":null,"args":null,"topic0":"{e2}","topic1":"{e3}","topic2":"{e4}","topic3":"{e5}",)"
        R"("data":"0xdeadbeef"}})"
        "\n");
    EXPECT_EQ(run(ExportWhat::kEvents, ExportFormat::kJsonl), expected);
}

TEST_P(ExportTest, TransfersCsvAndJsonl) {
    const std::string csv = fmt::format(
        "block_number,block_time,tx_hash,log_index,batch_index,standard,operator,from,to,token_id,amount\r\n"
        "10,1700000010,{tx1},0,0,erc721,{z},{z},{a},1,1\r\n"
        "11,1700000011,{tx2},1,0,erc721,{z},{z},{b},2,1\r\n"
        "11,1700000011,{tx3},2,0,erc721,{z},{z},{b},{max},1\r\n"
        "12,1700000012,{tx4},4,0,erc1155,{a},{z},{a},5,{max}\r\n"
        "12,1700000012,{tx4},4,1,erc1155,{a},{z},{a},18446744073709551616,3\r\n"
        "13,1700000013,{tx5},1,0,erc1155,{a},{a},{b},5,1\r\n",
        fmt::arg("tx1", h(0x7a, 1)), fmt::arg("tx2", h(0x7a, 2)), fmt::arg("tx3", h(0x7a, 3)),
        fmt::arg("tx4", h(0x7a, 4)), fmt::arg("tx5", h(0x7a, 5)), fmt::arg("z", kZ), fmt::arg("a", kA),
        fmt::arg("b", kB), fmt::arg("max", kMaxText));
    EXPECT_EQ(run(ExportWhat::kTransfers, ExportFormat::kCsv), csv);
    EXPECT_EQ(run(ExportWhat::kTransfers, ExportFormat::kCsv, 4), csv);

    const std::string jsonl =
        fmt::format(R"({{"block_number":12,"block_time":1700000012,"tx_hash":"{tx4}","log_index":4,"batch_index":0,)"
                    R"("standard":"erc1155","operator":"{a}","from":"{z}","to":"{a}","token_id":"5","amount":"{max}"}})"
                    "\n",
                    fmt::arg("tx4", h(0x7a, 4)), fmt::arg("z", kZ), fmt::arg("a", kA), fmt::arg("max", kMaxText));
    const std::string all = run(ExportWhat::kTransfers, ExportFormat::kJsonl);
    EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 6);
    EXPECT_NE(all.find("\n" + jsonl), std::string::npos) << all;  // the fourth line, whole
    EXPECT_TRUE(all.starts_with(R"({"block_number":10,"block_time":1700000010,)")) << all;
}

TEST_P(ExportTest, OwnersByTokenIdNumerically) {
    const std::string csv = fmt::format(
        "token_id,owner,block_number,log_index\r\n"
        "1,{a},10,0\r\n"
        "2,{b},11,1\r\n"
        "{max},{b},11,2\r\n",
        fmt::arg("a", kA), fmt::arg("b", kB), fmt::arg("max", kMaxText));
    EXPECT_EQ(run(ExportWhat::kOwners, ExportFormat::kCsv), csv);
    EXPECT_EQ(run(ExportWhat::kOwners, ExportFormat::kCsv, 1), csv);
    EXPECT_EQ(run(ExportWhat::kOwners, ExportFormat::kJsonl),
              fmt::format(R"({{"token_id":"1","owner":"{a}","block_number":10,"log_index":0}})"
                          "\n"
                          R"({{"token_id":"2","owner":"{b}","block_number":11,"log_index":1}})"
                          "\n"
                          R"({{"token_id":"{max}","owner":"{b}","block_number":11,"log_index":2}})"
                          "\n",
                          fmt::arg("a", kA), fmt::arg("b", kB), fmt::arg("max", kMaxText)));
    EXPECT_EQ(run(ExportWhat::kOwners, ExportFormat::kCsv, 2, kOther),
              fmt::format("token_id,owner,block_number,log_index\r\n9,{b},10,2\r\n", fmt::arg("b", kB)));
}

TEST_P(ExportTest, BalancesByTokenThenHolder) {
    // 5 < 2^64 < max as numbers (not as decimal text); alice's 0xa0..a1
    // sorts before bob's 0xa0..b0 within token 5.
    const std::string csv = fmt::format(
        "token_id,holder,amount,block_number\r\n"
        "1,{a},1,10\r\n"
        "2,{b},1,11\r\n"
        "5,{a},{max_minus_1},13\r\n"
        "5,{b},1,13\r\n"
        "18446744073709551616,{a},3,12\r\n"
        "{max},{b},1,11\r\n",
        fmt::arg("a", kA), fmt::arg("b", kB), fmt::arg("max", kMaxText),
        fmt::arg("max_minus_1", "115792089237316195423570985008687907853269984665640564039457584007913129639934"));
    for (size_t page : {1, 2, 3, 5000})
        EXPECT_EQ(run(ExportWhat::kBalances, ExportFormat::kCsv, page), csv) << page;
    const std::string jsonl = run(ExportWhat::kBalances, ExportFormat::kJsonl, 2);
    EXPECT_NE(jsonl.find(fmt::format(R"({{"token_id":"{0}","holder":"{1}","amount":"1","block_number":11}})"
                                     "\n",
                                     kMaxText, kB)),
              std::string::npos)
        << jsonl;
    EXPECT_TRUE(jsonl.starts_with(fmt::format(R"({{"token_id":"1","holder":"{}","amount":"1","block_number":10}})"
                                              "\n",
                                              kA)))
        << jsonl;
}

TEST_P(ExportTest, TokensWithWalletQuotedInCsv) {
    // A token's owner is its ERC-721 owner: token max was minted to bob,
    // token 2^64 (moved only as ERC-1155) has none.
    const std::string zero = "0x" + std::string(40, '0');
    const std::string csv = fmt::format(
        "token_id,owner,status,wallet,block_number,created_at,updated_at\r\n"
        "1,{a},detected,0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,10,110,210\r\n"
        "18446744073709551616,{zero},revealed,\"Ann, \"\"the\"\" author\",11,111,211\r\n"
        "{max},{b},ready,,11,111,211\r\n",
        fmt::arg("a", kA), fmt::arg("b", kB), fmt::arg("max", kMaxText), fmt::arg("zero", zero));
    EXPECT_EQ(run(ExportWhat::kTokens, ExportFormat::kCsv), csv);
    EXPECT_EQ(run(ExportWhat::kTokens, ExportFormat::kJsonl, 1),
              fmt::format(R"({{"token_id":"1","owner":"{a}","status":"detected",)"
                          R"("wallet":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",)"
                          R"("block_number":10,"created_at":110,"updated_at":210}})"
                          "\n"
                          R"({{"token_id":"18446744073709551616","owner":"{zero}","status":"revealed",)"
                          R"("wallet":"Ann, \"the\" author","block_number":11,"created_at":111,"updated_at":211}})"
                          "\n"
                          R"({{"token_id":"{max}","owner":"{b}","status":"ready","wallet":null,)"
                          R"("block_number":11,"created_at":111,"updated_at":211}})"
                          "\n",
                          fmt::arg("a", kA), fmt::arg("b", kB), fmt::arg("max", kMaxText), fmt::arg("zero", zero)));
}

TEST_P(ExportTest, UnknownContractExportsHeaderOnly) {
    EXPECT_EQ(run(ExportWhat::kTokens, ExportFormat::kCsv, 2, address(0x77)),
              "token_id,owner,status,wallet,block_number,created_at,updated_at\r\n");
    EXPECT_EQ(run(ExportWhat::kEvents, ExportFormat::kJsonl, 2, address(0x77)), "");
}

TEST_P(ExportTest, WriteFailureStopsTheExport) {
    std::ostringstream out;
    out.setstate(std::ios::badbit);
    const ExportRequest request{.chain_id = kChain,
                                .contract = kContract,
                                .abi_events = {},
                                .what = ExportWhat::kTransfers,
                                .format = ExportFormat::kCsv,
                                .page_size = 2};
    EXPECT_THROW(export_table(*store_, request, out), ExportError);
}

TEST_P(ExportTest, SinkExceptionStopsTheScan) {
    int calls = 0;
    EXPECT_THROW(store_->scan_transfers(kChain, kContract, 2,
                                        [&](const store::Transfer&) {
                                            if (++calls == 3) throw std::runtime_error("stop");
                                        }),
                 std::runtime_error);
    EXPECT_EQ(calls, 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportTest, ::testing::Values(Backend::kSqliteFile, Backend::kPostgres),
                         [](const auto& p) { return p.param == Backend::kPostgres ? "Postgres" : "Sqlite"; });

}  // namespace
}  // namespace tokensync::data
