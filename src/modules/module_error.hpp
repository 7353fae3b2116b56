#pragma once

#include <string_view>

namespace tokensync::modules {

// Why a log could not be turned into changes.
enum class ModuleError {
    kUnknownEvent,     // no configured event of the contract has the log's topic0
    kUndecodable,      // the log does not decode with the event that matched its topic0
    kNoEvent,          // a DecodedLog without its ABI event
    kBadArguments,     // arguments of the wrong number or types for the event the module expects
    kBadQuantity,      // a mint quantity of zero or above kMaxMintQuantity
    kTokenIdOverflow,  // startTokenId + quantity - 1 does not fit in 256 bits
    kLengthMismatch,   // TransferBatch with ids and values of different lengths
};

std::string_view to_string(ModuleError e) noexcept;

}  // namespace tokensync::modules
