#pragma once

#include <cstdint>
#include <optional>
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
