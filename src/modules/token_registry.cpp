#include "modules/token_registry.hpp"

#include <optional>
#include <string>

#include "modules/log_args.hpp"

namespace tokensync::modules {
namespace {

const EventSignature& batch_minted_event() {
    static const EventSignature event(TokenRegistry::kBatchMinted, 3);
    return event;
}

}  // namespace

std::expected<void, ModuleError> TokenRegistry::handle(const DecodedLog& log, const View& view,
                                                       store::ChangeSet& out) const {
    if (log.event == nullptr) return std::unexpected(ModuleError::kNoEvent);
    if (!has_signature(log, batch_minted_event())) return {};
    const auto minter = address_arg(log, 0);
    const auto prompt_author = address_arg(log, 1);
    const auto start = uint_arg(log, 2);
    const auto quantity = uint_arg(log, 3);
    if (!minter || !prompt_author || !start || !quantity || log.args.size() != 4) {
        return std::unexpected(ModuleError::kBadArguments);
    }
    if (quantity->is_zero() || !quantity->fits_u64() || quantity->low64() > kMaxMintQuantity) {
        return std::unexpected(ModuleError::kBadQuantity);
    }
    const uint64_t count = quantity->low64();
    if (!start->checked_add(count - 1)) return std::unexpected(ModuleError::kTokenIdOverflow);

    std::optional<std::string> author = view.find_author_wallet(prompt_author->lower_hex());
    if (!author) author = view.default_author_wallet();

    out.mint_events.push_back({.tx_hash = log.raw.tx_hash,
                               .log_index = log.raw.log_index,
                               .block_number = log.raw.block_number,
                               .contract = log.raw.contract,
                               .token_id = *start,
                               .minter = *minter,
                               .author = author});
    reserve_more(out.tokens, count);
    core::Uint256 id = *start;
    for (uint64_t i = 0; i < count; ++i, id = id.wrapping_add(1)) {
        out.tokens.push_back({.contract = log.raw.contract,
                              .token_id = id,
                              .author = author,
                              .owner = *minter,
                              .status = store::TokenStatus::kDetected,
                              .block_number = log.raw.block_number,
                              .created_at = log.block_timestamp,
                              .updated_at = log.block_timestamp});
    }
    return {};
}

}  // namespace tokensync::modules
