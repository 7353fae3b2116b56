#include "recovery/contract_reads.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "chain/evm/eth_api.hpp"
#include "chain/evm/rpc_error.hpp"
#include "chain/evm/types.hpp"
#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"

namespace tokensync::recovery::detail {

namespace evm = chain::evm;

ContractReader::ContractReader(const RecoveryTarget& target, const evm::BulkCallOptions& reads)
    : target_{target}, client_{target.rpc}, reads_{reads} {
    if (evm::get_code(client_, target_.contract).empty()) {
        throw ContractNotFoundError(
            fmt::format("ContractNotFoundError: Contract at {} not found on {} (chain id {}): no code at that address; "
                        "check the address and the network",
                        target_.contract.checksum(), target_.chain_name, target_.chain_id));
    }
    // Every read sees the same block, so the counter, authors and owners agree.
    block_ = evm::block_number(client_);
    reads_.block = evm::to_quantity(block_);
    reads_.multicall = resolve_multicall();
}

std::optional<core::Address> ContractReader::resolve_multicall() {
    switch (target_.config.multicall) {
        case infra::MulticallMode::kOff:
            return std::nullopt;
        case infra::MulticallMode::kAddress: {
            const core::Address at = *target_.config.multicall_address;
            if (evm::get_code(client_, at).empty()) {
                throw ContractNotFoundError(
                    fmt::format("ContractNotFoundError: Multicall3 contract at {} (recovery.multicall) not found on {} "
                                "(chain id {}): check the address, or set multicall: auto",
                                at.checksum(), target_.chain_name, target_.chain_id));
            }
            return at;
        }
        case infra::MulticallMode::kAuto:
            break;
    }
    return evm::detect_multicall3(client_);
}

core::Uint256 ContractReader::counter() {
    const core::abi::Function& fn = target_.config.counter_fn;
    const core::Bytes data = *core::abi::encode_call(fn, {});
    const core::Bytes ret = evm::eth_call(client_, target_.contract, data, reads_.block);
    auto values = core::abi::decode_return(fn, ret);
    const core::Uint256* v = values && values->size() == 1 ? (*values)[0].get_if<core::Uint256>() : nullptr;
    if (v == nullptr) {
        throw evm::RpcResponseError(fmt::format("{} on {} returned {} bytes, not a uint", fn.signature(),
                                                target_.contract.checksum(), ret.size()));
    }
    return *v;
}

std::vector<std::expected<core::Address, std::string>> ContractReader::addresses(const core::abi::Function& fn,
                                                                                 std::span<const core::Uint256> ids) {
    std::vector<evm::ContractCall> calls;
    calls.reserve(ids.size());
    for (const auto& id : ids) {
        const core::abi::Value arg{id};
        auto data = core::abi::encode_call(fn, std::span<const core::abi::Value>(&arg, 1));
        if (!data) throw std::logic_error("recovery: cannot encode " + fn.signature());
        calls.push_back({target_.contract, std::move(*data)});
    }
    const std::vector<evm::CallResult> answers = evm::bulk_call(target_.rpc, calls, reads_);
    std::vector<std::expected<core::Address, std::string>> out;
    out.reserve(ids.size());
    for (const evm::CallResult& answer : answers) {
        if (!answer) {
            out.emplace_back(std::unexpected(answer.error()));
            continue;
        }
        auto decoded = core::abi::decode_return(fn, *answer);
        const core::Address* wallet = decoded && decoded->size() == 1 ? (*decoded)[0].get_if<core::Address>() : nullptr;
        if (wallet == nullptr) {
            out.emplace_back(std::unexpected(std::string("the answer is not an address")));
        } else {
            out.emplace_back(*wallet);
        }
    }
    return out;
}

void AuthorBook::ensure_default_author() {
    if (default_wallet_) return;
    const std::string wallet = target_.config.default_author.checksum();
    auto author = store_.find_author(wallet);
    if (!author) {
        throw DefaultAuthorNotFoundError(fmt::format(
            "DefaultAuthorNotFoundError: the default author {} (recovery.default_author) has no author row, so "
            "tokens of unknown authors cannot be attributed; create it with: tokensync authors add --wallet {} "
            "--prompt \"...\"",
            wallet, wallet));
    }
    default_wallet_ = author->wallet;
}

const std::string& AuthorBook::wallet_of(const core::Address& prompt_author) {
    auto it = wallets_.find(prompt_author);
    if (it != wallets_.end()) return it->second;
    std::optional<std::string> stored;
    if (!prompt_author.is_zero()) {
        if (auto author = store_.find_author(prompt_author.lower_hex())) stored = author->wallet;
    }
    if (!stored) {
        ensure_default_author();
        stored = default_wallet_;
    }
    return wallets_.emplace(prompt_author, std::move(*stored)).first->second;
}

std::string connection_message(const RecoveryTarget& target, std::string_view cause) {
    return fmt::format("BlockchainConnectionError: cannot reach chain {} (chain id {}): {}", target.chain_name,
                       target.chain_id, cause);
}

store::Token detected_token(const core::Address& contract, const core::Uint256& id, std::string author, int64_t now) {
    store::Token token;
    token.contract = contract;
    token.token_id = id;
    token.author = std::move(author);
    token.status = store::TokenStatus::kDetected;
    token.block_number = 0;  // found from the contract's state, not from a log
    token.created_at = now;
    token.updated_at = now;
    return token;
}

}  // namespace tokensync::recovery::detail
