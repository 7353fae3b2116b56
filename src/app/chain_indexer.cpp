#include "app/chain_indexer.hpp"

#include <fmt/format.h>

#include "infra/log.hpp"
#include "store/store.hpp"

namespace tokensync::app {

ChainIndexer::ChainIndexer(const infra::Config& config, const infra::ChainConfig& chain) {
    if (config.recovery) default_author_ = config.recovery->default_author;
    for (const infra::ContractConfig& c : config.contracts) {
        if (c.chain != chain.name) continue;
        contracts_.push_back(
            std::make_unique<Contract>(Contract{.name = c.name,
                                                .address = c.address,
                                                .start_block = c.start_block,
                                                .decoder = modules::EventDecoder(modules::decoder_events(c)),
                                                .modules = modules::ModuleSet(c.modules)}));
    }
}

chain::evm::LogFilter ChainIndexer::filter() const {
    chain::evm::LogFilter filter;
    for (const auto& c : contracts_)
        filter.addresses.push_back(c->address);
    return filter;
}

const ChainIndexer::Contract* ChainIndexer::find(const core::Address& address) const {
    for (const auto& c : contracts_) {
        if (c->address == address) return c.get();
    }
    return nullptr;
}

void ChainIndexer::refresh(store::Store& store) {
    const std::vector<store::Author> authors = store.list_authors();
    // The default author as stored (its first spelling), once it has a row.
    std::optional<std::string> default_wallet;
    for (const store::Author& a : authors) {
        if (default_author_ && core::Address::from_hex_lenient(a.wallet) == *default_author_) default_wallet = a.wallet;
    }
    view_ = modules::MemoryView(authors, default_wallet);
}

void ChainIndexer::index(std::span<const chain::evm::Log> logs, const sync::BlockTimes& times,
                         store::ChangeSet& out) const {
    modules::reserve_more(out.raw_events, logs.size());
    for (const chain::evm::Log& log : logs) {
        const Contract* contract = find(log.address);
        if (contract == nullptr || log.block_number < contract->start_block) continue;
        const auto time = times.find(log.block_number);
        modules::DecodedLog decoded{.raw = {.tx_hash = log.transaction_hash,
                                            .log_index = log.log_index,
                                            .block_number = log.block_number,
                                            .block_hash = log.block_hash,
                                            .contract = log.address,
                                            .topics = log.topics,
                                            .data = log.data},
                                    .event = nullptr,
                                    .args = {},
                                    .block_timestamp = time == times.end() ? 0 : time->second,
                                    .contract_name = contract->name};
        // Every log is stored raw, whatever its modules make of it; the raw
        // event moves into the batch once they are done with it.
        if (const auto status = contract->decoder.decode_into(decoded); !status) {
            // An event no module reads is only stored raw.
            if (status.error() != modules::ModuleError::kUnknownEvent) {
                ++rejected_;
                infra::log::warn("sync.log_rejected", {{"contract", contract->name},
                                                       {"tx", log.transaction_hash.hex()},
                                                       {"log_index", log.log_index},
                                                       {"reason", modules::to_string(status.error())}});
            }
        } else if (auto handled = contract->modules.handle(decoded, view_, out); !handled) {
            ++rejected_;
            infra::log::warn("sync.log_rejected", {{"contract", contract->name},
                                                   {"tx", log.transaction_hash.hex()},
                                                   {"log_index", log.log_index},
                                                   {"event", decoded.event->name},
                                                   {"reason", modules::to_string(handled.error())}});
        }
        out.raw_events.push_back(std::move(decoded.raw));
    }
}

}  // namespace tokensync::app
