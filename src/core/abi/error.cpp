#include "core/abi/error.hpp"

namespace tokensync::core::abi {

std::string_view to_string(SignatureError e) noexcept {
    switch (e) {
        case SignatureError::kEmpty:
            return "empty signature";
        case SignatureError::kSyntax:
            return "syntax error";
        case SignatureError::kUnknownType:
            return "not an ABI type";
        case SignatureError::kBadWidth:
            return "bad type width";
        case SignatureError::kZeroLengthArray:
            return "zero-length array type";
        case SignatureError::kEmptyTuple:
            return "empty tuple type";
        case SignatureError::kTooDeep:
            return "type nested too deeply";
        case SignatureError::kTooLarge:
            return "type too large";
        case SignatureError::kTooManyIndexed:
            return "too many indexed parameters";
        case SignatureError::kWrongKind:
            return "wrong kind of signature";
        case SignatureError::kBadJson:
            return "not an ABI JSON document";
        case SignatureError::kBadJsonEntry:
            return "malformed ABI JSON entry";
    }
    return "unknown signature error";
}

std::string_view to_string(EncodeError e) noexcept {
    switch (e) {
        case EncodeError::kWrongCount:
            return "wrong number of values";
        case EncodeError::kTypeMismatch:
            return "value does not match type";
        case EncodeError::kOutOfRange:
            return "value out of range for type";
    }
    return "unknown encode error";
}

std::string_view to_string(ArgError e) noexcept {
    switch (e) {
        case ArgError::kSyntax:
            return "syntax error";
        case ArgError::kBadAddress:
            return "invalid address";
        case ArgError::kBadNumber:
            return "invalid number";
        case ArgError::kOutOfRange:
            return "number out of range";
        case ArgError::kBadBool:
            return "invalid boolean";
        case ArgError::kBadHex:
            return "invalid hex bytes";
        case ArgError::kWrongLength:
            return "wrong length";
        case ArgError::kWrongCount:
            return "wrong number of arguments";
    }
    return "unknown argument error";
}

std::string_view to_string(DecodeError e) noexcept {
    switch (e) {
        case DecodeError::kShortData:
            return "data too short";
        case DecodeError::kBadOffset:
            return "offset out of bounds";
        case DecodeError::kLengthOverflow:
            return "length exceeds data";
        case DecodeError::kDirtyAddress:
            return "address with non-zero padding";
        case DecodeError::kDirtyBool:
            return "bool other than 0 or 1";
        case DecodeError::kIntOutOfRange:
            return "integer out of range for its type";
        case DecodeError::kDirtyFixedBytes:
            return "fixed bytes with non-zero padding";
        case DecodeError::kTooManyValues:
            return "overlapping data expands beyond limit";
        case DecodeError::kWrongTopicCount:
            return "wrong number of topics";
        case DecodeError::kTopic0Mismatch:
            return "topic0 does not match the event";
        case DecodeError::kBadSelector:
            return "selector does not match the function";
    }
    return "unknown decode error";
}

}  // namespace tokensync::core::abi
