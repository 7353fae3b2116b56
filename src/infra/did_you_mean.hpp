#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace tokensync::infra {

// Edit distance: insertions, deletions, substitutions and swaps of two
// adjacent characters each count 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely
// typo (at most 2 edits, and fewer than half the word's length).
std::optional<std::string_view> did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace tokensync::infra
