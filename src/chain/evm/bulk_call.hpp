#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chain/evm/rpc_client.hpp"
#include "core/address.hpp"
#include "core/bytes.hpp"

namespace tokensync::chain::evm {

// Many read-only contract calls at once (docs/recovery.md): eth_call items
// in JSON-RPC batches, or, when a Multicall3 contract is given, its
// aggregate3 with hundreds of calls per eth_call, the batches of either sent
// by a few clients in parallel. One call failing (a revert, a node error for
// that item) fails that item only.

// Where Multicall3 is deployed on most chains (same address everywhere).
inline constexpr std::string_view kMulticall3Address = "0xcA11bde05977b3631167028862bE2a173976CA11";

struct ContractCall {
    core::Address to;
    core::Bytes data;  // selector + arguments
};

// The return data, or why this call failed (a sentence, no secrets).
using CallResult = std::expected<core::Bytes, std::string>;

struct BulkCallOptions {
    std::size_t calls_per_batch = 250;       // eth_call items per JSON-RPC batch (no Multicall3)
    std::optional<core::Address> multicall;  // aggregate3 through this contract when set
    std::size_t calls_per_multicall = 500;   // calls per aggregate3
    std::size_t multicalls_per_batch = 4;    // aggregate3 eth_calls per JSON-RPC batch
    std::size_t concurrency = 4;             // JSON-RPC batches in flight, one client each
    std::string block = "latest";            // block (QUANTITY or tag) every call reads
};

// Results in the order of `calls`. Throws BlockchainConnectionError when a
// batch cannot be sent within the retry budget (the first such error, after
// every worker has stopped).
std::vector<CallResult> bulk_call(const RpcClientOptions& rpc, std::span<const ContractCall> calls,
                                  const BulkCallOptions& options = {});

// The canonical Multicall3 address when it has code on the chain, else nullopt.
std::optional<core::Address> detect_multicall3(RpcClient& client);

}  // namespace tokensync::chain::evm
