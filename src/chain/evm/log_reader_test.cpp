#include "chain/evm/log_reader.hpp"

#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_util/http_test_server.hpp"

namespace tokensync::chain::evm {
namespace {

using namespace std::chrono_literals;
using test_util::HttpTestReply;
using test_util::HttpTestRequest;
using test_util::HttpTestServer;

constexpr std::string_view kContract = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

std::string block_hash(uint64_t b) { return fmt::format("0x{:064x}", b + 0x1000); }

// A node with `blocks` blocks holding (b % 3) logs each, that refuses
// eth_getLogs ranges wider than `cap` blocks with the error `refusal` makes,
// and range queries touching a block of `huge` with a size error.
struct FakeNode {
    uint64_t blocks = 100;
    uint64_t cap = UINT64_MAX;
    std::function<std::pair<int64_t, std::string>(uint64_t from, uint64_t to)> refusal;
    std::set<uint64_t> huge;
    bool refuse_by_hash = false;
    bool garbage_log = false;

    static boost::json::object log(uint64_t b, uint64_t i) {
        return {{"address", kContract},
                {"topics", boost::json::array{fmt::format("0x{:064x}", i)}},
                {"data", "0x"},
                {"blockNumber", fmt::format("0x{:x}", b)},
                {"blockHash", block_hash(b)},
                {"transactionHash", fmt::format("0x{:064x}", b * 10 + i)},
                {"transactionIndex", "0x0"},
                {"logIndex", fmt::format("0x{:x}", i)},
                {"removed", false}};
    }

    boost::json::array logs(uint64_t from, uint64_t to) const {
        boost::json::array out;
        for (uint64_t b = from; b <= to && b < blocks; ++b) {
            for (uint64_t i = 0; i < b % 3; ++i)
                out.push_back(log(b, i));
        }
        if (garbage_log && !out.empty()) out.back().as_object()["logIndex"] = 5;
        return out;
    }

    static std::string result(const boost::json::value& id, boost::json::value v) {
        return boost::json::serialize(boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(v)}});
    }
    static std::string error(const boost::json::value& id, int64_t code, std::string_view message) {
        return boost::json::serialize(boost::json::object{
            {"jsonrpc", "2.0"}, {"id", id}, {"error", boost::json::object{{"code", code}, {"message", message}}}});
    }

    HttpTestReply answer(const std::string& body) const {
        const auto request = boost::json::parse(body).as_object();
        const auto& id = request.at("id");
        const auto& params = request.at("params").as_array();
        if (request.at("method") == "eth_getBlockByNumber") {
            const auto b = std::stoull(std::string(params.at(0).as_string()), nullptr, 16);
            return {200, result(id, boost::json::object{{"number", params.at(0)},
                                                        {"hash", block_hash(b)},
                                                        {"parentHash", block_hash(b - 1)},
                                                        {"timestamp", "0x1"}})};
        }
        const auto& filter = params.at(0).as_object();
        const auto* address = filter.if_contains("address");
        if (address == nullptr || !address->is_string() || address->get_string() != kContract) {
            return {200, error(id, -32602, "unexpected filter")};
        }
        if (const auto* hash = filter.if_contains("blockHash")) {
            if (refuse_by_hash) return {200, error(id, -32005, "query returned more than 10000 results")};
            const auto b = std::stoull(std::string(hash->as_string()), nullptr, 16) - 0x1000;
            return {200, result(id, logs(b, b))};
        }
        const auto from = std::stoull(std::string(filter.at("fromBlock").as_string()), nullptr, 16);
        const auto to = std::stoull(std::string(filter.at("toBlock").as_string()), nullptr, 16);
        if (to - from + 1 > cap) {
            auto [code, message] = refusal(from, to);
            return {400, error(id, code, message)};
        }
        for (auto b : huge) {
            if (b >= from && b <= to) return {200, error(id, -32005, "query returned more than 10000 results")};
        }
        return {200, result(id, logs(from, to))};
    }
};

struct Fixture {
    explicit Fixture(FakeNode n) : node(std::move(n)), server([this](const HttpTestRequest& r) { return reply(r); }) {}
    // A batch is answered item by item.
    HttpTestReply reply(const HttpTestRequest& r) const {
        const auto body = boost::json::parse(r.body);
        if (!body.is_array()) return node.answer(r.body);
        boost::json::array answers;
        for (const auto& item : body.as_array())
            answers.push_back(boost::json::parse(node.answer(boost::json::serialize(item)).body));
        return {200, boost::json::serialize(answers)};
    }
    RpcClient client() {
        RpcClientOptions options;
        options.urls = {server.url("/v2/key")};
        options.sleep = [](std::chrono::milliseconds) {};
        return RpcClient(std::move(options));
    }
    FakeNode node;
    HttpTestServer server;
};

