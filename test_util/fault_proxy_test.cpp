// FaultProxy in front of a real anvil: every fault kind reaches
// chain::evm::RpcClient and LogReader and is recovered from, eth_getLogs
// refusals carry hints that really fit the caps, and with every fault on at
// once several readers still get exactly the logs anvil returns directly.
#include "test_util/fault_proxy.hpp"

#include <array>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "chain/evm/eth_api.hpp"
#include "chain/evm/log_reader.hpp"
#include "chain/evm/range_planner.hpp"
#include "chain/evm/rpc_client.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::test_util {
namespace {

using namespace std::chrono_literals;
using chain::evm::Log;
using chain::evm::LogFilter;
using chain::evm::LogReader;
using chain::evm::RpcClient;
using chain::evm::RpcClientOptions;

constexpr uint64_t kMintTxns = 24;

const std::array<Fault, kFaultKinds> kAllFaults = {
    Fault::kRateLimit,         Fault::kHttp500,        Fault::kHttp502, Fault::kHttp503,
    Fault::kCloseBeforeAnswer, Fault::kCloseMidAnswer, Fault::kSlow,    Fault::kTruncatedJson,
};

// A proxy in front of a node, and a client of it (1 s per request) that
// records the waits it asks for instead of sleeping them.
struct Rig {
    explicit Rig(const FaultProxy::Options& options, unsigned max_attempts = 4)
        : proxy(options), rpc(client_options(proxy.url(), max_attempts)) {}

    RpcClientOptions client_options(const std::string& url, unsigned max_attempts) {
        RpcClientOptions o;
        o.urls = {url};
        o.http.request_timeout = 1s;
        o.backoff = {100ms, 1'000ms, max_attempts};
        o.seed = 3;
        o.sleep = [this](std::chrono::milliseconds d) {
            std::lock_guard lock(mutex);
            waits.push_back(d);
        };
        return o;
    }
    std::size_t sleeps() {
        std::lock_guard lock(mutex);
        return waits.size();
    }

    std::mutex mutex;
    std::vector<std::chrono::milliseconds> waits;
    FaultProxy proxy;
    RpcClient rpc;
};

class FaultProxyTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        Devnet::Options options;
        options.silent = true;
        shared_devnet = std::make_unique<Devnet>(options);
        shared_contracts = shared_devnet->deploy_test_contracts();
        // One block per transaction, holding 2 to 5 logs (BatchMinted and one Transfer per token).
        for (uint64_t i = 0; i < kMintTxns; ++i) {
            shared_devnet->send(
                dev_address(1), shared_contracts.nft,
                calldata("batchMint(address,uint256)", {dev_address(2).lower_hex(), std::to_string(i % 4 + 1)}));
        }
        head = shared_devnet->block_number();
        auto logs = chain::evm::parse_logs(raw_logs(0, head));
        if (!logs) throw std::runtime_error(logs.error().to_string());
        expected = std::move(*logs);
    }
    static void TearDownTestSuite() { shared_devnet.reset(); }

    static boost::json::array raw_logs(uint64_t from, uint64_t to) {
        return shared_devnet->get_logs({{"fromBlock", fmt::format("0x{:x}", from)},
                                        {"toBlock", fmt::format("0x{:x}", to)},
                                        {"address", shared_contracts.nft.lower_hex()}});
    }

    static FaultProxy::Options proxy_options() {
        FaultProxy::Options options;
        options.upstream = shared_devnet->url();
        return options;
    }

    static LogFilter whole_chain() { return LogFilter{{shared_contracts.nft}, {}, 0, head}; }

    static inline std::unique_ptr<Devnet> shared_devnet;
    static inline TestContracts shared_contracts;
    static inline uint64_t head = 0;
    static inline std::vector<Log> expected;
};

