// Alchemy Notify webhook bodies (chain/evm/alchemy_webhook.hpp). The HMAC
// check comes first, but a signed body is still whatever Alchemy (or a bug
// in its output) sends, so the parser must hold against any bytes.
//
// Properties: never throws, problems are a ParseError naming a field; an
// accepted delivery has an id; a custom (GRAPHQL) delivery has its block and
// every log carries that block's number and hash; an address-activity
// delivery has no block of its own; every log reads back identically from
// the eth_getLogs format.

#include <cstddef>
#include <cstdint>

#include "chain/evm/alchemy_webhook.hpp"
#include "evm_checks.hpp"
#include "fuzz_support.hpp"

namespace evm = tokensync::chain::evm;
using tokensync::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const auto delivery = evm::parse_alchemy_webhook(tokensync::fuzz::as_text({data, size}));
    if (!delivery) {
        require(!delivery.error().field.empty() && !delivery.error().reason.empty(),
                "a problem names its field and reason");
        return 0;
    }
    require(!delivery->id.empty(), "a delivery has an id");
    if (delivery->kind == evm::WebhookDelivery::Kind::kCustom) {
        require(delivery->block_number.has_value() && delivery->block_hash.has_value(),
                "a custom delivery has its block");
        for (const auto& log : delivery->logs) {
            require(log.block_number == *delivery->block_number && log.block_hash == *delivery->block_hash,
                    "a custom delivery's logs are in its block");
        }
    } else {
        require(!delivery->block_number && !delivery->block_hash && !delivery->block_timestamp,
                "an address-activity delivery has no block of its own");
    }
    for (const auto& log : delivery->logs)
        tokensync::fuzz::check_log(log);
    return 0;
}
