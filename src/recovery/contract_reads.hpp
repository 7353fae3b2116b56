#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chain/evm/bulk_call.hpp"
#include "chain/evm/rpc_client.hpp"
#include "chain/evm/rpc_error.hpp"
#include "core/abi/signature.hpp"
#include "core/address.hpp"
#include "core/uint256.hpp"
#include "recovery/recovery.hpp"
#include "store/store.hpp"
#include "store/types.hpp"

// What recovery and the audit share: the contract read at one pinned block
// (its code checked, Multicall3 resolved, reads in bulk), and the mapping of
// a prompt author's wallet to the stored author the token registry uses.
namespace tokensync::recovery::detail {

class ContractReader {
  public:
    // Throws ContractNotFoundError when the contract (or a configured
    // Multicall3) has no code; pins the current block for every later read.
    ContractReader(const RecoveryTarget& target, const chain::evm::BulkCallOptions& reads);

    uint64_t block() const noexcept { return block_; }
    const std::optional<core::Address>& multicall() const noexcept { return reads_.multicall; }

    // The counter (recovery.counter); throws RpcResponseError when the answer is not a uint.
    core::Uint256 counter();
    // `fn(id)` for every id, which must return one address: the address, or
    // why that id's call failed. Results in the order of `ids`.
    std::vector<std::expected<core::Address, std::string>> addresses(const core::abi::Function& fn,
                                                                     std::span<const core::Uint256> ids);

  private:
    std::optional<core::Address> resolve_multicall();

    const RecoveryTarget& target_;
    chain::evm::RpcClient client_;
    chain::evm::BulkCallOptions reads_;
    uint64_t block_ = 0;
};

// The stored wallet each prompt author is attributed to: its authors row
// (any case), else the default author's row; the zero address goes to the
// default author. Lookups are cached for the book's life.
class AuthorBook {
  public:
    AuthorBook(const RecoveryTarget& target, store::Store& store) : target_{target}, store_{store} {}

    // Throws DefaultAuthorNotFoundError (with the command that fixes it)
    // when the default author has no row.
    void ensure_default_author();
    const std::string& wallet_of(const core::Address& prompt_author);

  private:
    const RecoveryTarget& target_;
    store::Store& store_;
    std::optional<std::string> default_wallet_;
    std::map<core::Address, std::string> wallets_;
};

// Runs `body`, naming the chain in a BlockchainConnectionError it throws
// ("BlockchainConnectionError: cannot reach chain <name> (chain id N): ...").
std::string connection_message(const RecoveryTarget& target, std::string_view cause);
template <class F>
auto naming_the_chain(const RecoveryTarget& target, F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const chain::evm::BlockchainConnectionError& e) {
        throw chain::evm::BlockchainConnectionError(connection_message(target, e.what()));
    }
}

// A row found from the contract's state rather than a log: status detected, block 0.
store::Token detected_token(const core::Address& contract, const core::Uint256& id, std::string author, int64_t now);

}  // namespace tokensync::recovery::detail
