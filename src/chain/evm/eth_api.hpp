#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chain/evm/rpc_client.hpp"
#include "chain/evm/types.hpp"
#include "core/address.hpp"
#include "core/bytes.hpp"

namespace tokensync::chain::evm {

// Typed wrappers of the eth_ methods tokensync reads. A result of the wrong
// shape throws RpcResponseError naming the method and field; node errors
// throw RpcCallError (a revert: code 3, with the revert bytes in data).

uint64_t chain_id(RpcClient& client);
uint64_t block_number(RpcClient& client);

// The header of a block by number or by tag ("latest", "finalized"...);
// nullopt when the node does not have it (yet).
std::optional<BlockHeader> get_block(RpcClient& client, uint64_t number);
std::optional<BlockHeader> get_block(RpcClient& client, std::string_view tag);

// Headers of many blocks in JSON-RPC batches, in the order asked; nullopt
// for a block the node does not have. A per-item node error throws
// RpcCallError, a malformed header RpcResponseError.
std::vector<std::optional<BlockHeader>> get_blocks(RpcClient& client, std::span<const uint64_t> numbers);

// The parts of get_blocks, for a batch that also carries other calls: the
// request for one block's header, and the header in its answer (nullopt when
// the node does not have the block; throws as get_blocks does).
Request block_request(uint64_t number);
std::optional<BlockHeader> block_from(const Result& result, uint64_t number);

// eth_call at a block: a QUANTITY string or a tag.
core::Bytes eth_call(RpcClient& client, const core::Address& to, core::ByteView data,
                     std::string_view block = "latest");

// The code deployed at an address (empty when none), via eth_getCode.
core::Bytes get_code(RpcClient& client, const core::Address& address, std::string_view block = "latest");

// The revert bytes of an RpcCallError for a reverted eth_call, if it is one.
std::optional<core::Bytes> revert_data(const RpcError& error);

}  // namespace tokensync::chain::evm
