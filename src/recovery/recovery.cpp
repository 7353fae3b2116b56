#include "recovery/recovery.hpp"

#include <algorithm>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include "chain/evm/eth_api.hpp"
#include "chain/evm/types.hpp"
#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"
#include "infra/log.hpp"

namespace tokensync::recovery {
namespace {

namespace evm = chain::evm;

std::string ids_text(const std::vector<core::Uint256>& ids) {
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : ",") + id.to_decimal();
    return out;
}

class Recovery {
  public:
    Recovery(const RecoveryTarget& target, store::Store& store, const RecoverOptions& options)
        : target_{target}, store_{store}, options_{options}, client_{target.rpc} {}

    RecoveryResult run() {
        if (evm::get_code(client_, target_.contract).empty()) {
            throw ContractNotFoundError(fmt::format(
                "ContractNotFoundError: Contract at {} not found on {} (chain id {}): no code at that address; "
                "check the address and the network",
                target_.contract.checksum(), target_.chain_name, target_.chain_id));
        }
        // Every read sees the same block, so the counter and the authors agree.
        block_ = evm::to_quantity(evm::block_number(client_));
        reads_ = options_.reads;
        reads_.block = block_;
        reads_.multicall = resolve_multicall();
        result_.multicall = reads_.multicall;

        const core::Uint256 end = read_counter();
        const core::Uint256 first(target_.config.first_token_id);
        result_.total_on_chain = end > first ? *end.checked_sub(first) : core::Uint256(0);
        infra::log::debug("recovery.counter", {{"next_token_id", end.to_decimal()},
                                               {"first_token_id", target_.config.first_token_id},
                                               {"block", block_},
                                               {"multicall", reads_.multicall ? reads_.multicall->checksum() : "off"}});

        uint64_t remaining = options_.limit.value_or(UINT64_MAX);
        core::Uint256 cursor = first;
        const std::size_t page_size = std::max<std::size_t>(1, options_.page_size);
        while (remaining > 0 && cursor < end) {
            const auto want = static_cast<std::size_t>(std::min<uint64_t>(remaining, page_size));
            const std::vector<core::Uint256> page =
                store_.missing_token_ids(target_.chain_id, target_.contract, cursor, end, want);
            if (page.empty()) break;
            remaining -= page.size();
            cursor = page.back().wrapping_add(1);
            result_.missing += page.size();
            for (std::size_t i = 0; i < page.size() && result_.first_missing.size() < RecoveryResult::kSampleSize; ++i)
                result_.first_missing.push_back(page[i]);
            infra::log::debug("recovery.missing",
                              {{"count", static_cast<uint64_t>(page.size())}, {"ids", ids_text(page)}});
            ensure_default_author();
            if (!options_.dry_run) recover_page(page);
        }
        return std::move(result_);
    }

