#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace tokensync::store {

// Where a token is in the lifecycle pipeline. The store only records the
// value; the pipeline layer owns the rules for moving between them.
enum class TokenStatus {
    kDetected,
    kGenerating,
    kUploading,
    kReady,
    kRevealed,
    kFailed,
};

// Every status, in lifecycle order.
std::span<const TokenStatus> all_token_statuses() noexcept;

// The spelling stored in the database ("detected", "generating", ...).
std::string_view to_string(TokenStatus s) noexcept;
std::optional<TokenStatus> parse_token_status(std::string_view s) noexcept;

}  // namespace tokensync::store
