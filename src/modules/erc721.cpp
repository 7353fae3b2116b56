#include "modules/erc721.hpp"

#include "modules/log_args.hpp"

namespace tokensync::modules {
namespace {

const EventSignature& transfer_event() {
    static const EventSignature event(Erc721::kTransfer, 3);
    return event;
}

}  // namespace

std::expected<void, ModuleError> Erc721::handle(const DecodedLog& log, const View& /*view*/,
                                                store::ChangeSet& out) const {
    if (log.event == nullptr) return std::unexpected(ModuleError::kNoEvent);
    if (!has_signature(log, transfer_event())) return {};
    const auto from = address_arg(log, 0);
    const auto to = address_arg(log, 1);
    const auto token_id = uint_arg(log, 2);
    if (!from || !to || !token_id || log.args.size() != 3) return std::unexpected(ModuleError::kBadArguments);
    out.transfers.push_back({.tx_hash = log.raw.tx_hash,
                             .log_index = log.raw.log_index,
                             .batch_index = 0,
                             .block_number = log.raw.block_number,
                             .block_timestamp = log.block_timestamp,
                             .contract = log.raw.contract,
                             .standard = store::TokenStandard::kErc721,
                             .operator_address = core::Address{},
                             .from = *from,
                             .to = *to,
                             .token_id = *token_id,
                             .amount = 1});
    return {};
}

}  // namespace tokensync::modules
