#include "modules/module_error.hpp"

namespace tokensync::modules {

std::string_view to_string(ModuleError e) noexcept {
    switch (e) {
        case ModuleError::kUnknownEvent:
            return "no configured event has the log's topic0";
        case ModuleError::kUndecodable:
            return "the log does not decode with its event's ABI";
        case ModuleError::kNoEvent:
            return "decoded log without its ABI event";
        case ModuleError::kBadArguments:
            return "event arguments of the wrong number or types";
        case ModuleError::kBadQuantity:
            return "mint quantity is zero or too large";
        case ModuleError::kTokenIdOverflow:
            return "token ids of the mint overflow 256 bits";
        case ModuleError::kLengthMismatch:
            return "TransferBatch ids and values differ in length";
    }
    return "unknown module error";
}

}  // namespace tokensync::modules
