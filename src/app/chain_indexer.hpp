#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "infra/config.hpp"
#include "modules/event_decoder.hpp"
#include "modules/registry.hpp"
#include "modules/view.hpp"
#include "sync/indexer.hpp"

namespace tokensync::app {

// The Indexer of one chain built from the config: every contract of the
// chain with its events (configured ABI plus its modules' standard events)
// and its modules. Every log of a followed contract is kept as a raw event;
// the modules add their rows for the ones they know. Logs below a
// contract's start_block are ignored.
class ChainIndexer final : public sync::Indexer {
  public:
    ChainIndexer(const infra::Config& config, const infra::ChainConfig& chain);

    chain::evm::LogFilter filter() const override;
    void index(std::span<const chain::evm::Log> logs, const sync::BlockTimes& times,
               store::ChangeSet& out) const override;
    void refresh(store::Store& store) override;

    // Logs that matched an event but did not decode or that a module refused
    // (they are kept as raw events only).
    uint64_t rejected() const noexcept { return rejected_.load(); }
    std::size_t contract_count() const noexcept { return contracts_.size(); }

  private:
    struct Contract {
        std::string name;
        core::Address address;
        uint64_t start_block = 0;
        modules::EventDecoder decoder;
        modules::ModuleSet modules;
    };
    const Contract* find(const core::Address& address) const;

    std::vector<std::unique_ptr<Contract>> contracts_;
    modules::MemoryView view_;
    std::optional<core::Address> default_author_;  // recovery.default_author: takes unknown wallets' tokens
    mutable std::atomic<uint64_t> rejected_{0};
};

}  // namespace tokensync::app
