#pragma once

#include <string_view>

#include "modules/module.hpp"

namespace tokensync::modules {

// ERC-1155 transfers: TransferSingle(operator, from, to, id, value) becomes
// one transfer row; TransferBatch(operator, from, to, ids[], values[]) one
// row per id, numbered by batch_index. Mints come from and burns go to the
// zero address; the store keeps the balances per holder and token id.
class Erc1155 final : public Module {
  public:
    static constexpr std::string_view kTransferSingle = "TransferSingle(address,address,address,uint256,uint256)";
    static constexpr std::string_view kTransferBatch = "TransferBatch(address,address,address,uint256[],uint256[])";

    std::string_view name() const noexcept override { return "erc1155"; }
    std::expected<void, ModuleError> handle(const DecodedLog& log, const View& view,
                                            store::ChangeSet& out) const override;
};

}  // namespace tokensync::modules
