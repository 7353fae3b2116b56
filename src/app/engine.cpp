#include "app/engine.hpp"

#include <memory>

#include <fmt/format.h>

#include "chain/evm/eth_api.hpp"
#include "infra/did_you_mean.hpp"

namespace tokensync::app {

sync::ChainTarget chain_target(const infra::ChainConfig& chain) {
    sync::ChainTarget target;
    target.chain_id = chain.chain_id;
    target.name = chain.name;
    target.rpc.urls = chain.rpc;
    if (chain.tls_ca_file) target.rpc.http.tls_ca_file = chain.tls_ca_file->string();
    return target;
}

sync::IngestOptions ingest_options(const infra::SyncConfig& sync) {
    sync::IngestOptions options;
    options.workers = sync.workers;
    options.checkpoint_every = sync.checkpoint_every;
    options.batch_logs = sync.batch_logs;
    options.max_span = sync.max_span;
    return options;
}

sync::FollowOptions follow_options(const infra::Config& config, const infra::ChainConfig& chain) {
    sync::FollowOptions options;
    options.ingest = ingest_options(config.sync);
    options.finality_depth = chain.finality_depth;
    return options;
}

std::vector<sync::ContractStart> contract_starts(const infra::Config& config, const infra::ChainConfig& chain) {
    std::vector<sync::ContractStart> out;
    for (const auto& c : config.contracts) {
        if (c.chain == chain.name) out.push_back({c.address, c.start_block});
    }
    return out;
}

int64_t lease_key(uint64_t chain_id) {
    constexpr uint64_t kNamespace = 0x74736cULL << 40;
    return static_cast<int64_t>(kNamespace | (chain_id & ((1ULL << 40) - 1)));
}

std::vector<const infra::ChainConfig*> followed_chains(const infra::Config& config) {
    std::vector<const infra::ChainConfig*> out;
    for (const auto& chain : config.chains) {
        for (const auto& c : config.contracts) {
            if (c.chain == chain.name) {
                out.push_back(&chain);
                break;
            }
        }
    }
    return out;
}

const infra::ChainConfig& pick_chain(const infra::Config& config, std::string_view name) {
    if (!name.empty()) {
        if (const auto* chain = config.find_chain(name)) return *chain;
        std::vector<std::string_view> names;
        names.reserve(config.chains.size());
        for (const auto& c : config.chains)
            names.emplace_back(c.name);
        const auto suggestion = infra::did_you_mean(name, names);
        throw infra::ConfigError(fmt::format("config error: no chain named \"{}\"{}", name,
                                             suggestion ? fmt::format(" (did you mean \"{}\"?)", *suggestion) : ""));
    }
    const auto chains = followed_chains(config);
    if (chains.size() == 1) return *chains.front();
    if (chains.empty())
        throw infra::ConfigError("config error: contracts: no contract to index (add one under contracts:)");
    std::string names;
    for (const auto* c : chains)
        names += (names.empty() ? "" : ", ") + c->name;
    throw infra::ConfigError(
        fmt::format("config error: several chains have contracts ({}): choose one with --chain", names));
}

void check_chain_id(chain::evm::RpcClient& client, const infra::ChainConfig& chain) {
    const uint64_t actual = chain::evm::chain_id(client);
    if (actual != chain.chain_id) {
        throw infra::ConfigError(fmt::format(
            "config error: chains: chain \"{}\" is configured with chain_id {} but its node at {} reports {}: check "
            "the rpc URL",
            chain.name, chain.chain_id, client.authority(client.last_endpoint()), actual));
    }
}

sync::HeadWaiter tracker_head_waiter(const std::shared_ptr<chain::evm::HeadTracker>& tracker) {
    auto last = std::make_shared<std::optional<chain::evm::Head>>();
    return [tracker, last](uint64_t, std::chrono::milliseconds timeout) -> std::optional<uint64_t> {
        auto head = tracker->wait_for_change(*last, timeout);
        if (!head) return std::nullopt;
        *last = head;
        return head->number;
    };
}

std::shared_ptr<chain::evm::HeadTracker> make_head_tracker(const infra::ChainConfig& chain) {
    chain::evm::HeadTrackerOptions options;
    options.rpc = chain_target(chain).rpc;
    options.ws_url = chain.ws;
    if (chain.tls_ca_file) options.ws.tls_ca_file = chain.tls_ca_file->string();
    options.poll_interval = std::chrono::milliseconds(chain.poll_interval_ms);
    auto tracker = std::make_shared<chain::evm::HeadTracker>(options);
    tracker->start();
    return tracker;
}

}  // namespace tokensync::app
