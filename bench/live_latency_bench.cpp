// Live latency: how long from a block being mined on anvil to its rows being
// committed by the follower, with new heads from the WebSocket and from
// polling. Each sample sends an ERC-1155 mint with automine off, then times
// evm_mine (the block exists once it returns, so the figure includes the
// node's own mining time: an upper bound) until the follower reports the
// block processed (its status is set right after the commit).
//
//   live_latency_bench [--blocks N] [--poll-ms P] [--sqlite|--postgres]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/chain_indexer.hpp"
#include "app/engine.hpp"
#include "infra/config_loader.hpp"
#include "infra/env.hpp"
#include "infra/log.hpp"
#include "store/store.hpp"
#include "sync/follower.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/devnet.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace {

using namespace tokensync;
using Clock = std::chrono::steady_clock;

struct Figures {
    double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

Figures summarize(std::vector<double> ms) {
    std::ranges::sort(ms);
    auto at = [&](double q) {
        return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
    };
    return {at(0.5), at(0.9), at(0.99), ms.back()};
}

std::vector<double> measure(bool websocket, uint64_t poll_ms, int blocks, bool postgres) {
    test_util::Devnet::Options devnet_options;
    devnet_options.silent = true;
    test_util::Devnet devnet(devnet_options);
    const auto contracts = devnet.deploy_test_contracts();
    test_util::TempDir dir("tokensync-latency");
    const std::string db = postgres ? test_util::shared_postgres_cluster().create_database()
                                    : "sqlite://" + (dir.path() / "latency.db").string();
    const std::string yaml = fmt::format(
        "database: \"{}\"\nchains:\n  - name: local\n    chain_id: {}\n    rpc: {}\n{}    poll_interval_ms: {}\n"
        "contracts:\n  - name: multi\n    chain: local\n    address: \"{}\"\n    modules: [erc1155]\n",
        db, devnet.chain_id(), devnet.url(), websocket ? fmt::format("    ws: ws://127.0.0.1:{}\n", devnet.port()) : "",
        poll_ms, contracts.multi_token.checksum());
    const infra::Config config = infra::parse_config(yaml, infra::Environment(), dir.path());
    const auto& chain = config.chains.front();
    auto store = store::open_store(config.database);
    store->migrate();
    app::ChainIndexer indexer(config, chain);
    sync::Follower follower(app::chain_target(chain), *store, indexer, app::contract_starts(config, chain),
                            app::follow_options(config, chain));
    auto tracker = app::make_head_tracker(chain);
    std::atomic<bool> stop{false};
    std::thread thread([&] { follower.run(app::tracker_head_waiter(tracker), stop); });
    auto processed = [&] { return follower.status().processed.value_or(0); };
    while (processed() < devnet.block_number())
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    devnet.set_automine(false);
    std::vector<double> samples;
    const auto mint =
        test_util::calldata("mint(address,uint256,uint256)", {test_util::dev_address(1).lower_hex(), "1", "1"});
    for (int i = 0; i < blocks; ++i) {
        devnet.send_async(test_util::dev_address(1), contracts.multi_token, mint, 200'000);
        const uint64_t target = devnet.block_number() + 1;
        // Spread the blocks over the poll interval, so polling shows its average.
        std::this_thread::sleep_for(std::chrono::milliseconds(7 * (i % 13)));
        const auto t0 = Clock::now();
        devnet.mine(1);
        while (processed() < target)
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    stop.store(true);
    tracker->stop();
    thread.join();
    return samples;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Live latency: block mined -> rows committed, WebSocket vs polling"};
    int blocks = 100;
    uint64_t poll_ms = 100;
    bool postgres = false;
    app.add_option("--blocks", blocks, "Blocks per mode")->capture_default_str();
    app.add_option("--poll-ms", poll_ms, "Polling interval of the polling mode")->capture_default_str();
    app.add_flag("--postgres", postgres, "Store in PostgreSQL (default SQLite)");
    CLI11_PARSE(app, argc, argv);
    tokensync::infra::log::init({.format = tokensync::infra::log::Format::kText, .verbose = false});
    fmt::print("| mode | store | blocks | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|\n");
    for (bool websocket : {true, false}) {
        const auto f = summarize(measure(websocket, poll_ms, blocks, postgres));
        fmt::print("| {} | {} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |\n",
                   websocket ? "websocket" : fmt::format("polling every {} ms", poll_ms),
                   postgres ? "postgresql" : "sqlite", blocks, f.p50, f.p90, f.p99, f.max);
    }
    return 0;
}
