#include "modules/view.hpp"

#include <algorithm>
#include <cctype>

namespace tokensync::modules {
namespace {

// ASCII only, like SQL lower() on the hex wallets the store keeps.
std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

MemoryView::MemoryView(const std::vector<store::Author>& authors, std::optional<std::string> default_wallet)
    : default_wallet_{std::move(default_wallet)} {
    for (const store::Author& a : authors)
        add_author(a.wallet);
}

void MemoryView::add_author(std::string_view wallet) {
    by_lower_.try_emplace(lower(wallet), wallet);  // the first spelling stays, as in the store
}

std::optional<std::string> MemoryView::find_author_wallet(std::string_view wallet) const {
    auto it = by_lower_.find(lower(wallet));
    if (it == by_lower_.end()) return std::nullopt;
    return it->second;
}

}  // namespace tokensync::modules