  private:
    std::optional<core::Address> resolve_multicall() {
        switch (target_.config.multicall) {
            case infra::MulticallMode::kOff:
                return std::nullopt;
            case infra::MulticallMode::kAddress: {
                const core::Address at = *target_.config.multicall_address;
                if (evm::get_code(client_, at).empty()) {
                    throw ContractNotFoundError(fmt::format(
                        "ContractNotFoundError: Multicall3 contract at {} (recovery.multicall) not found on {} "
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

    core::Uint256 read_counter() {
        const core::abi::Function& fn = target_.config.counter_fn;
        const core::Bytes data = *core::abi::encode_call(fn, {});
        const core::Bytes ret = evm::eth_call(client_, target_.contract, data, block_);
        auto values = core::abi::decode_return(fn, ret);
        const core::Uint256* v = values && values->size() == 1 ? (*values)[0].get_if<core::Uint256>() : nullptr;
        if (v == nullptr) {
            throw evm::RpcResponseError(fmt::format("{} on {} returned {} bytes, not a uint", fn.signature(),
                                                    target_.contract.checksum(), ret.size()));
        }
        return *v;
    }

    void ensure_default_author() {
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

    // The stored wallet of an author, or the default author's.
    const std::string& author_wallet(const core::Address& wallet) {
        auto it = authors_.find(wallet);
        if (it == authors_.end()) {
            std::string stored = *default_wallet_;
            if (!wallet.is_zero()) {
                if (auto author = store_.find_author(wallet.lower_hex())) stored = author->wallet;
            }
            it = authors_.emplace(wallet, std::move(stored)).first;
        }
        return it->second;
    }

    void recover_page(const std::vector<core::Uint256>& ids) {
        const core::abi::Function& fn = target_.config.author_of_fn;
        std::vector<evm::ContractCall> calls;
        calls.reserve(ids.size());
        for (const auto& id : ids) {
            const core::abi::Value arg{id};
            auto data = core::abi::encode_call(fn, std::span<const core::abi::Value>(&arg, 1));
            if (!data) throw std::logic_error("recovery: cannot encode " + fn.signature());
            calls.push_back({target_.contract, std::move(*data)});
        }
        const std::vector<evm::CallResult> answers = evm::bulk_call(target_.rpc, calls, reads_);

        store::ChangeSet changes;
        changes.chain_id = target_.chain_id;
        changes.tokens.reserve(ids.size());
        const auto now = static_cast<int64_t>(std::time(nullptr));
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const core::Address* wallet = nullptr;
            std::vector<core::abi::Value> values;
            if (answers[i]) {
                if (auto decoded = core::abi::decode_return(fn, *answers[i]); decoded && decoded->size() == 1) {
                    values = std::move(*decoded);
                    wallet = values[0].get_if<core::Address>();
                }
            }
            if (wallet == nullptr) {
                const std::string cause = answers[i] ? "the answer is not an address" : answers[i].error();
                infra::log::warn("recovery.token_failed", {{"id", ids[i].to_decimal()}, {"error", cause}});
                result_.failed.push_back(ids[i]);
                continue;
            }
            store::Token token;
            token.contract = target_.contract;
            token.token_id = ids[i];
            token.author = author_wallet(*wallet);
            token.status = store::TokenStatus::kDetected;
            token.block_number = 0;  // found from the contract's state, not from a log
            token.created_at = now;
            token.updated_at = now;
            infra::log::debug(
                "recovery.token_created",
                {{"id", ids[i].to_decimal()}, {"prompt_author", wallet->checksum()}, {"author", *token.author}});
            changes.tokens.push_back(std::move(token));
        }
        if (options_.before_write) options_.before_write(ids);
        if (changes.tokens.empty()) return;
        const store::ApplyResult applied = store_.apply(changes);
        result_.recovered += applied.tokens.inserted;
        result_.duplicates_skipped += applied.tokens.skipped;
        infra::log::debug("recovery.page_written",
                          {{"inserted", applied.tokens.inserted}, {"duplicates_skipped", applied.tokens.skipped}});
    }

    const RecoveryTarget& target_;
    store::Store& store_;
    const RecoverOptions& options_;
    evm::RpcClient client_;
    std::string block_;
    evm::BulkCallOptions reads_;
    std::optional<std::string> default_wallet_;
    std::map<core::Address, std::string> authors_;
    RecoveryResult result_;
};

}  // namespace

RecoveryTarget recovery_target(const infra::Config& config) {
    if (!config.recovery) {
        throw infra::ConfigError("recovery", "missing: add a recovery: section (see docs/recovery.md)");
    }
    const auto contract = std::find_if(config.contracts.begin(), config.contracts.end(),
                                       [&](const auto& c) { return c.name == config.recovery->contract; });
    if (contract == config.contracts.end()) {
        throw infra::ConfigError("recovery.contract", "no contract named \"" + config.recovery->contract + "\"");
    }
    const infra::ChainConfig* chain = config.find_chain(contract->chain);
    if (chain == nullptr) throw infra::ConfigError("contracts", "no chain named \"" + contract->chain + "\"");
    RecoveryTarget target;
    target.chain_id = chain->chain_id;
    target.chain_name = chain->name;
    target.rpc.urls = chain->rpc;
    target.contract = contract->address;
    target.config = *config.recovery;
    return target;
}

RecoveryResult recover(const RecoveryTarget& target, store::Store& store, const RecoverOptions& options) {
    try {
        return Recovery(target, store, options).run();
    } catch (const evm::BlockchainConnectionError& e) {
        throw evm::BlockchainConnectionError(
            fmt::format("BlockchainConnectionError: cannot reach chain {} (chain id {}): {}", target.chain_name,
                        target.chain_id, e.what()));
    }
}

std::string format_ids(const std::vector<core::Uint256>& ids, uint64_t total, std::size_t max_shown) {
    std::string out = "[";
    const std::size_t shown = std::min(ids.size(), max_shown);
    for (std::size_t i = 0; i < shown; ++i)
        out += (i == 0 ? "" : ", ") + ids[i].to_decimal();
    if (total > shown) out += fmt::format("{}... {} more", shown == 0 ? "" : ", ", total - shown);
    return out + "]";
}

}  // namespace tokensync::recovery
