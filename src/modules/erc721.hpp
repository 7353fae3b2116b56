#pragma once

#include <string_view>

#include "modules/module.hpp"

namespace tokensync::modules {

// ERC-721 transfers: Transfer(address indexed from, address indexed to,
// uint256 indexed tokenId), four topics, becomes one transfer row; the store
// moves the balance and the current owner. ERC-20's Transfer shares topic0
// but has three topics and is ignored, as are logs of other events.
class Erc721 final : public Module {
  public:
    static constexpr std::string_view kTransfer = "Transfer(address,address,uint256)";

    std::string_view name() const noexcept override { return "erc721"; }
    std::expected<void, ModuleError> handle(const DecodedLog& log, const View& view,
                                            store::ChangeSet& out) const override;
};

}  // namespace tokensync::modules
