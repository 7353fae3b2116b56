#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/address.hpp"

namespace tokensync::bench {

struct RawLogsOptions {
    std::string url;                       // the node's JSON-RPC endpoint
    std::vector<core::Address> addresses;  // eth_getLogs address filter
    uint64_t from = 0;
    uint64_t to = 0;
    std::size_t workers = 4;  // threads, one HTTP connection each
    uint64_t span = 1;        // blocks per eth_getLogs call
};

struct RawLogsResult {
    uint64_t logs = 0;
    uint64_t calls = 0;
    double seconds = 0;
    double logs_per_second() const { return seconds > 0 ? static_cast<double>(logs) / seconds : 0; }
};

// The ceiling of a backfill from this node: workers take block ranges from a
// shared counter, call eth_getLogs, parse each answer with Boost.JSON and
// count the logs; nothing is decoded or stored. Throws on any error answer.
RawLogsResult read_raw_logs(const RawLogsOptions& options);

}  // namespace tokensync::bench
