#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace tokensync::data {

// What `tokensync export --what` reads.
enum class ExportWhat { kEvents, kTransfers, kOwners, kBalances, kTokens };
// How it is written: RFC 4180 CSV with a header row, or one JSON object per line.
enum class ExportFormat { kCsv, kJsonl };

std::string_view to_string(ExportWhat what) noexcept;
std::string_view to_string(ExportFormat format) noexcept;
std::optional<ExportWhat> parse_export_what(std::string_view name) noexcept;
std::optional<ExportFormat> parse_export_format(std::string_view name) noexcept;

// The accepted names, in the order the help lists them.
std::span<const std::string_view> export_what_names() noexcept;
std::span<const std::string_view> export_format_names() noexcept;

}  // namespace tokensync::data
