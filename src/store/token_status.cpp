#include "store/token_status.hpp"

#include <array>
#include <utility>

namespace tokensync::store {
namespace {

constexpr std::array<std::pair<TokenStatus, std::string_view>, 6> kNames{{
    {TokenStatus::kDetected, "detected"},
    {TokenStatus::kGenerating, "generating"},
    {TokenStatus::kUploading, "uploading"},
    {TokenStatus::kReady, "ready"},
    {TokenStatus::kRevealed, "revealed"},
    {TokenStatus::kFailed, "failed"},
}};

constexpr std::array<TokenStatus, 6> kAll{TokenStatus::kDetected, TokenStatus::kGenerating, TokenStatus::kUploading,
                                          TokenStatus::kReady,    TokenStatus::kRevealed,   TokenStatus::kFailed};

}  // namespace

std::span<const TokenStatus> all_token_statuses() noexcept { return kAll; }

std::string_view to_string(TokenStatus s) noexcept {
    for (const auto& [status, name] : kNames) {
        if (status == s) return name;
    }
    return "unknown";
}

std::optional<TokenStatus> parse_token_status(std::string_view s) noexcept {
    for (const auto& [status, name] : kNames) {
        if (name == s) return status;
    }
    return std::nullopt;
}

}  // namespace tokensync::store
