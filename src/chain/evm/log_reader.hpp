#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "chain/evm/range_planner.hpp"
#include "chain/evm/rpc_client.hpp"
#include "chain/evm/types.hpp"
#include "core/address.hpp"
#include "core/hash.hpp"

namespace tokensync::chain::evm {

// eth_getLogs filter over an inclusive block range.
struct LogFilter {
    std::vector<core::Address> addresses;  // empty: any contract
    // Up to 4 positions, ANDed; an empty position is a wildcard, several
    // hashes in one position are ORed.
    std::vector<std::vector<core::Hash32>> topics;
    uint64_t from_block = 0;
    uint64_t to_block = 0;
};

// False when the bloom proves that no log of its block matches the filter.
bool may_match(const LogsBloom& bloom, const LogFilter& filter) noexcept;

// Thrown when one block's logs cannot be fetched even by its hash, or the
// node's logs are malformed (the message names the field).
class LogFetchError : public std::runtime_error {
  public:
    explicit LogFetchError(const std::string& message) : std::runtime_error(message) {}
};

// Walks a block range with eth_getLogs, sizing each call with a RangePlanner
// per URL (so a cap learned from one provider does not slow another), and
// falling back to eth_getLogs by blockHash for a single block still too large.
class LogReader {
  public:
    explicit LogReader(RpcClient& client, RangePlanner::Options options = {});

    // Logs in chain order (block, then log index).
    std::vector<Log> get_logs(const LogFilter& filter);

    // The logs of the filter's range and the headers of `blocks` (in that
    // order; nullopt for a block the node does not have). When the planner
    // takes the range in one call, both go in one JSON-RPC batch: one round
    // trip instead of two, which over a network is most of a unit's time.
    // A range the node refuses is read again by get_logs, which splits it.
    struct LogsAndHeaders {
        std::vector<Log> logs;
        std::vector<std::optional<BlockHeader>> headers;
    };
    LogsAndHeaders get_logs_and_blocks(const LogFilter& filter, std::span<const uint64_t> blocks);

    // eth_getLogs over a range can answer without the logs of a block the
    // node has just imported: a load-balanced provider whose log index lags
    // its blocks, or anvil while it applies anvil_reorg. The headers read
    // with the answer show it: a block whose logsBloom admits the filter but
    // that has no log in the answer is read again by its hash (one batch).
    // Returns the first block the answer missed logs of; nullopt when there
    // is none, every such block being a bloom false positive. Headers without
    // a bloom, and nullopt entries, are skipped.
    std::optional<uint64_t> find_missed_block(const LogFilter& filter,
                                              std::span<const std::optional<BlockHeader>> headers,
                                              std::span<const Log> logs);

    const RangePlanner& planner(std::size_t endpoint) const { return planners_.at(endpoint); }
    // eth_getLogs calls made so far, for tests and metrics.
    uint64_t calls() const noexcept { return calls_; }

  private:
    std::vector<Log> fetch(const LogFilter& filter, uint64_t from, uint64_t to);
    std::vector<Log> fetch_by_hash(const LogFilter& filter, uint64_t block, const RpcError& why);

    RpcClient& client_;
    std::vector<RangePlanner> planners_;
    uint64_t calls_ = 0;
};

}  // namespace tokensync::chain::evm
