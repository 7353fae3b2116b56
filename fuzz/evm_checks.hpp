#pragma once

// Properties of the typed EVM values (chain/evm/types.hpp) shared by the
// JSON-RPC, typed-parser and webhook fuzz targets: whatever a parser accepted
// must read back identically when written in the node's own format.

#include <boost/json.hpp>

#include "chain/evm/types.hpp"
#include "core/hex.hpp"
#include "fuzz_support.hpp"

namespace tokensync::fuzz {

inline boost::json::value log_to_json(const chain::evm::Log& log) {
    boost::json::array topics;
    for (const auto& t : log.topics)
        topics.emplace_back(t.hex());
    return boost::json::object{
        {"address", log.address.lower_hex()},
        {"topics", std::move(topics)},
        {"data", core::to_hex(log.data)},
        {"blockNumber", chain::evm::to_quantity(log.block_number)},
        {"blockHash", log.block_hash.hex()},
        {"transactionHash", log.transaction_hash.hex()},
        {"transactionIndex", chain::evm::to_quantity(log.transaction_index)},
        {"logIndex", chain::evm::to_quantity(log.log_index)},
        {"removed", log.removed},
    };
}

inline void check_log(const chain::evm::Log& log) {
    require(log.topics.size() <= 4, "a log has at most 4 topics");
    const auto again = chain::evm::parse_log(log_to_json(log));
    require(again.has_value() && *again == log, "a parsed log written as JSON parses back to itself");
}

inline void check_block_header(const chain::evm::BlockHeader& header) {
    boost::json::object json{
        {"number", chain::evm::to_quantity(header.number)},
        {"hash", header.hash.hex()},
        {"parentHash", header.parent_hash.hex()},
        {"timestamp", chain::evm::to_quantity(header.timestamp)},
    };
    if (header.logs_bloom) json["logsBloom"] = header.logs_bloom->hex();
    const auto again = chain::evm::parse_block_header(json);
    require(again.has_value() && again->number == header.number && again->hash == header.hash &&
                again->parent_hash == header.parent_hash && again->timestamp == header.timestamp &&
                again->logs_bloom == header.logs_bloom,
            "a parsed block header written as JSON parses back to itself");
}

inline void check_quantity(uint64_t n) {
    const auto again = chain::evm::parse_quantity(boost::json::value(chain::evm::to_quantity(n)), "n");
    require(again.has_value() && *again == n, "to_quantity then parse_quantity gives the number back");
}

// Runs every typed parser on a node's result, as the typed calls do.
inline void check_typed_parsers(const boost::json::value& v) {
    if (const auto log = chain::evm::parse_log(v)) check_log(*log);
    if (const auto logs = chain::evm::parse_logs(v)) {
        require(v.is_array() && logs->size() == v.get_array().size(), "one log per array item");
        for (std::size_t i = 0; i < logs->size(); ++i) {
            const auto single = chain::evm::parse_log(v.get_array()[i]);
            require(single.has_value() && *single == (*logs)[i], "parse_logs agrees with parse_log");
            check_log((*logs)[i]);
        }
    }
    if (const auto header = chain::evm::parse_block_header(v)) check_block_header(*header);
    if (const auto n = chain::evm::parse_quantity(v, "result")) check_quantity(*n);
}

}  // namespace tokensync::fuzz
