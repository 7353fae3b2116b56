#include "data/export_kind.hpp"

#include <array>

namespace tokensync::data {
namespace {

// Indexed by the enum values.
constexpr std::array<std::string_view, 5> kWhatNames{"events", "transfers", "owners", "balances", "tokens"};
constexpr std::array<std::string_view, 2> kFormatNames{"csv", "jsonl"};

}  // namespace

std::string_view to_string(ExportWhat what) noexcept { return kWhatNames.at(static_cast<size_t>(what)); }
std::string_view to_string(ExportFormat format) noexcept { return kFormatNames.at(static_cast<size_t>(format)); }

std::optional<ExportWhat> parse_export_what(std::string_view name) noexcept {
    for (size_t i = 0; i < kWhatNames.size(); ++i) {
        if (kWhatNames[i] == name) return static_cast<ExportWhat>(i);
    }
    return std::nullopt;
}

std::optional<ExportFormat> parse_export_format(std::string_view name) noexcept {
    for (size_t i = 0; i < kFormatNames.size(); ++i) {
        if (kFormatNames[i] == name) return static_cast<ExportFormat>(i);
    }
    return std::nullopt;
}

std::span<const std::string_view> export_what_names() noexcept { return kWhatNames; }
std::span<const std::string_view> export_format_names() noexcept { return kFormatNames; }

}  // namespace tokensync::data
