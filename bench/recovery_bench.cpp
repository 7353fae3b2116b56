// Counter-gap recovery speed (docs/performance.md): N missing tokens on a
// devnet, recovered by tokensync (Multicall3 and plain JSON-RPC batches)
// and by the one-call-per-token approach (a serial client: one eth_call per
// missing token over a kept-alive connection, one insert each, measured on
// the first `--serial` ids and scaled), each directly and through a proxy
// that adds a fixed delay to every HTTP round trip, as a remote provider does.
//
//   recovery_bench [--tokens 10000] [--serial 1000] [--latency-ms 20]
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "chain/evm/bulk_call.hpp"
#include "chain/evm/eth_api.hpp"
#include "chain/evm/rpc_client.hpp"
#include "core/abi/decode.hpp"
#include "core/abi/parse.hpp"
#include "infra/log.hpp"
#include "recovery/recovery.hpp"
#include "store/store.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/devnet.hpp"
#include "test_util/fault_proxy.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync {
namespace {

using Clock = std::chrono::steady_clock;

const core::Address kDefault = *core::Address::from_hex("0x00000000000000000000000000000000000d3fa1");

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A fresh SQLite store holding the authors (four known, and the default).
std::unique_ptr<store::Store> fresh_store(const test_util::TempDir& dir, const std::string& name) {
    auto s = store::open_store("sqlite://" + (dir.path() / (name + ".db")).string());
    s->migrate();
    store::ChangeSet c;
    c.chain_id = 31337;
    for (std::size_t i = 1; i <= 4; ++i)
        c.authors.push_back({test_util::dev_address(i).checksum(), "bench", 1});
    c.authors.push_back({kDefault.checksum(), "default", 1});
    s->apply(c);
    return s;
}

recovery::RecoveryTarget target_for(const std::string& url, const core::Address& nft,
                                    std::optional<core::Address> multicall) {
    recovery::RecoveryTarget t;
    t.chain_id = 31337;
    t.chain_name = "bench";
    t.rpc.urls = {url};
    t.contract = nft;
    t.config.counter_fn = *core::abi::parse_function(t.config.counter);
    t.config.author_of_fn = *core::abi::parse_function(t.config.author_of);
    t.config.first_token_id = 1;
    t.config.default_author = kDefault;
    t.config.multicall = multicall ? infra::MulticallMode::kAddress : infra::MulticallMode::kOff;
    t.config.multicall_address = multicall;
    return t;
}

// The approach tokensync replaces: for each missing id, one eth_call and one insert.
double serial_seconds(const std::string& url, const core::Address& nft, store::Store& s, uint64_t count) {
    const auto fn = *core::abi::parse_function("function tokenPromptAuthor(uint256) view returns (address)");
    chain::evm::RpcClientOptions o;
    o.urls = {url};
    chain::evm::RpcClient client(o);
    const auto started = Clock::now();
    for (uint64_t id = 1; id <= count; ++id) {
        const core::Bytes ret =
            chain::evm::eth_call(client, nft, test_util::calldata("tokenPromptAuthor(uint256)", {std::to_string(id)}));
        const auto wallet = core::abi::decode_return(fn, ret)->at(0).get_if<core::Address>();
        auto author = s.find_author(wallet->lower_hex());
        store::ChangeSet c;
        c.chain_id = 31337;
        store::Token t;
        t.contract = nft;
        t.token_id = id;
        t.author = author ? author->wallet : kDefault.checksum();
        t.created_at = t.updated_at = static_cast<int64_t>(std::time(nullptr));
        c.tokens.push_back(t);
        s.apply(c);
    }
    return seconds_since(started);
}

int run(uint64_t tokens, uint64_t serial, int latency_ms) {
    test_util::Devnet::Options devnet_options;
    devnet_options.silent = true;
    test_util::Devnet devnet(devnet_options);
    test_util::TestContractOptions nft_options;
    nft_options.first_token_id = 1;
    const auto contracts = devnet.deploy_test_contracts(nft_options);
    const core::Address multicall = devnet.deploy("TestMulticall");
    // Batches of 1 to 20 tokens, authors among 6 wallets (2 unknown).
    devnet.set_automine(false);
    uint64_t minted = 0;
    for (uint64_t n = 0; minted < tokens;) {
        std::vector<std::string> hashes;
        for (int t = 0; t < 40 && minted < tokens; ++t, ++n) {
            const uint64_t quantity = std::min<uint64_t>(tokens - minted, 1 + (n * 7) % 20);
            hashes.push_back(devnet.send_async(
                test_util::dev_address(1 + n % 8), contracts.nft,
                test_util::calldata("batchMint(address,uint256)",
                                    {test_util::dev_address(1 + n % 6).lower_hex(), std::to_string(quantity)}),
                200'000 + 60'000 * quantity));
            minted += quantity;
        }
        devnet.mine();
        for (const auto& h : hashes)
            devnet.wait_for_receipt(h);
    }
    devnet.set_automine(true);

    test_util::FaultProxy::Options proxy_options;
    proxy_options.upstream = devnet.url();
    proxy_options.slow_delay = std::chrono::milliseconds(latency_ms);
    proxy_options.rates[static_cast<std::size_t>(test_util::Fault::kSlow)] = 1.0;
    test_util::FaultProxy proxy(proxy_options);

    test_util::TempDir dir("tokensync-recovery-bench");
    fmt::print("{} missing tokens; the serial client measured on the first {} and scaled\n\n", tokens, serial);
    fmt::print("| path | approach | seconds | tokens/s |\n|---|---|---|---|\n");
    int db = 0;
    for (const auto& [label, url] :
         {std::pair<std::string, std::string>{"direct", devnet.url()},
          std::pair<std::string, std::string>{fmt::format("+{} ms proxy", latency_ms), proxy.url()}}) {
        double best = 0;
        for (const bool use_multicall : {true, false}) {
            auto s = fresh_store(dir, fmt::format("db{}", ++db));
            const auto started = Clock::now();
            const auto r = recovery::recover(
                target_for(url, contracts.nft, use_multicall ? std::optional(multicall) : std::nullopt), *s);
            const double secs = seconds_since(started);
            if (r.recovered != tokens || !r.failed.empty()) {
                fmt::print(stderr, "recovered {} of {} ({} failed)\n", r.recovered, tokens, r.failed.size());
                return 1;
            }
            if (use_multicall) best = secs;
            fmt::print("| {} | tokensync, {} | {:.3f} | {:.0f} |\n", label,
                       use_multicall ? "Multicall3 (500 calls per eth_call)" : "JSON-RPC batches (250 per batch)", secs,
                       static_cast<double>(tokens) / secs);
        }
        // Where the time goes: the database scan alone (a dry run), the reads alone.
        {
            auto s = fresh_store(dir, fmt::format("db{}", ++db));
            recovery::RecoverOptions dry;
            dry.dry_run = true;
            auto started = Clock::now();
            recovery::recover(target_for(url, contracts.nft, multicall), *s, dry);
            const double scan = seconds_since(started);
            std::vector<chain::evm::ContractCall> calls;
            for (uint64_t id = 1; id <= tokens; ++id)
                calls.push_back(
                    {contracts.nft, test_util::calldata("tokenPromptAuthor(uint256)", {std::to_string(id)})});
            chain::evm::RpcClientOptions rpc;
            rpc.urls = {url};
            chain::evm::BulkCallOptions reads;
            reads.multicall = multicall;
            started = Clock::now();
            chain::evm::bulk_call(rpc, calls, reads);
            const double read = seconds_since(started);
            fmt::print(
                "| {} | parts: checks + counter + scan (dry run) {:.3f} s, author reads (Multicall3) {:.3f} s | "
                "| |\n",
                label, scan, read);
        }
        auto s = fresh_store(dir, fmt::format("db{}", ++db));
        const double part = serial_seconds(url, contracts.nft, *s, serial);
        const double scaled = part * static_cast<double>(tokens) / static_cast<double>(serial);
        fmt::print("| {} | one eth_call + one insert per token ({} measured: {:.3f} s) | {:.3f} | {:.0f} |\n", label,
                   serial, part, scaled, static_cast<double>(tokens) / scaled);
        fmt::print("| {} | ratio serial / tokensync (Multicall3) | {:.1f}x | |\n", label, scaled / best);
    }
    return 0;
}

}  // namespace
}  // namespace tokensync

int main(int argc, char** argv) {
    CLI::App app{"Counter-gap recovery: tokensync vs one eth_call per token"};
    uint64_t tokens = 10'000;
    uint64_t serial = 1'000;
    int latency_ms = 20;
    app.add_option("--tokens", tokens, "Missing tokens to recover");
    app.add_option("--serial", serial, "Ids the serial client recovers (then scaled)");
    app.add_option("--latency-ms", latency_ms, "Delay the proxy adds to every HTTP round trip");
    CLI11_PARSE(app, argc, argv);
    tokensync::infra::log::init({.format = tokensync::infra::log::Format::kText, .verbose = false});
    try {
        return tokensync::run(tokens, serial, latency_ms);
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
}
