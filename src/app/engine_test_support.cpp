#include "app/engine_test_support.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "chain/evm/types.hpp"
#include "core/abi/decode.hpp"
#include "core/abi/parse.hpp"
#include "infra/config_loader.hpp"
#include "infra/env.hpp"
#include "test_util/shared_postgres.hpp"

namespace tokensync::app::testing {
namespace {

namespace json = boost::json;

std::string u256_key(const core::Uint256& v) { return v.to_decimal(); }

core::Address topic_address(const core::Hash32& topic) {
    core::ByteArray<20> b{};
    std::copy(topic.bytes.end() - 20, topic.bytes.end(), b.begin());
    return core::Address(b);
}

}  // namespace

const char* backend_name(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgres"; }

std::string fresh_database(Backend backend, const std::filesystem::path& dir) {
    if (backend == Backend::kPostgres) return test_util::shared_postgres_cluster().create_database();
    static int counter = 0;
    return "sqlite://" + (dir / fmt::format("test{}.db", ++counter)).string();
}

test_util::Devnet::Options quiet_devnet() {
    test_util::Devnet::Options options;
    options.silent = true;
    return options;
}

infra::ChainConfig polled(const infra::ChainConfig& chain, uint64_t interval_ms) {
    infra::ChainConfig out = chain;
    out.ws.reset();
    out.poll_interval_ms = interval_ms;
    return out;
}

test_util::PopulateOptions activity(uint64_t seed, uint64_t logs, std::size_t txns_per_block) {
    test_util::PopulateOptions options;
    options.seed = seed;
    options.target_logs = logs;
    options.txns_per_block = txns_per_block;
    return options;
}

std::string devnet_config_yaml(const test_util::Devnet& devnet, const test_util::TestContracts& contracts,
                               const std::string& database_url, const std::string& extra) {
    return fmt::format(
        "database: \"{}\"\n"
        "chains:\n"
        "  - name: local\n"
        "    chain_id: {}\n"
        "    rpc: {}\n"
        "    ws: ws://127.0.0.1:{}\n"
        "    poll_interval_ms: 100\n"
        "    finality_depth: 64\n"
        "contracts:\n"
        "  - name: nft\n"
        "    chain: local\n"
        "    address: \"{}\"\n"
        "    abi: {}\n"
        "    modules: [token_registry, erc721]\n"
        "  - name: multi\n"
        "    chain: local\n"
        "    address: \"{}\"\n"
        "    abi: {}\n"
        "    modules: [erc1155]\n"
        "{}",
        database_url, devnet.chain_id(), devnet.url(), devnet.port(), contracts.nft.checksum(),
        test_util::Devnet::artifact_path("PromptNFT").string(), contracts.multi_token.checksum(),
        test_util::Devnet::artifact_path("TestMultiToken").string(), extra);
}

infra::Config devnet_config(const test_util::Devnet& devnet, const test_util::TestContracts& contracts,
                            const std::string& database_url, const std::string& extra) {
    return infra::parse_config(devnet_config_yaml(devnet, contracts, database_url, extra), infra::Environment(),
                               std::filesystem::current_path());
}

ChainTruth read_chain(test_util::Devnet& devnet, const test_util::TestContracts& contracts) {
    static const auto single =
        core::abi::parse_event(
            "TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, "
            "uint256 value)")
            .value();
    static const auto batch =
        core::abi::parse_event(
            "TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, "
            "uint256[] values)")
            .value();
    static const auto transfer =
        core::abi::parse_event("Transfer(address indexed from, address indexed to, uint256 indexed tokenId)").value();
    static const auto minted = core::abi::parse_event(
                                   "BatchMinted(address indexed minter, address indexed promptAuthor, uint256 indexed "
                                   "startTokenId, uint256 quantity)")
                                   .value();
    ChainTruth truth;
    truth.head = devnet.block_number();
    std::map<std::pair<std::string, std::string>, core::Uint256> balances;
    auto move = [&](const std::string& id, const core::Address& holder, const core::Uint256& amount, bool add) {
        if (holder.is_zero()) return;
        auto& b = balances[{id, holder.lower_hex()}];
        b = add ? b.checked_add(amount).value() : b.checked_sub(amount).value();
    };
    for (uint64_t n = 0; n <= truth.head; ++n) {
        const json::value block = devnet.rpc("eth_getBlockByNumber", {fmt::format("0x{:x}", n), false});
        const std::string hash(block.at("hash").as_string());
        if (n == truth.head) truth.head_hash = core::Hash32::from_hex(hash).value();
        json::array addresses{json::value(contracts.nft.lower_hex()), json::value(contracts.multi_token.lower_hex())};
        const json::array logs = devnet.get_logs({{"blockHash", hash}, {"address", addresses}});
        for (const json::value& v : logs) {
            const chain::evm::Log log = chain::evm::parse_log(v).value();
            truth.logs.emplace(log.block_number, log.log_index, log.transaction_hash.hex(), log.address.lower_hex());
            if (log.topics.empty()) continue;
            if (log.address == contracts.multi_token && log.topics[0] == single.topic0()) {
                const auto args = core::abi::decode_log(single, log.topics, log.data).value();
                const auto& id = *args[3].get_if<core::Uint256>();
                const auto& value = *args[4].get_if<core::Uint256>();
                move(u256_key(id), topic_address(log.topics[2]), value, false);
                move(u256_key(id), topic_address(log.topics[3]), value, true);
            } else if (log.address == contracts.multi_token && log.topics[0] == batch.topic0()) {
                const auto args = core::abi::decode_log(batch, log.topics, log.data).value();
                const auto& ids = args[3].get_if<core::abi::Array>()->items;
                const auto& values = args[4].get_if<core::abi::Array>()->items;
                for (std::size_t i = 0; i < ids.size(); ++i) {
                    const auto& id = *ids[i].get_if<core::Uint256>();
                    const auto& value = *values[i].get_if<core::Uint256>();
                    move(u256_key(id), topic_address(log.topics[2]), value, false);
                    move(u256_key(id), topic_address(log.topics[3]), value, true);
                }
            } else if (log.address == contracts.nft && log.topics[0] == transfer.topic0() && log.topics.size() == 4) {
                const auto id = core::Uint256::from_be_bytes(log.topics[3].bytes);
                truth.owners[u256_key(id)] = topic_address(log.topics[2]).lower_hex();
            } else if (log.address == contracts.nft && log.topics[0] == minted.topic0()) {
                const auto args = core::abi::decode_log(minted, log.topics, log.data).value();
                truth.minted_tokens += args[3].get_if<core::Uint256>()->low64();
            }
        }
    }
    for (auto& [key, amount] : balances) {
        if (!amount.is_zero()) truth.balances.emplace(key, amount);
    }
    return truth;
}

std::string compare_store(store::Store& store, uint64_t chain_id, const test_util::TestContracts& contracts,
                          const ChainTruth& truth) {
    std::string diff;
    auto note = [&diff](const std::string& s) {
        if (diff.size() < 4000) diff += s + "\n";
    };
    std::set<std::tuple<uint64_t, uint64_t, std::string, std::string>> stored;
    uint64_t duplicates = 0;
    for (const auto& contract : {contracts.nft, contracts.multi_token}) {
        store.scan_raw_events(chain_id, contract, 10'000, [&](const store::RawEvent& e, std::optional<int64_t>) {
            if (!stored.emplace(e.block_number, e.log_index, e.tx_hash.hex(), e.contract.lower_hex()).second)
                ++duplicates;
        });
    }
    if (duplicates > 0) note(fmt::format("{} duplicate stored logs", duplicates));
    for (const auto& l : truth.logs) {
        if (!stored.contains(l)) note(fmt::format("missing log: block {} index {}", std::get<0>(l), std::get<1>(l)));
    }
    for (const auto& l : stored) {
        if (!truth.logs.contains(l)) note(fmt::format("extra log: block {} index {}", std::get<0>(l), std::get<1>(l)));
    }
    std::map<std::pair<std::string, std::string>, core::Uint256> balances;
    store.scan_balances(chain_id, contracts.multi_token, 10'000, [&](const store::BalanceRow& b) {
        balances.emplace(std::pair{u256_key(b.token_id), b.holder.lower_hex()}, b.amount);
    });
    if (balances != truth.balances) {
        note(fmt::format("balances differ: {} stored, {} on chain", balances.size(), truth.balances.size()));
        for (const auto& [k, v] : truth.balances) {
            auto it = balances.find(k);
            if (it == balances.end() || it->second != v)
                note(fmt::format("  id {} holder {}: chain {} store {}", k.first, k.second, v.to_decimal(),
                                 it == balances.end() ? "none" : it->second.to_decimal()));
        }
    }
    std::map<std::string, std::string> owners;
    store.scan_owners(chain_id, contracts.nft, 10'000,
                      [&](const store::OwnerRow& o) { owners.emplace(u256_key(o.token_id), o.owner.lower_hex()); });
    if (owners != truth.owners)
        note(fmt::format("owners differ: {} stored, {} on chain", owners.size(), truth.owners.size()));
    const uint64_t tokens = store.count_tokens(chain_id, contracts.nft);
    if (tokens != truth.minted_tokens) note(fmt::format("tokens: {} stored, {} minted", tokens, truth.minted_tokens));
    return diff;
}

}  // namespace tokensync::app::testing
