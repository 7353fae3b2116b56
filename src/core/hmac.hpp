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

}  // namespace tokensync::core
