#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>

#include "chain/evm/log_reader.hpp"
#include "chain/evm/types.hpp"
#include "store/types.hpp"

namespace tokensync::store {
class Store;
}

namespace tokensync::sync {

// Unix timestamps of the blocks a batch of logs came from.
using BlockTimes = std::unordered_map<uint64_t, int64_t>;

// What one chain's followed contracts make of their logs. The engine fetches
// logs and headers and commits; an Indexer (built by the app from the
// config's modules) turns logs into rows. index() is called from several
// worker threads at once and must not change the Indexer; refresh() is
// called only while no index() runs.
class Indexer {
  public:
    virtual ~Indexer() = default;

    // The eth_getLogs filter (addresses and topics) without the block range.
    virtual chain::evm::LogFilter filter() const = 0;
    // Appends the rows implied by `logs` (chain order; each one's block is in
    // `times`) to `out`: raw events and module rows. A log that cannot be
    // handled is reported and kept as a raw event; it never stops the batch.
    virtual void index(std::span<const chain::evm::Log> logs, const BlockTimes& times, store::ChangeSet& out) const = 0;
    // Reloads what handlers look up (authors) from the store.
    virtual void refresh(store::Store& store) { (void)store; }
};

}  // namespace tokensync::sync