LogFilter whole_chain(uint64_t to = 99) { return LogFilter{{*core::Address::from_hex(kContract)}, {}, 0, to}; }

void expect_all_logs(const std::vector<Log>& logs, const FakeNode& node, uint64_t to = 99) {
    const auto expected = node.logs(0, to);
    ASSERT_EQ(logs.size(), expected.size());
    for (std::size_t i = 0; i < logs.size(); ++i)
        EXPECT_EQ(logs[i], *parse_log(expected[i])) << i;
}

TEST(LogReader, OneCallWhenTheNodeAllowsIt) {
    Fixture f(FakeNode{});
    auto client = f.client();
    LogReader reader(client, {.max_span = 1'000, .grow_after = 2});
    expect_all_logs(reader.get_logs(whole_chain()), f.node);
    EXPECT_EQ(reader.calls(), 1u);
}

std::vector<uint64_t> numbers(uint64_t from, uint64_t to) {
    std::vector<uint64_t> out;
    for (uint64_t n = from; n <= to; ++n)
        out.push_back(n);
    return out;
}

void expect_headers(const std::vector<std::optional<BlockHeader>>& headers, const std::vector<uint64_t>& blocks) {
    ASSERT_EQ(headers.size(), blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        ASSERT_TRUE(headers[i].has_value()) << i;
        EXPECT_EQ(headers[i]->number, blocks[i]);
        EXPECT_EQ(headers[i]->hash.hex(), block_hash(blocks[i]));
    }
}

TEST(LogReader, LogsAndHeadersTravelInOneBatch) {
    Fixture f(FakeNode{});
    auto client = f.client();
    LogReader reader(client, {.max_span = 1'000, .grow_after = 2});
    const auto blocks = numbers(0, 19);
    const auto both = reader.get_logs_and_blocks(whole_chain(19), blocks);
    expect_all_logs(both.logs, f.node, 19);
    expect_headers(both.headers, blocks);
    ASSERT_EQ(f.server.bodies().size(), 1u);
    const auto batch = boost::json::parse(f.server.bodies().front());
    ASSERT_TRUE(batch.is_array());
    EXPECT_EQ(batch.as_array().size(), 21u);
    EXPECT_EQ(batch.as_array().front().at("method"), "eth_getLogs");
    EXPECT_EQ(reader.calls(), 1u);
}

TEST(LogReader, ARangeRefusedInTheBatchIsSplitAndItsHeadersKept) {
    FakeNode node;
    node.cap = 5;
    node.refusal = [](uint64_t, uint64_t) {
        return std::pair<int64_t, std::string>{-32614, "eth_getLogs is limited to a 5 range"};
    };
    Fixture f(std::move(node));
    auto client = f.client();
    LogReader reader(client, {.max_span = 1'000, .grow_after = 100});
    const auto blocks = numbers(0, 19);
    const auto both = reader.get_logs_and_blocks(whole_chain(19), blocks);
    expect_all_logs(both.logs, f.node, 19);
    expect_headers(both.headers, blocks);
    EXPECT_EQ(reader.planner(0).hard_cap(), 5u);
    EXPECT_EQ(reader.calls(), 5u);  // the refused batch, then 4 calls of 5 blocks
    EXPECT_EQ(f.server.bodies().size(), 5u);
}

TEST(LogReader, ARangeThePlannerSplitsReadsItsHeadersApart) {
    Fixture f(FakeNode{});
    auto client = f.client();
    LogReader reader(client, {.max_span = 5, .grow_after = 100});
    const std::vector<uint64_t> blocks{4, 17};
    const auto both = reader.get_logs_and_blocks(whole_chain(19), blocks);
    expect_all_logs(both.logs, f.node, 19);
    expect_headers(both.headers, blocks);
    EXPECT_EQ(reader.calls(), 4u);
    ASSERT_EQ(f.server.bodies().size(), 5u);  // 4 ranges, then one batch of headers
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_TRUE(boost::json::parse(f.server.bodies()[i]).is_object()) << i;
    EXPECT_TRUE(boost::json::parse(f.server.bodies()[4]).is_array());
}

TEST(LogReader, AnErrorOfTheLogsInTheBatchPropagates) {
    Fixture f(FakeNode{});
    auto client = f.client();
    LogReader reader(client);
    LogFilter filter = whole_chain(3);
    filter.addresses.clear();  // the fake node refuses this with -32602
    EXPECT_THROW(reader.get_logs_and_blocks(filter, numbers(0, 3)), RpcCallError);
}

TEST(LogReader, MaxSpanSplitsTheRange) {
    Fixture f(FakeNode{});
    auto client = f.client();
    LogReader reader(client, {.max_span = 7, .grow_after = 2});
    expect_all_logs(reader.get_logs(whole_chain()), f.node);
    EXPECT_EQ(reader.calls(), 15u);  // ceil(100 / 7)
}

TEST(LogReader, FollowsInfuraHints) {
    FakeNode node;
    node.cap = 10;
    node.refusal = [](uint64_t from, uint64_t) {
        return std::pair<int64_t, std::string>{
            -32005, fmt::format("query returned more than 10000 results. Try with this block range [0x{:X}, 0x{:X}].",
                                from, from + 9)};
    };
    Fixture f(std::move(node));
    auto client = f.client();
    LogReader reader(client, {.max_span = 1'000, .grow_after = 1'000});
    expect_all_logs(reader.get_logs(whole_chain()), f.node);
    EXPECT_EQ(reader.calls(), 11u);  // one refusal, then 10 calls of 10 blocks
    EXPECT_EQ(reader.planner(0).span(), 10u);
}

TEST(LogReader, LearnsANumericCapAndNeverExceedsIt) {
    FakeNode node;
    node.cap = 25;
    node.refusal = [](uint64_t, uint64_t) {
        return std::pair<int64_t, std::string>{-32614, "eth_getLogs is limited to a 25 range"};
    };
    Fixture f(std::move(node));
    auto client = f.client();
    LogReader reader(client, {.max_span = 1'000, .grow_after = 1});
    expect_all_logs(reader.get_logs(whole_chain()), f.node);
    EXPECT_EQ(reader.planner(0).hard_cap(), 25u);
    EXPECT_EQ(reader.calls(), 5u);
}

TEST(LogReader, TheCapIsLearnedForTheUrlThatAnswered) {
    FakeNode node;
    node.cap = 25;
    node.refusal = [](uint64_t, uint64_t) {
        return std::pair<int64_t, std::string>{-32047, "Invalid eth_getLogs request. range too large. Max range: 25"};
    };
    Fixture f(std::move(node));
    HttpTestServer broken([](const HttpTestRequest&) { return HttpTestReply{502, "bad gateway"}; });
    RpcClientOptions options;
    options.urls = {broken.url(), f.server.url()};
    options.sleep = [](std::chrono::milliseconds) {};
    RpcClient client(std::move(options));
    LogReader reader(client, {.max_span = 1'000, .grow_after = 1});
    expect_all_logs(reader.get_logs(whole_chain()), f.node);
    EXPECT_EQ(reader.planner(1).hard_cap(), 25u);
    EXPECT_EQ(reader.planner(0).hard_cap(), std::nullopt);
    EXPECT_EQ(reader.planner(0).span(), 1'000u);
}

TEST(LogReader, HalvesWithoutAHint) {
    FakeNode node;
    node.cap = 30;
    node.refusal = [](uint64_t, uint64_t) {
        return std::pair<int64_t, std::string>{-32600, "block range is too wide"};
    };
    Fixture f(std::move(node));
    auto client = f.client();
    LogReader reader(client, {.max_span = 100, .grow_after = 3});
    expect_all_logs(reader.get_logs(whole_chain()), f.node);
    EXPECT_LE(reader.planner(0).span(), 50u);
}

TEST(LogReader, ASingleHugeBlockIsFetchedByHash) {
    FakeNode node;
    node.huge = {41};
    Fixture f(std::move(node));
    auto client = f.client();
    LogReader reader(client, {.max_span = 100, .grow_after = 2});
    expect_all_logs(reader.get_logs(whole_chain()), f.node);
    bool by_hash = false;
    for (const auto& body : f.server.bodies())
        by_hash = by_hash || body.find(block_hash(41)) != std::string::npos;
    EXPECT_TRUE(by_hash);
}

TEST(LogReader, ReportsABlockTooLargeEvenByHash) {
    FakeNode node;
    node.huge = {41};
    node.refuse_by_hash = true;
    Fixture f(std::move(node));
    auto client = f.client();
    LogReader reader(client, {.max_span = 100, .grow_after = 2});
    try {
        reader.get_logs(whole_chain());
        FAIL() << "no exception";
    } catch (const LogFetchError& e) {
        EXPECT_NE(std::string(e.what()).find("block 41: eth_getLogs refused the single block"), std::string::npos)
            << e.what();
    }
}

TEST(LogReader, AMalformedLogIsAnErrorNamingTheField) {
    FakeNode node;
    node.garbage_log = true;
    Fixture f(std::move(node));
    auto client = f.client();
    LogReader reader(client);
    try {
        reader.get_logs(whole_chain(5));
        FAIL() << "no exception";
    } catch (const LogFetchError& e) {
        EXPECT_STREQ(e.what(), "eth_getLogs [0, 5]: malformed answer: logs[5].logIndex: not a hex quantity string");
    }
}

TEST(LogReader, OtherErrorsPropagate) {
    Fixture f(FakeNode{});
    auto client = f.client();
    LogReader reader(client);
    LogFilter filter = whole_chain();
    filter.addresses.clear();  // the fake node refuses this with -32602
    EXPECT_THROW(reader.get_logs(filter), RpcCallError);
}

TEST(LogReader, FilterEncoding) {
    Fixture f(FakeNode{});
    auto client = f.client();
    LogReader reader(client);
    LogFilter filter = whole_chain(3);
    const auto t = *core::Hash32::from_hex("0x" + std::string(64, 'e'));
    filter.topics = {{t}, {}, {t, t}};
    reader.get_logs(filter);
    const auto sent = boost::json::parse(f.server.bodies().at(0)).at("params").at(0);
    EXPECT_EQ(sent.at("topics"), boost::json::parse(fmt::format(R"(["{0}", null, ["{0}", "{0}"]])", t.hex())));
    EXPECT_EQ(sent.at("fromBlock"), "0x0");
    EXPECT_EQ(sent.at("toBlock"), "0x3");
}

// Headers of blocks [from, to] as FakeNode has them, each with a bloom that
// holds the contract when `admits(b)`.
std::vector<std::optional<BlockHeader>> headers(uint64_t from, uint64_t to,
                                                const std::function<bool(uint64_t)>& admits) {
    std::vector<std::optional<BlockHeader>> out;
    for (uint64_t b = from; b <= to; ++b) {
        BlockHeader h;
        h.number = b;
        h.hash = *core::Hash32::from_hex(block_hash(b));
        LogsBloom bloom;
        if (admits(b)) bloom.add(core::ByteView{core::Address::from_hex(kContract)->bytes()});
        h.logs_bloom = bloom;
        out.emplace_back(h);
    }
    return out;
}

std::vector<Log> parsed(const boost::json::array& logs) { return *parse_logs(logs); }

class LogReaderMissedBlock : public ::testing::Test {
  protected:
    Fixture f{FakeNode{}};
    RpcClient client = f.client();
    LogReader reader{client};
};

TEST_F(LogReaderMissedBlock, AnAnswerWithoutTheLogsABloomAnnouncesIsCaught) {
    // Blocks 10..14 hold 1, 2, 0, 1, 2 logs; the answer leaves out block 13's.
    auto logs = parsed(f.node.logs(10, 12));
    const auto with_logs = [](uint64_t b) { return b % 3 != 0; };
    EXPECT_EQ(reader.find_missed_block(whole_chain(), headers(10, 14, with_logs), logs), 13u);
    EXPECT_EQ(reader.calls(), 2u);            // blocks 13 and 14 by hash,
    EXPECT_EQ(f.server.request_count(), 1u);  // in one batch
}

TEST_F(LogReaderMissedBlock, ACompleteAnswerCostsNoRequest) {
    const auto logs = parsed(f.node.logs(10, 14));
    EXPECT_EQ(reader.find_missed_block(whole_chain(), headers(10, 14, [](uint64_t b) { return b % 3 != 0; }), logs),
              std::nullopt);
    EXPECT_EQ(reader.calls(), 0u);
    EXPECT_EQ(f.server.request_count(), 0u);
}

TEST_F(LogReaderMissedBlock, ABloomFalsePositiveIsConfirmedByHashAndAccepted) {
    // Every bloom admits the contract; block 12 has no log all the same.
    const auto logs = parsed(f.node.logs(10, 14));
    EXPECT_EQ(reader.find_missed_block(whole_chain(), headers(10, 14, [](uint64_t) { return true; }), logs),
              std::nullopt);
    EXPECT_EQ(reader.calls(), 1u);
    EXPECT_EQ(f.server.request_count(), 1u);
}

TEST_F(LogReaderMissedBlock, HeadersWithoutABloomOrWithoutTheContractAreNotAsked) {
    auto no_bloom = headers(10, 14, [](uint64_t) { return true; });
    for (auto& h : no_bloom)
        h->logs_bloom.reset();
    no_bloom.emplace_back();  // a block the node did not have
    EXPECT_EQ(reader.find_missed_block(whole_chain(), no_bloom, {}), std::nullopt);
    EXPECT_EQ(reader.find_missed_block(whole_chain(), headers(10, 14, [](uint64_t) { return false; }), {}),
              std::nullopt);
    EXPECT_EQ(f.server.request_count(), 0u);
}

TEST_F(LogReaderMissedBlock, AnErrorOfTheByHashReadPropagates) {
    f.node.refuse_by_hash = true;
    EXPECT_THROW(reader.find_missed_block(whole_chain(), headers(13, 13, [](uint64_t) { return true; }), {}),
                 RpcCallError);
}

}  // namespace
}  // namespace tokensync::chain::evm
