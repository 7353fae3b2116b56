#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "chain/evm/bloom.hpp"
#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/hash.hpp"

namespace tokensync::chain::evm {

// Why a node's JSON could not be read as the expected value. `field` names
// the member ("logs[3].topics[1]" style paths are built by the callers).
struct ParseError {
    std::string field;
    std::string reason;
    std::string to_string() const;  // "<field>: <reason>"
};

// QUANTITY: "0x" then 1..16 hex digits (64-bit values are all we need for
// block numbers, indexes and timestamps).
std::expected<uint64_t, ParseError> parse_quantity(const boost::json::value& v, std::string_view field);
std::string to_quantity(uint64_t n);  // "0x0", "0x1f"

// One event log, exactly as eth_getLogs returns it.
struct Log {
    core::Address address;
    std::vector<core::Hash32> topics;  // 0..4
    core::Bytes data;
    uint64_t block_number = 0;
    core::Hash32 block_hash;
    core::Hash32 transaction_hash;
    uint64_t transaction_index = 0;
    uint64_t log_index = 0;
    bool removed = false;  // absent means canonical
    friend bool operator==(const Log&, const Log&) = default;
};

// Strict: every required member present with the right shape, else an error
// naming it. Never throws.
std::expected<Log, ParseError> parse_log(const boost::json::value& v);
std::expected<std::vector<Log>, ParseError> parse_logs(const boost::json::value& v);

struct BlockHeader {
    uint64_t number = 0;
    core::Hash32 hash;
    core::Hash32 parent_hash;
    uint64_t timestamp = 0;
    std::optional<LogsBloom> logs_bloom;  // absent when the node leaves it out
};

std::expected<BlockHeader, ParseError> parse_block_header(const boost::json::value& v);

}  // namespace tokensync::chain::evm