TEST_F(FaultProxyTest, PassesRequestsThroughWhenNoFaultIsOn) {
    Rig rig(proxy_options());
    EXPECT_EQ(chain::evm::block_number(rig.rpc), head);
    LogReader reader(rig.rpc);
    EXPECT_EQ(reader.get_logs(whole_chain()), expected);
    const auto counters = rig.proxy.counters();
    EXPECT_EQ(counters.requests, 2u);
    EXPECT_EQ(counters.forwarded, 2u);
    EXPECT_EQ(counters.faults(), 0u);
    EXPECT_EQ(rig.sleeps(), 0u);
    EXPECT_EQ(rig.proxy.connections_accepted(), 1);  // kept alive
    EXPECT_GE(expected.size(), kMintTxns * 2);
}

// A lagging log index: range answers lack the two newest blocks' logs. The
// headers' logsBloom (anvil's own) and a read by hash show what is missing.
TEST_F(FaultProxyTest, LaggingLogsLeaveOutTheNewestBlocksWhichTheirBloomsReveal) {
    auto options = proxy_options();
    options.lagging_logs = 1.0;
    Rig rig(options);
    LogReader reader(rig.rpc);
    const auto logs = reader.get_logs(whole_chain());
    std::vector<Log> older;
    for (const auto& log : expected) {
        if (log.block_number + 1 < head) older.push_back(log);
    }
    ASSERT_LT(older.size(), expected.size());
    EXPECT_EQ(logs, older);
    EXPECT_EQ(rig.proxy.counters().lagged_answers, 1u);
    EXPECT_EQ(rig.proxy.counters().lagged_logs, expected.size() - older.size());

    const std::vector<uint64_t> numbers{head - 2, head - 1, head};
    const auto headers = chain::evm::get_blocks(rig.rpc, numbers);
    for (const auto& h : headers)
        ASSERT_TRUE(h && h->logs_bloom);
    EXPECT_EQ(reader.find_missed_block(whole_chain(), headers, logs), head - 1);
    EXPECT_EQ(reader.find_missed_block(whole_chain(), headers, expected), std::nullopt);
    // Every log anvil returns is in its block's bloom.
    for (const auto& log : expected) {
        const auto h = chain::evm::get_block(rig.rpc, log.block_number);
        ASSERT_TRUE(h && h->logs_bloom);
        EXPECT_TRUE(h->logs_bloom->may_contain(core::ByteView{log.address.bytes()}));
        for (const auto& topic : log.topics)
            EXPECT_TRUE(h->logs_bloom->may_contain(core::ByteView{topic.bytes}));
    }
}

