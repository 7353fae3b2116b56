#include "modules/erc1155.hpp"

#include <vector>

#include "modules/log_args.hpp"

namespace tokensync::modules {
namespace {

const EventSignature& transfer_single_event() {
    static const EventSignature event(Erc1155::kTransferSingle, 3);
    return event;
}

const EventSignature& transfer_batch_event() {
    static const EventSignature event(Erc1155::kTransferBatch, 3);
    return event;
}

}  // namespace

std::expected<void, ModuleError> Erc1155::handle(const DecodedLog& log, const View& /*view*/,
                                                 store::ChangeSet& out) const {
    if (log.event == nullptr) return std::unexpected(ModuleError::kNoEvent);
    const bool single = has_signature(log, transfer_single_event());
    if (!single && !has_signature(log, transfer_batch_event())) return {};
    const auto operator_address = address_arg(log, 0);
    const auto from = address_arg(log, 1);
    const auto to = address_arg(log, 2);
    std::optional<std::vector<core::Uint256>> ids;
    std::optional<std::vector<core::Uint256>> values;
    if (single) {
        const auto id = uint_arg(log, 3);
        const auto value = uint_arg(log, 4);
        if (id && value) {
            ids = std::vector{*id};
            values = std::vector{*value};
        }
    } else {
        ids = uint_array_arg(log, 3);
        values = uint_array_arg(log, 4);
    }
    if (!operator_address || !from || !to || !ids || !values || log.args.size() != 5) {
        return std::unexpected(ModuleError::kBadArguments);
    }
    if (ids->size() != values->size()) return std::unexpected(ModuleError::kLengthMismatch);

    reserve_more(out.transfers, ids->size());
    for (std::size_t i = 0; i < ids->size(); ++i) {
        out.transfers.push_back({.tx_hash = log.raw.tx_hash,
                                 .log_index = log.raw.log_index,
                                 .batch_index = i,
                                 .block_number = log.raw.block_number,
                                 .block_timestamp = log.block_timestamp,
                                 .contract = log.raw.contract,
                                 .standard = store::TokenStandard::kErc1155,
                                 .operator_address = *operator_address,
                                 .from = *from,
                                 .to = *to,
                                 .token_id = (*ids)[i],
                                 .amount = (*values)[i]});
    }
    return {};
}

}  // namespace tokensync::modules
