#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/evm/types.hpp"

namespace tokensync::chain::evm {

// One Alchemy Notify delivery, reduced to what an indexer needs: its id (to
// deduplicate retried deliveries) and the event logs it carries, as
// eth_getLogs would have returned them. PROTOCOLS.md §4 has the shapes.
struct WebhookDelivery {
    enum class Kind { kCustom, kAddressActivity };

    Kind kind = Kind::kCustom;
    std::string id;          // "whevt_..."; the same for every retry of one delivery
    std::string webhook_id;  // "wh_..."
    std::string network;     // "ETH_MAINNET", "BASE_SEPOLIA", ...
    std::vector<Log> logs;   // in payload order; removed == true for a log taken out by a reorg
    // Custom (GraphQL) webhooks describe one block; its timestamp comes with it.
    std::optional<uint64_t> block_number;
    std::optional<core::Hash32> block_hash;
    std::optional<uint64_t> block_timestamp;
    std::size_t ignored_activities = 0;  // Address Activity entries without a log (plain ETH transfers)
};

// Reads a delivery's body. Checks everything it uses and names the first
// problem ("event.data.block.logs[2].transaction.hash: missing ..."); never
// throws, whatever the body. The signature must have been checked before.
std::expected<WebhookDelivery, ParseError> parse_alchemy_webhook(std::string_view body);

}  // namespace tokensync::chain::evm