TEST_F(FaultProxyTest, EachFaultReachesRpcClientWhichRetries) {
    for (const Fault fault : kAllFaults) {
        SCOPED_TRACE(fault_name(fault));
        auto options = proxy_options();
        options.slow_delay = 1'500ms;  // beyond the client's 1 s request timeout
        Rig rig(options);              // a fresh connection: a dropped one is not silently resent
        rig.proxy.force(fault);
        EXPECT_EQ(chain::evm::block_number(rig.rpc), head);
        const auto counters = rig.proxy.counters();
        EXPECT_EQ(counters.of(fault), 1u);
        EXPECT_EQ(counters.faults(), 1u);
        EXPECT_EQ(counters.requests, 2u);
        ASSERT_EQ(rig.sleeps(), 1u);  // one failure seen, one retry
        if (fault == Fault::kRateLimit) {
            // Retry-After: 1, less the time already gone; the back-off alone is at most 100 ms here.
            EXPECT_GT(rig.waits[0], 500ms);
            EXPECT_LE(rig.waits[0], 1'000ms);
        }
        // The slow request is forwarded only after the client gave up on it, whenever that is.
        if (fault != Fault::kSlow) {
            const bool answer_lost = fault == Fault::kCloseMidAnswer || fault == Fault::kTruncatedJson;
            EXPECT_EQ(counters.forwarded, answer_lost ? 2u : 1u);
        }
    }
}

TEST_F(FaultProxyTest, EachFaultIsRecoveredFromByLogReader) {
    for (const Fault fault : kAllFaults) {
        SCOPED_TRACE(fault_name(fault));
        auto options = proxy_options();
        options.slow_delay = 1'500ms;
        options.retry_after_seconds = 0;
        options.max_log_span = 8;
        Rig rig(options, 5);
        rig.proxy.force(fault, 2);
        LogReader reader(rig.rpc, {.max_span = 1'000, .grow_after = 2});
        EXPECT_EQ(reader.get_logs(whole_chain()), expected);
        const auto counters = rig.proxy.counters();
        EXPECT_EQ(counters.of(fault), 2u);
        EXPECT_EQ(counters.faults(), 2u);
        EXPECT_GE(rig.sleeps(), 2u);
        EXPECT_GE(counters.range_refusals, 1u);
    }
}

TEST_F(FaultProxyTest, BatchesAreForwardedWholeAndFailWhole) {
    Rig rig(proxy_options());
    rig.proxy.force(Fault::kHttp503);
    const auto results = rig.rpc.batch({{"eth_blockNumber", {}}, {"eth_chainId", {}}});
    ASSERT_EQ(results.size(), 2u);
    ASSERT_TRUE(results[0].has_value()) << results[0].error().to_string();
    ASSERT_TRUE(results[1].has_value()) << results[1].error().to_string();
    EXPECT_EQ(parse_quantity(results[0].value()), head);
    EXPECT_EQ(parse_quantity(results[1].value()), shared_devnet->chain_id());
    const auto counters = rig.proxy.counters();
    EXPECT_EQ(counters.requests, 2u);  // the whole batch failed once, then passed once
    EXPECT_EQ(counters.forwarded, 1u);
    EXPECT_EQ(counters.of(Fault::kHttp503), 1u);
}

// eth_getLogs over [from, to] on the NFT contract, through the proxy.
boost::json::value get_logs(RpcClient& rpc, uint64_t from, uint64_t to, const core::Address& address) {
    return rpc.call("eth_getLogs", {boost::json::object{{"fromBlock", fmt::format("0x{:x}", from)},
                                                        {"toBlock", fmt::format("0x{:x}", to)},
                                                        {"address", address.lower_hex()}}});
}

// The error the proxy refuses that call with.
chain::evm::RpcError refusal(RpcClient& rpc, uint64_t from, uint64_t to, const core::Address& address) {
    try {
        get_logs(rpc, from, to, address);
    } catch (const chain::evm::RpcCallError& e) {
        return e.error();
    }
    ADD_FAILURE() << "eth_getLogs was not refused";
    return {};
}

TEST_F(FaultProxyTest, RangeRefusalsWithAHintThatFitsBothCaps) {
    auto options = proxy_options();
    options.max_log_span = 5;
    options.max_logs = 7;
    options.range_error = RangeErrorStyle::kHint;
    Rig rig(options);
    const auto error = refusal(rig.rpc, 0, head, shared_contracts.nft);
    EXPECT_EQ(error.code, -32602);
    EXPECT_TRUE(error.message.starts_with("Log response size exceeded.")) << error.message;
    const auto advice = chain::evm::parse_range_error(error.message);
    ASSERT_TRUE(advice) << error.message;
    ASSERT_EQ(advice->kind, chain::evm::RangeAdvice::Kind::kRange) << error.message;
    EXPECT_EQ(advice->from, 0u);
    EXPECT_LE(advice->to - advice->from + 1, 5u);
    EXPECT_LE(raw_logs(advice->from, advice->to).size(), 7u);

    // Where the span is fine but the logs are too many, the hint cuts by logs, and that range is served.
    const uint64_t first_mint = head - kMintTxns + 1;
    const auto by_logs =
        chain::evm::parse_range_error(refusal(rig.rpc, first_mint, first_mint + 4, shared_contracts.nft).message);
    ASSERT_TRUE(by_logs);
    EXPECT_LT(by_logs->to, first_mint + 4);
    EXPECT_LE(raw_logs(by_logs->from, by_logs->to).size(), 7u);
    EXPECT_EQ(get_logs(rig.rpc, by_logs->from, by_logs->to, shared_contracts.nft).as_array(),
              raw_logs(by_logs->from, by_logs->to));
    EXPECT_EQ(rig.proxy.counters().range_refusals, 2u);

    LogReader reader(rig.rpc, {.max_span = 1'000, .grow_after = 2});
    EXPECT_EQ(reader.get_logs(whole_chain()), expected);
    EXPECT_GT(rig.proxy.counters().range_refusals, 2u);
    EXPECT_EQ(rig.sleeps(), 0u);  // refusals are not retried, they are split
}

// Providers check each call of a batch: a batch's eth_getLogs range calls
// are refused or lagged as they would be alone, and its other calls answered.
TEST_F(FaultProxyTest, TheCallsOfABatchAreCheckedOneByOne) {
    auto options = proxy_options();
    options.max_log_span = 5;
    Rig rig(options);
    LogReader reader(rig.rpc, {.max_span = 1'000, .grow_after = 1'000});
    LogFilter filter = whole_chain();
    const std::vector<uint64_t> blocks{0, head};
    const auto both = reader.get_logs_and_blocks(filter, blocks);
    EXPECT_EQ(both.logs, expected);
    ASSERT_EQ(both.headers.size(), 2u);
    ASSERT_TRUE(both.headers[1].has_value());
    EXPECT_EQ(both.headers[1]->number, head);
    EXPECT_EQ(rig.proxy.counters().range_refusals, 1u);  // the batch's range, then calls of 5 blocks
    EXPECT_EQ(reader.planner(0).span(), 5u);

    rig.proxy.set_log_limits(std::nullopt, std::nullopt);
    rig.proxy.set_lagging_logs(1.0);
    LogReader lagged(rig.rpc);
    const auto newest = lagged.get_logs_and_blocks(filter, blocks);
    EXPECT_EQ(rig.proxy.counters().lagged_answers, 1u);
    EXPECT_LT(newest.logs.size(), expected.size());
    ASSERT_TRUE(newest.headers[1].has_value());
    EXPECT_EQ(newest.headers[1]->number, head);
}

TEST_F(FaultProxyTest, RangeRefusalsWithoutAHintAreHalved) {
    auto options = proxy_options();
    options.max_logs = 6;
    options.range_error = RangeErrorStyle::kNoHint;
    Rig rig(options);
    const auto error = refusal(rig.rpc, 0, head, shared_contracts.nft);
    EXPECT_EQ(error.code, -32005);
    EXPECT_EQ(error.message, "query returned more than 6 results");
    const auto advice = chain::evm::parse_range_error(error.message);
    ASSERT_TRUE(advice);
    EXPECT_EQ(advice->kind, chain::evm::RangeAdvice::Kind::kHalve);

    LogReader reader(rig.rpc, {.max_span = 1'000, .grow_after = 2});
    EXPECT_EQ(reader.get_logs(whole_chain()), expected);
    EXPECT_GT(rig.proxy.counters().range_refusals, 1u);
    EXPECT_GT(reader.calls(), expected.size() / 6);
    EXPECT_EQ(rig.sleeps(), 0u);

    const auto refusals = rig.proxy.counters().range_refusals;
    rig.proxy.set_log_limits(std::nullopt, std::nullopt);
    EXPECT_EQ(get_logs(rig.rpc, 0, head, shared_contracts.nft).as_array(), raw_logs(0, head));
    EXPECT_EQ(rig.proxy.counters().range_refusals, refusals);
}

TEST_F(FaultProxyTest, EveryFaultAtARateStillGivesExactlyTheLogs) {
    auto options = proxy_options();
    options.seed = 42;
    options.slow_delay = 50ms;
    options.retry_after_seconds = 0;
    options.max_log_span = 6;
    options.max_logs = 9;
    FaultProxy proxy(options);
    proxy.set_rates(0.03);  // about one request in four fails

    constexpr std::size_t kThreads = 4;
    constexpr std::size_t kRounds = 3;
    std::vector<std::vector<std::vector<Log>>> results(kThreads);
    std::vector<std::string> errors(kThreads);
    {
        std::vector<std::jthread> threads;
        for (std::size_t t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                try {
                    RpcClientOptions o;
                    o.urls = {proxy.url()};
                    o.backoff = {1ms, 10ms, 12};
                    o.seed = t;
                    RpcClient rpc(std::move(o));
                    for (std::size_t round = 0; round < kRounds; ++round) {
                        LogReader reader(rpc, {.max_span = 1'000, .grow_after = 2});
                        results[t].push_back(reader.get_logs(whole_chain()));
                    }
                } catch (const std::exception& e) {
                    errors[t] = e.what();
                }
            });
        }
    }
    for (std::size_t t = 0; t < kThreads; ++t) {
        EXPECT_EQ(errors[t], "") << "thread " << t;
        ASSERT_EQ(results[t].size(), kRounds) << "thread " << t;
        for (const auto& logs : results[t])
            EXPECT_EQ(logs, expected) << "thread " << t;
    }
    const auto counters = proxy.counters();
    std::string faults;
    for (const Fault fault : kAllFaults)
        faults += fmt::format(" {}={}", fault_name(fault), counters.of(fault));
    std::cout << fmt::format("requests={} forwarded={} refusals={} peak_in_flight={} faults:{}\n", counters.requests,
                             counters.forwarded, counters.range_refusals, counters.peak_in_flight, faults);
    for (const Fault fault : kAllFaults)
        EXPECT_GE(counters.of(fault), 1u) << fault_name(fault);  // the draws are seeded: the same every run
    EXPECT_GE(counters.peak_in_flight, 2u);
    EXPECT_GT(counters.range_refusals, 0u);
    EXPECT_GT(counters.forwarded, counters.requests / 2);
}

TEST_F(FaultProxyTest, ANodeThatDoesNotAnswerIsA502) {
    auto options = proxy_options();
    options.upstream = fmt::format("http://127.0.0.1:{}", free_port());  // nothing listens there
    Rig rig(options, 2);
    try {
        chain::evm::block_number(rig.rpc);
        ADD_FAILURE() << "no exception";
    } catch (const chain::evm::BlockchainConnectionError& e) {
        EXPECT_NE(std::string(e.what()).find("HTTP 502"), std::string::npos) << e.what();
    }
    EXPECT_EQ(rig.proxy.counters().upstream_failures, 2u);
    EXPECT_EQ(rig.proxy.counters().faults(), 0u);
}

TEST_F(FaultProxyTest, StopEndsSlowRequestsAndLaterCallsAreRefused) {
    auto options = proxy_options();
    options.slow_delay = 60s;
    FaultProxy proxy(options);
    proxy.force(Fault::kSlow);
    std::string outcome;
    std::jthread caller([&] {
        RpcClientOptions o;
        o.urls = {proxy.url()};
        o.http.request_timeout = 120s;
        o.backoff.max_attempts = 1;
        RpcClient rpc(std::move(o));
        try {
            rpc.call("eth_blockNumber");
            outcome = "answered";
        } catch (const chain::evm::BlockchainConnectionError&) {
            outcome = "failed";
        }
    });
    while (proxy.counters().requests == 0)
        std::this_thread::sleep_for(10ms);
    const auto start = std::chrono::steady_clock::now();
    proxy.stop();
    caller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_EQ(outcome, "failed");  // the slow request was ended, not forwarded
    EXPECT_EQ(proxy.counters().forwarded, 0u);
    RpcClientOptions o;
    o.urls = {proxy.url()};
    o.backoff.max_attempts = 1;
    RpcClient rpc(std::move(o));
    EXPECT_THROW(chain::evm::block_number(rpc), chain::evm::BlockchainConnectionError);
    proxy.stop();  // idempotent
}

}  // namespace
}  // namespace tokensync::test_util
