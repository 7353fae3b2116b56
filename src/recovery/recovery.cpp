#include "recovery/recovery.hpp"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "chain/evm/types.hpp"
#include "infra/log.hpp"
#include "recovery/contract_reads.hpp"

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
        : target_{target}, store_{store}, options_{options}, authors_{target, store} {}

    RecoveryResult run() {
        detail::ContractReader reader(target_, options_.reads);
        result_.multicall = reader.multicall();

        const core::Uint256 end = reader.counter();
        const core::Uint256 first(target_.config.first_token_id);
        result_.total_on_chain = end > first ? *end.checked_sub(first) : core::Uint256(0);
        infra::log::debug("recovery.counter",
                          {{"next_token_id", end.to_decimal()},
                           {"first_token_id", target_.config.first_token_id},
                           {"block", evm::to_quantity(reader.block())},
                           {"multicall", reader.multicall() ? reader.multicall()->checksum() : "off"}});

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
            authors_.ensure_default_author();
            if (options_.dry_run) continue;
            // Another process on the database may be recovering the same
            // ids (docs/service.md, "Running two instances"): read and write
            // only those this one claims; the claim ends once they are written.
            const auto claim = store_.claim_missing_tokens(target_.chain_id, target_.contract, page);
            result_.claimed_elsewhere += page.size() - claim->ids().size();
            if (!claim->ids().empty()) recover_page(reader, claim->ids());
        }
        return std::move(result_);
    }

  private:
    void recover_page(detail::ContractReader& reader, const std::vector<core::Uint256>& ids) {
        const auto wallets = reader.addresses(target_.config.author_of_fn, ids);
        store::ChangeSet changes;
        changes.chain_id = target_.chain_id;
        changes.tokens.reserve(ids.size());
        const auto now = static_cast<int64_t>(std::time(nullptr));
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (!wallets[i]) {
                infra::log::warn("recovery.token_failed", {{"id", ids[i].to_decimal()}, {"error", wallets[i].error()}});
                result_.failed.push_back(ids[i]);
                continue;
            }
            store::Token token = detail::detected_token(target_.contract, ids[i], authors_.wallet_of(*wallets[i]), now);
            infra::log::debug(
                "recovery.token_created",
                {{"id", ids[i].to_decimal()}, {"prompt_author", wallets[i]->checksum()}, {"author", *token.author}});
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
    detail::AuthorBook authors_;
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
    target.erc721 = std::ranges::find(contract->modules, infra::Module::kErc721) != contract->modules.end();
    return target;
}

RecoveryResult recover(const RecoveryTarget& target, store::Store& store, const RecoverOptions& options) {
    return detail::naming_the_chain(target, [&] { return Recovery(target, store, options).run(); });
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
