// Store::apply on big batches, against each back-end: applying thousands of
// rows in one ChangeSet must store exactly what applying them one row per
// ChangeSet stores (the meaning the write path is defined by), whatever mix
// of mints, moves, burns, out-of-order ERC-721 transfers, repeated keys and
// rows already stored the batch holds.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/sql/connection.hpp"
#include "store/store.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/test_values.hpp"

namespace tokensync::store {
namespace {

using core::Address;
using core::Hash32;
using core::Uint256;

enum class Backend { kSqliteFile, kPostgres };

constexpr ChainId kChain = 31337;
constexpr uint64_t kFirstBlock = 10;
constexpr uint64_t kBlocks = 50;

Hash32 hash(uint8_t tag, uint64_t n) { return test_util::tagged_hash(tag, n); }

Address address(uint8_t tag, uint64_t n) { return test_util::tagged_address(tag, static_cast<uint8_t>(n)); }

const Address kMulti = address(0xc1, 1);  // an ERC-1155 contract
const Address kNft = address(0xc7, 2);    // an ERC-721 contract

Block block(uint64_t n) { return {n, hash(0xb1, n), hash(0xb1, n - 1), static_cast<int64_t>(1'700'000'000 + n)}; }

// A small deterministic generator (numerical recipes' LCG), so a failure
// reproduces.
class Lcg {
  public:
    uint64_t next(uint64_t bound) {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return (state_ >> 33) % bound;
    }

  private:
    uint64_t state_ = 42;
};

// Builds valid batches: it keeps the balances and ERC-721 holders its
// transfers have produced so far, so every move it writes is covered.
class Generator {
  public:
    // Ordered: block numbers follow the list, as on a chain (what a rollback
    // needs); otherwise they are random.
    explicit Generator(bool ordered = false) : ordered_{ordered} {}

    // Appends `count` logs (transfers with their raw events, and mints and
    // token rows for new ERC-721 tokens) to `c`.
    void add(ChangeSet& c, size_t count) {
        for (size_t i = 0; i < count; ++i) {
            switch (rng_.next(4)) {
                case 0:
                case 1:
                    add_multi(c);
                    break;
                case 2:
                    add_nft_mint(c);
                    break;
                default:
                    add_nft_move(c);
                    break;
            }
        }
    }

  private:
    Transfer next_transfer(const Address& contract, TokenStandard standard) {
        uint64_t n = logs_++;
        // Blocks are not in list order: backfill chunks land out of order, and
        // an ERC-721 owner follows the latest transfer by (block, log index).
        uint64_t at = ordered_ ? kFirstBlock + std::min(kBlocks - 1, n / 110) : kFirstBlock + rng_.next(kBlocks);
        return {.tx_hash = hash(0x7a, n),
                .log_index = n,
                .batch_index = 0,
                .block_number = at,
                .block_timestamp = block(at).timestamp,
                .contract = contract,
                .standard = standard,
                .operator_address = {},
                .from = {},
                .to = {},
                .token_id = {},
                .amount = 1};
    }

    void push(ChangeSet& c, const Transfer& t) {
        c.transfers.push_back(t);
        c.raw_events.push_back({.tx_hash = t.tx_hash,
                                .log_index = t.log_index,
                                .block_number = t.block_number,
                                .block_hash = block(t.block_number).hash,
                                .contract = t.contract,
                                .topics = {hash(0xe0, 1), hash(0xe0, t.log_index)},
                                .data = {static_cast<uint8_t>(t.log_index)}});
    }

    void add_multi(ChangeSet& c) {
        Transfer t = next_transfer(kMulti, TokenStandard::kErc1155);
        t.token_id = 1 + rng_.next(8);
        Address holder = address(0xa0, rng_.next(12));
        uint64_t& held = multi_[{t.token_id.to_decimal(), holder.lower_hex()}];
        t.operator_address = holder;
        if (held == 0 || rng_.next(3) == 0) {  // mint
            uint64_t amount = 1 + rng_.next(5);
            t.to = holder;
            t.amount = amount;
            held += amount;
        } else {
            // Move part or all of it (all empties the balance), or burn it.
            uint64_t amount = rng_.next(2) == 0 ? held : 1 + rng_.next(held);
            t.from = holder;
            t.amount = amount;
            held -= amount;
            if (rng_.next(5) != 0) {
                t.to = address(0xa0, rng_.next(12));
                multi_[{t.token_id.to_decimal(), t.to.lower_hex()}] += amount;
            }
        }
        push(c, t);
    }

    void add_nft_mint(ChangeSet& c) {
        Transfer t = next_transfer(kNft, TokenStandard::kErc721);
        t.token_id = 1000 + nft_owner_.size();
        t.to = address(0xa0, rng_.next(12));
        nft_owner_.push_back(t.to);
        push(c, t);
        c.mint_events.push_back({.tx_hash = t.tx_hash,
                                 .log_index = t.log_index,
                                 .block_number = t.block_number,
                                 .contract = kNft,
                                 .token_id = t.token_id,
                                 .minter = t.to,
                                 .author = rng_.next(2) == 0 ? std::optional<std::string>{"0xAuthor"} : std::nullopt});
        // Most token rows come with their mint; some only in a later batch.
        if (rng_.next(4) != 0) {
            c.tokens.push_back({.contract = kNft,
                                .token_id = t.token_id,
                                .author = "0xAuthor",
                                .owner = t.to,
                                .status = TokenStatus::kDetected,
                                .block_number = t.block_number,
                                .created_at = 1,
                                .updated_at = 2});
        } else {
            late_tokens_.push_back(t.token_id);
        }
    }

    void add_nft_move(ChangeSet& c) {
        if (nft_owner_.empty()) return add_nft_mint(c);
        uint64_t index = rng_.next(nft_owner_.size());
        Address& owner = nft_owner_[index];
        if (owner.is_zero()) return add_nft_mint(c);  // burned
        Transfer t = next_transfer(kNft, TokenStandard::kErc721);
        t.token_id = 1000 + index;
        t.from = owner;
        t.to = rng_.next(6) == 0 ? Address{} : address(0xa0, rng_.next(12));
        owner = t.to;
        push(c, t);
    }

  public:
    // Token rows of ERC-721 tokens minted without one so far; a batch that
    // adds them tests that a late row takes the owner its transfers set.
    void add_late_tokens(ChangeSet& c) {
        for (const Uint256& id : late_tokens_) {
            c.tokens.push_back({.contract = kNft,
                                .token_id = id,
                                .author = std::nullopt,
                                .owner = address(0xee, 0),
                                .status = TokenStatus::kReady,
                                .block_number = kFirstBlock,
                                .created_at = 3,
                                .updated_at = 4});
        }
        late_tokens_.clear();
    }

  private:
    bool ordered_;
    Lcg rng_;
    uint64_t logs_ = 0;
    std::map<std::pair<std::string, std::string>, uint64_t> multi_;  // (id, holder) -> balance
    std::vector<Address> nft_owner_;                                 // by token id - 1000; zero once burned
    std::vector<Uint256> late_tokens_;
};

ChangeSet empty_batch() {
    ChangeSet c;
    c.chain_id = kChain;
    for (uint64_t n = kFirstBlock; n < kFirstBlock + kBlocks; ++n)
        c.blocks.push_back(block(n));
    return c;
}

// The batch cut into one ChangeSet per row, in the order apply() writes the
// kinds of rows: the meaning a batch is defined by.
std::vector<ChangeSet> one_row_each(const ChangeSet& big) {
    std::vector<ChangeSet> out;
    auto one = [&](auto member, const auto& row) {
        ChangeSet c;
        c.chain_id = big.chain_id;
        (c.*member).push_back(row);
        out.push_back(std::move(c));
    };
    for (const Block& b : big.blocks)
        one(&ChangeSet::blocks, b);
    for (const RawEvent& e : big.raw_events)
        one(&ChangeSet::raw_events, e);
    for (const Token& t : big.tokens)
        one(&ChangeSet::tokens, t);
    for (const MintEvent& m : big.mint_events)
        one(&ChangeSet::mint_events, m);
    for (const Transfer& t : big.transfers)
        one(&ChangeSet::transfers, t);
    return out;
}

void add_counts(ApplyResult& sum, const ApplyResult& r) {
    auto add = [](RowCounts& a, const RowCounts& b) {
        a.inserted += b.inserted;
        a.updated += b.updated;
        a.skipped += b.skipped;
    };
    add(sum.blocks, r.blocks);
    add(sum.raw_events, r.raw_events);
    add(sum.tokens, r.tokens);
    add(sum.mint_events, r.mint_events);
    add(sum.transfers, r.transfers);
}

// The first `transfers` transfers with their raw events, and the first half
// of the token rows and mints.
ChangeSet prefix(const ChangeSet& c, size_t transfers) {
    ChangeSet out;
    out.chain_id = c.chain_id;
    out.blocks = c.blocks;
    out.transfers.assign(c.transfers.begin(), c.transfers.begin() + static_cast<ptrdiff_t>(transfers));
    out.raw_events.assign(c.raw_events.begin(), c.raw_events.begin() + static_cast<ptrdiff_t>(transfers));
    out.tokens.assign(c.tokens.begin(), c.tokens.begin() + static_cast<ptrdiff_t>(c.tokens.size() / 2));
    out.mint_events.assign(c.mint_events.begin(),
                           c.mint_events.begin() + static_cast<ptrdiff_t>(c.mint_events.size() / 2));
    return out;
}

class BulkApply : public ::testing::TestWithParam<Backend> {
  protected:
    std::string fresh_url() {
        if (GetParam() == Backend::kPostgres) return test_util::shared_postgres_cluster().create_database();
        dirs_.push_back(std::make_unique<test_util::TempDir>("tokensync-bulk"));
        return "sqlite://" + (*dirs_.back() / "store.db").string();
    }

    struct Opened {
        std::string url;
        std::unique_ptr<Store> store;
    };
    Opened fresh_store() {
        Opened o{fresh_url(), nullptr};
        o.store = open_store(o.url);
        o.store->migrate();
        return o;
    }

    // Every indexed table, read whole in key order.
    // Every indexed table, read whole in key order; `tokens_and_heights`
    // false leaves out the tokens table and the height a balance was last
    // moved at.
    static std::map<std::string, std::vector<sql::Row>> dump(const std::string& url, bool tokens_and_heights = true) {
        struct Table {
            std::string_view name;
            std::string_view columns;
            std::string_view key;
        };
        const std::vector<Table> tables = {
            {"blocks", "*", "chain_id, block_number"},
            {"raw_events", "*", "chain_id, tx_hash, log_index"},
            {"tokens", tokens_and_heights ? "*" : "", "chain_id, contract, token_id"},
            {"mint_events", "*", "chain_id, tx_hash, log_index"},
            {"transfers", "*", "chain_id, tx_hash, log_index, batch_index"},
            {"balances", tokens_and_heights ? "*" : "chain_id, contract, token_id, holder, amount",
             "chain_id, contract, token_id, holder"},
            {"owners", "*", "chain_id, contract, token_id"},
        };
        auto conn = sql::open_connection(*parse_database_url(url));
        std::map<std::string, std::vector<sql::Row>> out;
        for (const Table& t : tables) {
            if (t.columns.empty()) continue;
            out[std::string(t.name)] =
                conn->query(fmt::format("SELECT {} FROM {} ORDER BY {}", t.columns, t.name, t.key), {});
        }
        return out;
    }

    static void expect_same_tables(const std::string& got_url, const std::string& want_url,
                                   bool tokens_and_heights = true) {
        auto got = dump(got_url, tokens_and_heights);
        auto want = dump(want_url, tokens_and_heights);
        for (const auto& [table, rows] : want) {
            EXPECT_EQ(got[table].size(), rows.size()) << table;
            EXPECT_TRUE(got[table] == rows) << table << " differs";
        }
    }

    std::vector<std::unique_ptr<test_util::TempDir>> dirs_;
};

// A first batch already stored, then 5,000 logs in one batch that repeats
// some of it and some of its own keys.
struct Scenario {
    ChangeSet first;
    ChangeSet big;
};

Scenario scenario() {
    Generator g;
    Scenario s;
    s.first = empty_batch();
    g.add(s.first, 300);
    s.big = empty_batch();
    // Rows already stored, then the new logs, then a few repeated keys.
    s.big.transfers.assign(s.first.transfers.begin(), s.first.transfers.begin() + 40);
    s.big.raw_events.assign(s.first.raw_events.begin(), s.first.raw_events.begin() + 40);
    g.add_late_tokens(s.big);
    g.add(s.big, 5'000);
    for (size_t i = 100; i < 130; ++i) {
        s.big.transfers.push_back(s.big.transfers[i]);
        s.big.raw_events.push_back(s.big.raw_events[i]);
    }
    g.add_late_tokens(s.big);  // rows for tokens minted earlier in this batch
    return s;
}

TEST_P(BulkApply, BigBatchStoresWhatOneRowAtATimeStores) {
    const Scenario s = scenario();
    ASSERT_GT(s.big.transfers.size(), 5'000u);

    Opened batched = fresh_store();
    batched.store->apply(s.first);
    ApplyResult got = batched.store->apply(s.big);

    Opened rows = fresh_store();
    rows.store->apply(s.first);
    ApplyResult want;
    for (const ChangeSet& c : one_row_each(s.big))
        add_counts(want, rows.store->apply(c));

    EXPECT_EQ(got.blocks, want.blocks);
    EXPECT_EQ(got.raw_events, want.raw_events);
    EXPECT_EQ(got.tokens, want.tokens);
    EXPECT_EQ(got.mint_events, want.mint_events);
    EXPECT_EQ(got.transfers, want.transfers);
    EXPECT_EQ(got.transfers.skipped, 40u + 30u);
    EXPECT_EQ(got.transfers.inserted, s.big.transfers.size() - 70u);
    expect_same_tables(batched.url, rows.url);

    // The state is not trivially empty: balances, burns and late owners.
    auto tables = dump(batched.url);
    EXPECT_GT(tables["balances"].size(), 50u);
    EXPECT_GT(tables["owners"].size(), 100u);
    EXPECT_TRUE(batched.store->apply(s.big).nothing_new());
}

TEST_P(BulkApply, BatchHalfStoredMovesBalancesOnlyForTheNewHalf) {
    const Scenario s = scenario();
    const size_t half = s.big.transfers.size() / 2;

    Opened whole = fresh_store();
    whole.store->apply(s.first);
    ApplyResult once = whole.store->apply(s.big);

    Opened halves = fresh_store();
    halves.store->apply(s.first);
    ApplyResult first_half = halves.store->apply(prefix(s.big, half));
    ApplyResult rest = halves.store->apply(s.big);

    EXPECT_EQ(first_half.transfers.inserted + rest.transfers.inserted, once.transfers.inserted);
    EXPECT_EQ(rest.transfers.skipped, once.transfers.skipped + first_half.transfers.inserted);
    EXPECT_EQ(rest.raw_events.inserted + first_half.raw_events.inserted, once.raw_events.inserted);
    EXPECT_EQ(rest.tokens.inserted + first_half.tokens.inserted, once.tokens.inserted);
    EXPECT_EQ(rest.mint_events.inserted + first_half.mint_events.inserted, once.mint_events.inserted);
    EXPECT_EQ(rest.blocks, (RowCounts{0, 0, kBlocks}));
    EXPECT_GT(first_half.transfers.inserted, 2'000u);
    expect_same_tables(halves.url, whole.url);
}

TEST_P(BulkApply, RollbackOfABigBatchLeavesWhatTheRowsBelowItStore) {
    // Block-ordered logs, as on a chain: undoing everything above a height
    // leaves the rows, balances and owners that the logs up to it store.
    Generator g(/*ordered=*/true);
    ChangeSet big = empty_batch();
    g.add(big, 5'000);
    g.add_late_tokens(big);
    const uint64_t top = kFirstBlock + 20;

    Opened all = fresh_store();
    all.store->apply(big);
    RollbackResult r = all.store->rollback_above(kChain, top);
    EXPECT_GT(r.transfers, 2'000u);
    EXPECT_GT(r.owners, 100u);

    ChangeSet low;
    low.chain_id = kChain;
    for (const Block& b : big.blocks) {
        if (b.number <= top) low.blocks.push_back(b);
    }
    for (const RawEvent& e : big.raw_events) {
        if (e.block_number <= top) low.raw_events.push_back(e);
    }
    for (const MintEvent& m : big.mint_events) {
        if (m.block_number <= top) low.mint_events.push_back(m);
    }
    for (const Transfer& t : big.transfers) {
        if (t.block_number <= top) low.transfers.push_back(t);
    }
    Opened below = fresh_store();
    below.store->apply(low);
    expect_same_tables(all.url, below.url, /*tokens_and_heights=*/false);
    EXPECT_GT(dump(below.url)["owners"].size(), 50u);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::kPostgres ? "Postgres" : "SqliteFile";
}

INSTANTIATE_TEST_SUITE_P(Backends, BulkApply, ::testing::Values(Backend::kSqliteFile, Backend::kPostgres),
                         backend_name);

}  // namespace
}  // namespace tokensync::store
