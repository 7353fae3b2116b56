#pragma once

#include <cstdint>
#include <string_view>

#include "modules/module.hpp"

namespace tokensync::modules {

// Mints of prompt-attributed collections:
//   BatchMinted(address indexed minter, address indexed promptAuthor,
//               uint256 indexed startTokenId, uint256 quantity)
// becomes one mint-event row and `quantity` token rows (ids startTokenId..,
// status detected, owned by the minter) attributed to the prompt author's
// wallet when the View knows it in any case, else to the default author
// (none when no default is configured).
class TokenRegistry final : public Module {
  public:
    // A log is untrusted input: a quantity of 2^200 must be refused, not
    // allocated. Real batch mints are far smaller.
    static constexpr uint64_t kMaxMintQuantity = 10'000;
    static constexpr std::string_view kBatchMinted = "BatchMinted(address,address,uint256,uint256)";

    std::string_view name() const noexcept override { return "token_registry"; }
    std::expected<void, ModuleError> handle(const DecodedLog& log, const View& view,
                                            store::ChangeSet& out) const override;
};

}  // namespace tokensync::modules
