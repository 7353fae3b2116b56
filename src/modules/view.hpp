#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace tokensync::modules {

// What a handler may look up besides the log: a read-only picture of state
// the caller prepared (from the store, the config, or a test).
class View {
  public:
    virtual ~View() = default;
    // The wallet of the author row that matches `wallet` in any case, spelled
    // as stored; nullopt when no author has it.
    virtual std::optional<std::string> find_author_wallet(std::string_view wallet) const = 0;
    // The configured default author, for mints whose prompt author is unknown.
    virtual std::optional<std::string> default_author_wallet() const = 0;
};

// A View over authors held in memory (loaded with Store::list_authors, or
// built by a test).
class MemoryView final : public View {
  public:
    MemoryView() = default;
    MemoryView(const std::vector<store::Author>& authors, std::optional<std::string> default_wallet);

    void add_author(std::string_view wallet);
    void set_default_author(std::optional<std::string> wallet) { default_wallet_ = std::move(wallet); }

    std::optional<std::string> find_author_wallet(std::string_view wallet) const override;
    std::optional<std::string> default_author_wallet() const override { return default_wallet_; }

  private:
    std::map<std::string, std::string, std::less<>> by_lower_;  // lower-case wallet -> stored spelling
    std::optional<std::string> default_wallet_;
};

}  // namespace tokensync::modules
