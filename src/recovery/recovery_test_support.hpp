#pragma once

// The devnet fixture recovery's tests share (recovery_devnet_test,
// audit_devnet_test): a PromptNFT with ids minted in random batches by
// random minters for random prompt authors, a database indexed from it by
// the engine with some of those authors registered, and raw SQL on that
// database to plant drift.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/engine_test_support.hpp"
#include "core/address.hpp"
#include "core/uint256.hpp"
#include "infra/config.hpp"
#include "store/sql/connection.hpp"
#include "store/sql/dialect.hpp"
#include "store/store.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::recovery::testing {

using app::testing::Backend;

// Prompt author number i (0xa7...10ii) and the default author of recovery_yaml.
core::Address author_address(std::size_t i);
core::Address default_author();

struct MintPlan {
    uint64_t tokens = 0;
    uint64_t first_id = 1;    // the PromptNFT's first token id
    std::size_t authors = 1;  // prompt authors picked from at random
    uint64_t seed = 1;
};

// A devnet with the test contracts and TestMulticall, and `tokens` ids
// minted in batches of 1 to 40 by dev accounts 1 to 8, 10 transactions a block.
struct MintedChain {
    std::unique_ptr<test_util::Devnet> devnet;
    test_util::TestContracts contracts;
    core::Address multicall;
    uint64_t first_id = 0;
    std::vector<std::size_t> author_of;  // author_address index of each id, by id - first_id
};
MintedChain mint_chain(const MintPlan& plan);

// The stored wallet a token of `id` is attributed to when authors
// 0..known-1 have rows (add_authors): theirs, else the default author's.
std::string attributed_author(const MintedChain& chain, uint64_t id, std::size_t known);

// The recovery: section for the chain, through `multicall` ("off", "auto" or an address).
std::string recovery_yaml(uint64_t first_id, const std::string& multicall);

// Registers authors 0..known-1 (checksummed) and the default author (lower case).
void add_authors(store::Store& store, store::ChainId chain_id, std::size_t known);

// A fresh database on `backend` with the authors added, indexed by the
// engine up to the devnet's head.
struct IndexedDatabase {
    std::string url;
    infra::Config config;
    std::unique_ptr<store::Store> store;

    store::ChainId chain_id() const { return config.chains.front().chain_id; }
};
IndexedDatabase index_chain(const MintedChain& chain, Backend backend, const std::filesystem::path& dir,
                            std::size_t known_authors, const std::string& multicall = "off");

// Statements straight on the database, behind the store's back (planted
// drift); token ids in the back-end's encoding with u256().
class RawDatabase {
  public:
    explicit RawDatabase(const std::string& url);
    int64_t execute(const std::string& sql, const store::sql::Params& params);
    std::string u256(const core::Uint256& v) const { return dialect_->encode_u256(v); }

  private:
    const store::sql::Dialect* dialect_;
    std::unique_ptr<store::sql::Connection> conn_;
};

}  // namespace tokensync::recovery::testing
