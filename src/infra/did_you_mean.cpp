#include "infra/did_you_mean.hpp"

#include <algorithm>
#include <vector>

namespace tokensync::infra {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: Levenshtein plus swaps of adjacent letters,
    // the most common typo ("rcp" for "rpc").
    const std::size_t width = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * width);
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
    for (std::size_t i = 0; i <= a.size(); ++i)
        at(i, 0) = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        at(0, j) = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
            }
        }
    }
    return at(a.size(), b.size());
}

std::optional<std::string_view> did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    constexpr std::size_t kMaxEdits = 2;
    std::optional<std::string_view> best;
    std::size_t best_distance = kMaxEdits + 1;
    for (const auto candidate : candidates) {
        const std::size_t d = edit_distance(word, candidate);
        if (d < best_distance && d * 2 < std::max(word.size(), candidate.size())) {
            best = candidate;
            best_distance = d;
        }
    }
    return best;
}

}  // namespace tokensync::infra
