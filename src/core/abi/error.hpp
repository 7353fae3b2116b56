#pragma once

#include <string_view>

namespace tokensync::core::abi {

// Why a type, a human-readable signature or an ABI JSON entry was rejected.
enum class SignatureError {
    kEmpty,            // nothing to parse
    kSyntax,           // unexpected character or token
    kUnknownType,      // not an ABI type name (fixed/ufixed and function are not supported)
    kBadWidth,         // uintN/intN with N not a multiple of 8 in 8..256, bytesN outside 1..32
    kZeroLengthArray,  // T[0]: has no encoding that Solidity accepts
    kEmptyTuple,       // () as a type: zero-sized, Solidity forbids empty structs
    kTooDeep,          // nested beyond kMaxTypeDepth
    kTooLarge,         // static size beyond kMaxStaticSize bytes
    kTooManyIndexed,   // more than 3 indexed parameters (4 for anonymous events)
    kWrongKind,        // an event where a function was expected, or the reverse
    kBadJson,          // not JSON, or not an ABI array / artifact
    kBadJsonEntry,     // an ABI entry with missing or mistyped fields
};

// Why a value could not be encoded.
enum class EncodeError {
    kWrongCount,    // number of values differs from the number of types
    kTypeMismatch,  // the value's kind does not fit the type
    kOutOfRange,    // integer outside intN/uintN, bytesN or T[k] of the wrong length
};

// Why an argument typed as on a command line could not be read as a value.
enum class ArgError {
    kSyntax,       // unbalanced brackets, missing separators, bad quoting
    kBadAddress,   // not 40 hex digits
    kBadNumber,    // not a decimal or 0x-hex integer
    kOutOfRange,   // integer outside intN/uintN
    kBadBool,      // not true/false
    kBadHex,       // bytes that are not 0x + an even number of hex digits
    kWrongLength,  // bytesN, T[k] or a tuple with the wrong number of items
    kWrongCount,   // number of arguments differs from the number of parameters
};

// Why ABI-encoded data or a log could not be decoded.
enum class DecodeError {
    kShortData,        // a read past the end of the data
    kBadOffset,        // an offset that points outside the data
    kLengthOverflow,   // a length larger than the data that follows it
    kDirtyAddress,     // an address word with non-zero high 12 bytes
    kDirtyBool,        // a bool word other than 0 or 1
    kIntOutOfRange,    // a uintN/intN word that is not a zero/sign extension of N bits
    kDirtyFixedBytes,  // a bytesN word with non-zero bytes after the first N
    kTooManyValues,    // overlapping offsets would expand the output far beyond the input
    kWrongTopicCount,  // number of topics differs from the event's indexed parameters
    kTopic0Mismatch,   // topics[0] is not the event's topic0
    kBadSelector,      // call data shorter than 4 bytes or with another selector
};

std::string_view to_string(SignatureError e) noexcept;
std::string_view to_string(EncodeError e) noexcept;
std::string_view to_string(ArgError e) noexcept;
std::string_view to_string(DecodeError e) noexcept;

}  // namespace tokensync::core::abi
