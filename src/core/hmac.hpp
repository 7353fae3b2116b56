#pragma once

#include <string_view>

#include "core/bytes.hpp"

namespace tokensync::core {

// HMAC-SHA256 (RFC 2104 with SHA-256), as webhook providers sign their
// bodies.
ByteArray<32> hmac_sha256(ByteView key, ByteView message) noexcept;

// True when `signature` is the lower- or upper-case hex HMAC-SHA256 of
// `message` under `key`. The comparison takes the same time wherever the
// first difference is, so a caller cannot learn the signature byte by byte;
// a signature of the wrong length or with a non-hex character is false.
bool hmac_sha256_hex_matches(ByteView key, ByteView message, std::string_view signature) noexcept;

// True when `given` equals the secret `expected` (a bearer token). The time
// taken depends only on expected's length, never on where they differ or on
// given's length.
bool constant_time_equals(std::string_view given, std::string_view expected) noexcept;

}  // namespace tokensync::core
