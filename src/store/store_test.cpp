// The store behaviour suite: every case runs against each back-end (a SQLite
// file and a throwaway PostgreSQL cluster), some with a restart in the middle.
#include "store/store.hpp"

#include <algorithm>
#include <cctype>
#include <latch>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "store/migrations.hpp"
#include "store/sql/connection.hpp"
#include "test_util/postgres.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/test_values.hpp"

namespace tokensync::store {
namespace {

using core::Address;
using core::Hash32;
using core::Uint256;
using test_util::PostgresCluster;
using test_util::TempDir;

// One cluster for the whole binary, started by the first PostgreSQL case.
class PostgresEnvironment : public ::testing::Environment {
  public:
    static PostgresCluster& cluster() {
        if (!shared_cluster) {
            shared_cluster = std::make_unique<PostgresCluster>();
            shared_cluster->start();
        }
        return *shared_cluster;
    }
    void TearDown() override { shared_cluster.reset(); }

  private:
    static inline std::unique_ptr<PostgresCluster> shared_cluster;
};
[[maybe_unused]] ::testing::Environment* const kPostgresEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

enum class Backend { kSqliteFile, kPostgres };

constexpr ChainId kChain = 31337;

Hash32 hash(uint8_t tag, uint64_t n) { return test_util::tagged_hash(tag, n); }

Address address(uint8_t n) { return test_util::tagged_address(0xa0, n); }

const Address kContract = address(1);
const Address kAlice = address(0xa1);
const Address kBob = address(0xb0);
const Address kZero{};

Uint256 u256(std::string_view decimal) { return *Uint256::from_decimal(decimal); }
const Uint256 kTwoTo64 = u256("18446744073709551616");
const Uint256 kMax = u256("115792089237316195423570985008687907853269984665640564039457584007913129639935");

Block block(uint64_t n) { return {n, hash(0xb1, n), hash(0xb1, n - 1), static_cast<int64_t>(1'700'000'000 + n)}; }

// Its owner is what the ERC-721 owners table says: none here.
Token token(const Uint256& id, uint64_t at_block) {
    return {.contract = kContract,
            .token_id = id,
            .author = "0xAuthor",
            .owner = kZero,
            .status = TokenStatus::kDetected,
            .block_number = at_block,
            .created_at = 100,
            .updated_at = 200};
}

Transfer transfer(uint64_t at_block, uint64_t log_index, const Address& from, const Address& to, const Uint256& id,
                  const Uint256& amount, TokenStandard standard = TokenStandard::kErc1155) {
    return {.tx_hash = hash(0x7a, at_block),
            .log_index = log_index,
            .batch_index = 0,
            .block_number = at_block,
            .block_timestamp = block(at_block).timestamp,
            .contract = kContract,
            .standard = standard,
            .operator_address = from,
            .from = from,
            .to = to,
            .token_id = id,
            .amount = amount};
}

RawEvent raw_event(uint64_t at_block, uint64_t log_index) {
    return {.tx_hash = hash(0x7a, at_block),
            .log_index = log_index,
            .block_number = at_block,
            .block_hash = block(at_block).hash,
            .contract = kContract,
            .topics = {hash(0xe0, 1), hash(0xe0, 2)},
            .data = {0xde, 0xad}};
}

// A batch that touches every table, for block n.
ChangeSet full_batch(uint64_t n) {
    ChangeSet c;
    c.chain_id = kChain;
    c.blocks = {block(n)};
    c.raw_events = {raw_event(n, 0), raw_event(n, 1)};
    c.authors = {{"0xAuthor", "a prompt", 50}};
    c.tokens = {token(n, n)};
    c.mint_events = {{.tx_hash = hash(0x7a, n),
                      .log_index = 0,
                      .block_number = n,
                      .contract = kContract,
                      .token_id = n,
                      .minter = kAlice,
                      .author = "0xAuthor"}};
    c.transfers = {transfer(n, 1, kZero, kAlice, n, 5)};
    c.cursors = {{kContract, n, block(n).hash}};
    return c;
}

// Opens one store per thread on `url`, releases both threads into `body`
// together, and returns what each threw ("" when nothing).
std::array<std::string, 2> race_two_stores(const std::string& url, const std::function<void(Store&, int)>& body) {
    std::latch go(2);
    std::array<std::string, 2> errors;
    auto run = [&](int i) {
        bool released = false;
        try {
            auto store = open_store(url);
            released = true;
            go.arrive_and_wait();
            body(*store, i);
        } catch (const std::exception& e) {
            if (!released) go.count_down();
            errors[static_cast<size_t>(i)] = e.what();
        }
    };
    std::thread a(run, 0);
    std::thread b(run, 1);
    a.join();
    b.join();
    return errors;
}

class StoreBehaviour : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        url_ = fresh_url();
        store_ = open_store(url_);
        store_->migrate();
    }

    // An empty, never migrated database of the back-end under test.
    std::string fresh_url() {
        if (GetParam() == Backend::kPostgres) return PostgresEnvironment::cluster().create_database();
        dirs_.push_back(std::make_unique<TempDir>("tokensync-store"));
        return "sqlite://" + (*dirs_.back() / "store.db").string();
    }

    // Closes the store and opens it again from the same URL.
    void restart() {
        store_.reset();
        store_ = open_store(url_);
    }

    std::unique_ptr<sql::Connection> raw_connection() { return sql::open_connection(*parse_database_url(url_)); }

    std::vector<std::unique_ptr<TempDir>> dirs_;
    std::string url_;
    std::unique_ptr<Store> store_;
};

const int kLatest = builtin_migrations().back().version;

// ---- migrations ----

TEST_P(StoreBehaviour, FreshDatabaseMigratesToLatestThenIsIdempotent) {
    auto store = open_store(fresh_url());
    EXPECT_EQ(store->schema_version(), 0);
    MigrationResult first = store->migrate();
    EXPECT_EQ(first.applied, static_cast<int>(builtin_migrations().size()));
    EXPECT_EQ(first.version, kLatest);
    EXPECT_EQ(store->schema_version(), kLatest);
    MigrationResult second = store->migrate();
    EXPECT_EQ(second.applied, 0);
    EXPECT_EQ(second.version, kLatest);
    EXPECT_EQ(store->backend(), GetParam() == Backend::kPostgres ? "postgresql" : "sqlite");
    EXPECT_NO_THROW(store->ping());
}

TEST_P(StoreBehaviour, TwoConcurrentMigratorsApplyEachStepOnce) {
    const std::string url = fresh_url();
    for (int round = 0; round < 3; ++round) {
        std::string target = round == 0 ? url : fresh_url();
        MigrationResult results[2];
        auto errors = race_two_stores(target, [&](Store& store, int i) { results[i] = store.migrate(); });
        EXPECT_EQ(errors[0], "");
        EXPECT_EQ(errors[1], "");
        EXPECT_EQ(results[0].applied + results[1].applied, static_cast<int>(builtin_migrations().size()));
        EXPECT_EQ(results[0].version, kLatest);
        EXPECT_EQ(results[1].version, kLatest);
    }
}

TEST_P(StoreBehaviour, LaterMigrationsApplyOnlyTheNewStepAndFailAtomically) {
    auto conn = raw_connection();
    const auto& dialect = sql::dialect_for(parse_database_url(url_)->kind);
    std::vector<Migration> list(builtin_migrations().begin(), builtin_migrations().end());
    list.push_back({kLatest + 1, "extra table", "CREATE TABLE extra_one (n BIGINT NOT NULL)"});
    MigrationResult r = run_migrations(*conn, dialect, list);
    EXPECT_EQ(r.applied, 1);
    EXPECT_EQ(r.version, kLatest + 1);

    // A step whose second statement fails leaves neither its first statement
    // nor its version behind.
    auto broken = list;
    broken.push_back({kLatest + 2, "broken", "CREATE TABLE extra_two (n BIGINT); CREATE TABLE extra_one (n BIGINT)"});
    try {
        run_migrations(*conn, dialect, broken);
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find(fmt::format("migration {} (broken) failed", kLatest + 2)),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(read_schema_version(*conn, dialect), kLatest + 1);
    auto exists = conn->query(std::string(dialect.table_exists), {std::string("extra_two")});
    EXPECT_EQ(exists.at(0).at(0), "0");

    // Versions must follow each other.
    auto gap = list;
    gap.push_back({kLatest + 3, "gap", "SELECT 1"});
    EXPECT_THROW(run_migrations(*conn, dialect, gap), StoreError);
    EXPECT_EQ(read_schema_version(*conn, dialect), kLatest + 1);
}

// Migration 4: no table's chain_id is checked against chains any more
// (Store::apply writes the chain row first in its transaction, and the check
// cost a look-up per inserted row). A row of a chain with no chains row is
// accepted by the database itself on both back-ends.
TEST_P(StoreBehaviour, ChainReferencesAreNotCheckedPerRow) {
    auto conn = raw_connection();
    conn->execute(
        "INSERT INTO blocks (chain_id, block_number, block_hash, parent_hash, block_time) VALUES (?, ?, ?, ?, ?)",
        {int64_t{424242}, int64_t{1}, std::string("0xaa"), std::string("0xbb"), int64_t{0}});
    EXPECT_EQ(conn->query("SELECT count(*) FROM blocks WHERE chain_id = 424242", {}).at(0).at(0), "1");
    if (GetParam() == Backend::kPostgres) {
        EXPECT_EQ(conn->query("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                              " AND confrelid = 'chains'::regclass",
                              {})
                      .at(0)
                      .at(0),
                  "0");
    }
}

// secondary_indexes() lists exactly the non-unique secondary indexes the
// migrations leave (a migration that adds one must list it, or bulk loads
// would keep maintaining it), and a bulk load's drop and build round-trip.
TEST_P(StoreBehaviour, SecondaryIndexesDropAndBuildAgain) {
    auto conn = raw_connection();
    const std::string sql = GetParam() == Backend::kPostgres
                                ? "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                                  " AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%' ORDER BY 1"
                                : "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                                  " AND sql NOT LIKE 'CREATE UNIQUE INDEX%' ORDER BY 1";
    std::vector<std::string> in_database;
    for (const auto& row : conn->query(sql, {}))
        in_database.push_back(*row.at(0));
    std::vector<std::string> listed;
    for (const SecondaryIndex& index : secondary_indexes())
        listed.emplace_back(index.name);
    std::sort(listed.begin(), listed.end());
    EXPECT_EQ(in_database, listed);
    EXPECT_TRUE(store_->missing_secondary_indexes().empty());

    EXPECT_FALSE(store_->has_indexed_rows());
    store_->drop_secondary_indexes();
    store_->drop_secondary_indexes();  // idempotent
    std::vector<std::string> all = listed;
    auto missing = store_->missing_secondary_indexes();
    std::sort(missing.begin(), missing.end());
    EXPECT_EQ(missing, all);
    EXPECT_TRUE(conn->query(sql, {}).empty());

    // Writes and reads work without them.
    store_->apply(full_batch(7));
    EXPECT_TRUE(store_->has_indexed_rows());
    EXPECT_EQ(store_->get_balance(kChain, kContract, Uint256(7), kAlice), Uint256(5));
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 1U);

    // migrate() builds what a killed load left missing.
    restart();
    store_->migrate();
    EXPECT_TRUE(store_->missing_secondary_indexes().empty());
    store_->build_secondary_indexes();  // idempotent
    EXPECT_EQ(conn->query(sql, {}).size(), listed.size());
    if (GetParam() == Backend::kPostgres) {
        // Statistics for the planner, right after the load.
        EXPECT_NE(*conn->query("SELECT count(*) FROM pg_stats WHERE tablename = 'tokens'", {}).at(0).at(0), "0");
    }
}

// A database written by a build that stopped at version 2 (before the
// compact layout) keeps its rows through migration 3: every read returns
// them, a replay of the batch that wrote them is a no-op, and rollback works
// on the rebuilt tables. Its ERC-721 balance rows go (the owners table now
// answers for them); ERC-1155 balances stay.
TEST_P(StoreBehaviour, VersionTwoDatabaseUpgradesInPlaceWithItsRows) {
    const std::string url = fresh_url();
    const auto& dialect = sql::dialect_for(parse_database_url(url)->kind);
    auto conn = sql::open_connection(*parse_database_url(url));
    ASSERT_EQ(run_migrations(*conn, dialect, builtin_migrations().first(2)).version, 2);

    const int64_t chain = static_cast<int64_t>(kChain);
    const Block b = block(5);
    const RawEvent raw = raw_event(5, 1);
    const Transfer nft = transfer(5, 1, kZero, kBob, 1, 1, TokenStandard::kErc721);
    const Transfer multi = transfer(5, 2, kZero, kAlice, 7, 40);
    const MintEvent mint{.tx_hash = hash(0x7a, 5),
                         .log_index = 1,
                         .block_number = 5,
                         .contract = kContract,
                         .token_id = 1,
                         .minter = kBob,
                         .author = "0xAuthor"};
    const EventRow event{.tx_hash = hash(0x7a, 5),
                         .log_index = 3,
                         .block_number = 5,
                         .block_timestamp = b.timestamp,
                         .contract = kContract,
                         .event_name = "Note",
                         .signature = "Note(string)",
                         .topic0 = hash(0xe0, 9),
                         .args_json = R"({"a":"1"})"};
    auto u256 = [&](const Uint256& v) { return sql::Param{dialect.encode_u256(v)}; };
    conn->execute("INSERT INTO chains (chain_id) VALUES (?)", {chain});
    conn->execute("INSERT INTO cursors (chain_id, contract, block_number, block_hash) VALUES (?, ?, ?, ?)",
                  {chain, kContract.lower_hex(), int64_t{5}, b.hash.hex()});
    conn->execute(
        "INSERT INTO blocks (chain_id, block_number, block_hash, parent_hash, block_time) VALUES (?, ?, ?, ?, ?)",
        {chain, int64_t{5}, b.hash.hex(), b.parent_hash.hex(), b.timestamp});
    conn->execute(
        "INSERT INTO raw_events (chain_id, tx_hash, log_index, block_number, block_hash, contract, topic0, topic1,"
        " topic2, topic3, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
        {chain, raw.tx_hash.hex(), int64_t{1}, int64_t{5}, raw.block_hash.hex(), kContract.lower_hex(),
         raw.topics[0].hex(), raw.topics[1].hex(), core::to_hex(raw.data)});
    conn->execute(
        "INSERT INTO tokens (chain_id, contract, token_id, author, owner, status, block_number, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, 'ready', 5, 100, 200)",
        {chain, kContract.lower_hex(), u256(1), std::string("0xAuthor"), kBob.lower_hex()});
    conn->execute(
        "INSERT INTO mint_events (chain_id, tx_hash, log_index, block_number, contract, token_id, minter, author)"
        " VALUES (?, ?, 1, 5, ?, ?, ?, '0xAuthor')",
        {chain, mint.tx_hash.hex(), kContract.lower_hex(), u256(1), kBob.lower_hex()});
    for (const Transfer& t : {nft, multi}) {
        conn->execute(
            "INSERT INTO transfers (chain_id, tx_hash, log_index, batch_index, block_number, block_time, contract,"
            " standard, operator_address, from_address, to_address, token_id, amount)"
            " VALUES (?, ?, ?, 0, 5, ?, ?, ?, ?, ?, ?, ?, ?)",
            {chain, t.tx_hash.hex(), static_cast<int64_t>(t.log_index), t.block_timestamp, kContract.lower_hex(),
             std::string(t.standard == TokenStandard::kErc721 ? "erc721" : "erc1155"), t.operator_address.lower_hex(),
             t.from.lower_hex(), t.to.lower_hex(), u256(t.token_id), u256(t.amount)});
    }
    for (const auto& [id, holder, amount] : {std::tuple{1, kBob, 1}, std::tuple{7, kAlice, 40}}) {
        conn->execute(
            "INSERT INTO balances (chain_id, contract, token_id, holder, amount, block_number)"
            " VALUES (?, ?, ?, ?, ?, 5)",
            {chain, kContract.lower_hex(), u256(static_cast<uint64_t>(id)), holder.lower_hex(),
             u256(static_cast<uint64_t>(amount))});
    }
    conn->execute(
        "INSERT INTO owners (chain_id, contract, token_id, owner, block_number, log_index) VALUES (?, ?, ?, ?, 5, 1)",
        {chain, kContract.lower_hex(), u256(1), kBob.lower_hex()});
    conn->execute(
        "INSERT INTO events (chain_id, tx_hash, log_index, block_number, block_time, contract, event_name,"
        " signature, topic0, args) VALUES (?, ?, 3, 5, ?, ?, 'Note', 'Note(string)', ?, ?)",
        {chain, event.tx_hash.hex(), event.block_timestamp, kContract.lower_hex(), event.topic0.hex(),
         event.args_json});
    conn->execute("INSERT INTO system_state (state_key, value, updated_at) VALUES ('note', '[1, 2]', 9)", {});
    conn.reset();

    auto store = open_store(url);
    EXPECT_EQ(store->schema_version(), 2);
    EXPECT_EQ(store->migrate().applied, kLatest - 2);
    EXPECT_EQ(store->schema_version(), kLatest);

    EXPECT_EQ(store->get_cursor(kChain, kContract), (Cursor{kContract, 5, b.hash}));
    EXPECT_EQ(store->block_hash(kChain, 5), b.hash);
    Token expected_token = token(1, 5);
    expected_token.owner = kBob;  // from the owners row
    expected_token.status = TokenStatus::kReady;
    EXPECT_EQ(store->get_token(kChain, kContract, 1), expected_token);
    EXPECT_EQ(store->get_owner(kChain, kContract, 1), kBob);
    EXPECT_EQ(store->get_balance(kChain, kContract, 7, kAlice), Uint256{40});
    EXPECT_EQ(store->get_balance(kChain, kContract, 1, kBob), Uint256{1});
    EXPECT_EQ(store->get_event(kChain, event.tx_hash, 3), event);
    EXPECT_EQ(store->get_state("note"), "[1, 2]");
    std::vector<RawEvent> raws;
    store->scan_raw_events(kChain, kContract, 10, [&](const RawEvent& e, std::optional<int64_t> time) {
        raws.push_back(e);
        EXPECT_EQ(time, b.timestamp);
    });
    EXPECT_EQ(raws, std::vector<RawEvent>{raw});
    std::vector<Transfer> transfers;
    store->scan_transfers(kChain, kContract, 1, [&](const Transfer& t) { transfers.push_back(t); });
    EXPECT_EQ(transfers, (std::vector<Transfer>{nft, multi}));
    std::vector<BalanceRow> balances;
    store->scan_balances(kChain, kContract, 1, [&](const BalanceRow& r) { balances.push_back(r); });
    EXPECT_EQ(balances, (std::vector<BalanceRow>{{1, kBob, 1, 5}, {7, kAlice, 40, 5}}));  // no row twice

    ChangeSet replay;
    replay.chain_id = kChain;
    replay.blocks = {b};
    replay.raw_events = {raw};
    replay.tokens = {token(1, 5)};
    replay.mint_events = {mint};
    replay.transfers = {nft, multi};
    replay.events = {event};
    EXPECT_TRUE(store->apply(replay).nothing_new());
    EXPECT_EQ(store->get_balance(kChain, kContract, 7, kAlice), Uint256{40});

    RollbackResult r = store->rollback_above(kChain, 4);
    EXPECT_EQ(r.transfers, 2u);
    EXPECT_EQ(r.raw_events, 1u);
    EXPECT_EQ(r.tokens, 1u);
    EXPECT_EQ(r.owners, 1u);
    EXPECT_EQ(store->get_balance(kChain, kContract, 7, kAlice), Uint256{0});
    EXPECT_EQ(store->get_owner(kChain, kContract, 1), std::nullopt);
    EXPECT_EQ(store->get_event(kChain, event.tx_hash, 3), std::nullopt);
}

// ---- the write path ----

TEST_P(StoreBehaviour, BatchInsertsEverythingAndReplayIsANoOp) {
    ApplyResult first = store_->apply(full_batch(7));
    EXPECT_EQ(first.blocks.inserted, 1u);
    EXPECT_EQ(first.raw_events.inserted, 2u);
    EXPECT_EQ(first.authors.inserted, 1u);
    EXPECT_EQ(first.tokens.inserted, 1u);
    EXPECT_EQ(first.mint_events.inserted, 1u);
    EXPECT_EQ(first.transfers.inserted, 1u);
    EXPECT_EQ(first.cursors_written, 1u);
    EXPECT_FALSE(first.nothing_new());

    ApplyResult replay = store_->apply(full_batch(7));
    EXPECT_TRUE(replay.nothing_new());
    EXPECT_EQ(replay.blocks, (RowCounts{0, 0, 1}));
    EXPECT_EQ(replay.raw_events, (RowCounts{0, 0, 2}));
    EXPECT_EQ(replay.authors, (RowCounts{0, 0, 1}));
    EXPECT_EQ(replay.tokens, (RowCounts{0, 0, 1}));
    EXPECT_EQ(replay.mint_events, (RowCounts{0, 0, 1}));
    EXPECT_EQ(replay.transfers, (RowCounts{0, 0, 1}));

    // The replay did not move the balance a second time.
    EXPECT_EQ(store_->get_balance(kChain, kContract, 7, kAlice), Uint256{5});
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 1u);
    EXPECT_EQ(store_->get_cursor(kChain, kContract), (Cursor{kContract, 7, block(7).hash}));
    EXPECT_EQ(store_->block_hash(kChain, 7), block(7).hash);
    EXPECT_EQ(store_->block_hash(kChain, 8), std::nullopt);
    EXPECT_EQ(store_->get_token(kChain, kContract, 7), token(7, 7));
}

TEST_P(StoreBehaviour, ConcurrentWritersNeverLoseABalanceUpdate) {
    // Each writer reads a balance and writes it back; without the write lock
    // one of two overlapping batches would overwrite the other's result.
    constexpr int kBatches = 25;
    auto errors = race_two_stores(url_, [&](Store& store, int writer) {
        for (int i = 0; i < kBatches; ++i) {
            ChangeSet c;
            c.chain_id = kChain;
            // Two logs of one block: a log is known by (block, log index).
            Transfer mint =
                transfer(100 + static_cast<uint64_t>(i), static_cast<uint64_t>(writer), kZero, kAlice, 1, 1);
            mint.tx_hash = hash(static_cast<uint8_t>(0x10 + writer), static_cast<uint64_t>(i));
            c.transfers = {mint};
            store.apply(c);
        }
    });
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    EXPECT_EQ(store_->get_balance(kChain, kContract, 1, kAlice), Uint256{uint64_t{2} * kBatches});
}

TEST_P(StoreBehaviour, EachTableIsUniqueOnItsKey) {
    store_->apply(full_batch(1));

    ChangeSet again;
    again.chain_id = kChain;
    // Same keys with different payloads: the first row stays.
    RawEvent event = raw_event(1, 0);
    event.data = {0x01};
    again.raw_events = {event, raw_event(1, 2)};  // (tx, 2) is new
    Token t = token(1, 1);
    t.owner = kBob;  // not stored: owners come from ERC-721 transfers
    again.tokens = {t, token(2, 1)};
    Token other_contract = token(1, 1);
    other_contract.contract = address(2);
    again.tokens.push_back(other_contract);
    MintEvent mint = full_batch(1).mint_events[0];
    mint.minter = kBob;
    again.mint_events = {mint};
    Transfer same = transfer(1, 1, kZero, kBob, 1, 9);
    Transfer next_in_batch = transfer(1, 1, kZero, kBob, 1, 9);
    next_in_batch.batch_index = 1;
    again.transfers = {same, next_in_batch};
    again.blocks = {block(1)};

    ApplyResult r = store_->apply(again);
    EXPECT_EQ(r.raw_events, (RowCounts{1, 0, 1}));
    EXPECT_EQ(r.tokens, (RowCounts{2, 0, 1}));
    EXPECT_EQ(r.mint_events, (RowCounts{0, 0, 1}));
    EXPECT_EQ(r.transfers, (RowCounts{1, 0, 1}));
    EXPECT_EQ(r.blocks, (RowCounts{0, 0, 1}));
    EXPECT_EQ(store_->get_token(kChain, kContract, 1)->owner, kZero);
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 2u);
    EXPECT_EQ(store_->count_tokens(kChain, address(2)), 1u);
    EXPECT_EQ(store_->get_balance(kChain, kContract, 1, kBob), Uint256{9});  // only batch index 1 was new

    // The same keys on another chain are other rows.
    ChangeSet elsewhere = full_batch(1);
    elsewhere.chain_id = kChain + 1;
    ApplyResult other = store_->apply(elsewhere);
    EXPECT_EQ(other.tokens.inserted, 1u);
    EXPECT_EQ(other.transfers.inserted, 1u);
    EXPECT_EQ(other.raw_events.inserted, 2u);
    EXPECT_EQ(other.authors.skipped, 1u);  // authors are not per chain

    // Cursors are one row per (chain, contract), overwritten.
    ChangeSet move;
    move.chain_id = kChain;
    move.cursors = {{kContract, 9, hash(0xcc, 9)}};
    store_->apply(move);
    EXPECT_EQ(store_->get_cursor(kChain, kContract), (Cursor{kContract, 9, hash(0xcc, 9)}));
    EXPECT_EQ(store_->get_cursor(kChain + 1, kContract), (Cursor{kContract, 1, block(1).hash}));
    EXPECT_EQ(store_->get_cursor(kChain, address(2)), std::nullopt);
}

TEST_P(StoreBehaviour, Uint256RoundTripsAtTheExtremes) {
    ChangeSet c;
    c.chain_id = kChain;
    for (const Uint256& id : {Uint256{0}, kTwoTo64, kMax}) {
        c.tokens.push_back(token(id, 3));
        c.transfers.push_back(transfer(3, c.transfers.size(), kZero, kAlice, id, id == 0 ? kMax : id));
    }
    store_->apply(c);
    restart();
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 3u);
    for (const Uint256& id : {Uint256{0}, kTwoTo64, kMax}) {
        auto got = store_->get_token(kChain, kContract, id);
        ASSERT_TRUE(got) << id.to_decimal();
        EXPECT_EQ(got->token_id, id);
        EXPECT_EQ(store_->get_balance(kChain, kContract, id, kAlice), id == 0 ? kMax : id);
    }
    EXPECT_EQ(store_->get_token(kChain, kContract, kTwoTo64.wrapping_add(1)), std::nullopt);

    // One more unit on a full balance is an overflow, which fails the batch.
    ChangeSet overflow;
    overflow.chain_id = kChain;
    overflow.transfers = {transfer(4, 0, kZero, kAlice, kMax, 1)};
    EXPECT_THROW(store_->apply(overflow), StoreError);
    EXPECT_EQ(store_->get_balance(kChain, kContract, kMax, kAlice), kMax);
}

TEST_P(StoreBehaviour, BalancesFollowTransfersMintsAndBurns) {
    ChangeSet c;
    c.chain_id = kChain;
    c.transfers = {
        transfer(5, 0, kZero, kAlice, 42, 10),  // mint 10
        transfer(5, 1, kAlice, kBob, 42, 3),    // move 3
        transfer(5, 2, kBob, kZero, 42, 2),     // burn 2
        transfer(5, 3, kZero, kBob, kMax, 1, TokenStandard::kErc721),
        transfer(5, 4, kBob, kAlice, kMax, 1, TokenStandard::kErc721),
        transfer(5, 5, kAlice, kBob, 42, 7),  // Alice down to zero
    };
    store_->apply(c);
    EXPECT_EQ(store_->get_balance(kChain, kContract, 42, kAlice), Uint256{0});
    EXPECT_EQ(store_->get_balance(kChain, kContract, 42, kBob), Uint256{8});
    EXPECT_EQ(store_->get_balance(kChain, kContract, 42, kZero), Uint256{0});
    EXPECT_EQ(store_->get_balance(kChain, kContract, kMax, kAlice), Uint256{1});
    EXPECT_EQ(store_->get_balance(kChain, kContract, kMax, kBob), Uint256{0});
}

TEST_P(StoreBehaviour, FailedBatchLeavesNeitherRowsNorCursor) {
    // Valid rows first, then a transfer from an empty balance.
    ChangeSet bad = full_batch(4);
    bad.transfers.push_back(transfer(4, 9, kBob, kAlice, 4, 1));
    try {
        store_->apply(bad);
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("would go below zero"), std::string::npos) << e.what();
    }
    restart();
    EXPECT_EQ(store_->get_cursor(kChain, kContract), std::nullopt);
    EXPECT_EQ(store_->block_hash(kChain, 4), std::nullopt);
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 0u);
    EXPECT_TRUE(store_->list_authors().empty());
    EXPECT_EQ(store_->get_balance(kChain, kContract, 4, kAlice), Uint256{0});

    // The same batch without the bad transfer goes in whole.
    ApplyResult ok = store_->apply(full_batch(4));
    EXPECT_EQ(ok.tokens.inserted, 1u);
    EXPECT_EQ(store_->get_cursor(kChain, kContract)->block_number, 4u);
}

TEST_P(StoreBehaviour, BlockAtAKnownHeightWithAnotherHashFailsTheBatch) {
    store_->apply(full_batch(6));
    ChangeSet fork = full_batch(7);
    Block other = block(6);
    other.hash = hash(0xf0, 6);
    fork.blocks.push_back(other);
    try {
        store_->apply(fork);
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("roll back first"), std::string::npos) << e.what();
    }
    EXPECT_EQ(store_->block_hash(kChain, 6), block(6).hash);
    EXPECT_EQ(store_->block_hash(kChain, 7), std::nullopt);
    EXPECT_EQ(store_->get_cursor(kChain, kContract)->block_number, 6u);
}

TEST_P(StoreBehaviour, InvalidRowsFailTheBatch) {
    ChangeSet topics;
    topics.chain_id = kChain;
    RawEvent e = raw_event(1, 0);
    e.topics.resize(5);
    topics.raw_events = {e};
    EXPECT_THROW(store_->apply(topics), StoreError);

    ChangeSet no_wallet;
    no_wallet.chain_id = kChain;
    no_wallet.authors = {{"", "prompt", 1}};
    EXPECT_THROW(store_->apply(no_wallet), StoreError);

    ChangeSet huge_block = full_batch(1);
    huge_block.blocks[0].number = uint64_t{1} << 63;
    EXPECT_THROW(store_->apply(huge_block), StoreError);
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 0u);
}

// ---- authors ----

TEST_P(StoreBehaviour, AuthorWalletsAreUniqueInAnyCase) {
    const std::string wallet = "0x52908400098527886E0F7030069857D2E4169EE7";
    std::string lower = wallet;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    ChangeSet c;
    c.chain_id = kChain;
    c.authors = {{wallet, "first", 10}, {lower, "first", 11}};
    ApplyResult r = store_->apply(c);
    EXPECT_EQ(r.authors, (RowCounts{1, 0, 1}));

    c.authors = {{lower, "second", 12}};
    EXPECT_EQ(store_->apply(c).authors, (RowCounts{0, 1, 0}));

    auto found = store_->find_author("0X52908400098527886E0F7030069857D2E4169EE7");
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, (Author{wallet, "second", 10}));  // first spelling and time kept
    EXPECT_EQ(store_->find_author(lower), found);
    EXPECT_EQ(store_->find_author("0x0000000000000000000000000000000000000000"), std::nullopt);

    c.authors = {{"0xB", "b", 1}, {"0xa", "a", 2}};
    store_->apply(c);
    auto all = store_->list_authors();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].wallet, wallet);
    EXPECT_EQ(all[1].wallet, "0xa");
    EXPECT_EQ(all[2].wallet, "0xB");

    // The database itself refuses a second spelling, whoever writes it.
    auto conn = raw_connection();
    EXPECT_THROW(conn->execute("INSERT INTO authors (wallet, prompt, created_at) VALUES (?, '', 0)", {lower}),
                 StoreError);
}

// ---- restart, state, rollback ----

TEST_P(StoreBehaviour, RestartSeesTheSameData) {
    store_->apply(full_batch(1));
    store_->apply(full_batch(2));
    store_->set_state("checkpoint", R"({"block": 2})");
    restart();
    EXPECT_EQ(store_->schema_version(), kLatest);
    EXPECT_EQ(store_->migrate().applied, 0);
    EXPECT_EQ(store_->get_cursor(kChain, kContract), (Cursor{kContract, 2, block(2).hash}));
    EXPECT_EQ(store_->get_token(kChain, kContract, 1), token(1, 1));
    EXPECT_EQ(store_->get_token(kChain, kContract, 2), token(2, 2));
    EXPECT_EQ(store_->get_balance(kChain, kContract, 2, kAlice), Uint256{5});
    EXPECT_EQ(store_->find_author("0xauthor")->prompt, "a prompt");
    EXPECT_EQ(store_->get_state("checkpoint"), R"({"block": 2})");
    EXPECT_TRUE(store_->apply(full_batch(2)).nothing_new());
    restart();
    EXPECT_EQ(store_->get_balance(kChain, kContract, 2, kAlice), Uint256{5});
}

TEST_P(StoreBehaviour, SystemStateKeepsJsonAsGiven) {
    EXPECT_EQ(store_->get_state("missing"), std::nullopt);
    store_->set_state("k", R"({"b":1,  "a":[1,2]})");
    EXPECT_EQ(store_->get_state("k"), R"({"b":1,  "a":[1,2]})");
    store_->set_state("k", "42");
    EXPECT_EQ(store_->get_state("k"), "42");
    EXPECT_THROW(store_->set_state("k", "{not json"), StoreError);
    EXPECT_THROW(store_->set_state("k", ""), StoreError);
    EXPECT_EQ(store_->get_state("k"), "42");
}

TEST_P(StoreBehaviour, StateEntriesCommitOrVanishWithTheirBatch) {
    ChangeSet c = full_batch(1);
    c.state = {{"backfill", R"({"to": 1})"}, {"note", "[1,  2]"}};
    store_->apply(c);
    restart();
    EXPECT_EQ(store_->get_state("backfill"), R"({"to": 1})");
    EXPECT_EQ(store_->get_state("note"), "[1,  2]");

    // A batch that fails on a balance leaves the entries as they were.
    ChangeSet bad = full_batch(2);
    bad.transfers.push_back(transfer(2, 9, kBob, kAlice, 2, 1));
    bad.state = {{"backfill", R"({"to": 2})"}, {"fresh", "true"}};
    try {
        store_->apply(bad);
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("would go below zero"), std::string::npos) << e.what();
    }
    EXPECT_EQ(store_->get_state("backfill"), R"({"to": 1})");
    EXPECT_EQ(store_->get_state("fresh"), std::nullopt);

    // An entry that is not JSON fails the batch, rows and cursor included.
    ChangeSet not_json = full_batch(3);
    not_json.state = {{"backfill", R"({"to": 3})"}, {"broken", "{to: 3"}};
    EXPECT_THROW(store_->apply(not_json), StoreError);
    restart();
    EXPECT_EQ(store_->get_state("backfill"), R"({"to": 1})");
    EXPECT_EQ(store_->get_state("broken"), std::nullopt);
    EXPECT_EQ(store_->block_hash(kChain, 3), std::nullopt);
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 1u);
    EXPECT_EQ(store_->get_cursor(kChain, kContract), (Cursor{kContract, 1, block(1).hash}));

    // A replayed batch rewrites its entries (they are not indexed rows).
    c.state = {{"backfill", R"({"to": 1, "again": true})"}};
    EXPECT_TRUE(store_->apply(c).nothing_new());
    EXPECT_EQ(store_->get_state("backfill"), R"({"to": 1, "again": true})");
}

TEST_P(StoreBehaviour, RollbackAboveRemovesRowsAndUndoesBalances) {
    for (uint64_t n = 1; n <= 3; ++n)
        store_->apply(full_batch(n));
    ChangeSet moves;
    moves.chain_id = kChain;
    moves.blocks = {block(4)};
    moves.transfers = {transfer(4, 0, kAlice, kBob, 1, 2)};  // token 1 was minted in block 1
    moves.cursors = {{kContract, 4, block(4).hash}, {address(9), 0, hash(0xcc, 0)}};
    store_->apply(moves);
    EXPECT_EQ(store_->get_balance(kChain, kContract, 1, kBob), Uint256{2});

    RollbackResult r = store_->rollback_above(kChain, 1);
    EXPECT_EQ(r.blocks, 3u);
    EXPECT_EQ(r.raw_events, 4u);
    EXPECT_EQ(r.tokens, 2u);
    EXPECT_EQ(r.mint_events, 2u);
    EXPECT_EQ(r.transfers, 3u);
    EXPECT_EQ(r.cursors, 1u);
    restart();
    EXPECT_EQ(store_->get_cursor(kChain, kContract), (Cursor{kContract, 1, block(1).hash}));
    EXPECT_EQ(store_->get_cursor(kChain, address(9)), (Cursor{address(9), 0, hash(0xcc, 0)}));
    EXPECT_EQ(store_->block_hash(kChain, 2), std::nullopt);
    EXPECT_EQ(store_->block_hash(kChain, 1), block(1).hash);
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 1u);
    EXPECT_EQ(store_->get_balance(kChain, kContract, 1, kAlice), Uint256{5});
    EXPECT_EQ(store_->get_balance(kChain, kContract, 1, kBob), Uint256{0});
    EXPECT_EQ(store_->get_balance(kChain, kContract, 2, kAlice), Uint256{0});

    // The rolled back heights take new blocks, and a replay of block 2 is new again.
    EXPECT_EQ(store_->apply(full_batch(2)).tokens.inserted, 1u);
    EXPECT_EQ(store_->get_balance(kChain, kContract, 2, kAlice), Uint256{5});

    // Rolling back above an unknown height leaves cursors with a zero hash.
    store_->rollback_above(kChain, 0);
    EXPECT_EQ(store_->get_cursor(kChain, kContract), (Cursor{kContract, 0, Hash32{}}));
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 0u);
}

// ---- module tables: generic events, ERC-721 owners ----

EventRow event_row(uint64_t at_block, uint64_t log_index, std::string args_json) {
    return {.tx_hash = hash(0x7a, at_block),
            .log_index = log_index,
            .block_number = at_block,
            .block_timestamp = block(at_block).timestamp,
            .contract = kContract,
            .event_name = "Note",
            .signature = "Note(string,uint256)",
            .topic0 = hash(0xe0, 9),
            .args_json = std::move(args_json)};
}

TEST_P(StoreBehaviour, EventsAreStoredOnceWithTheirJsonAsGiven) {
    ChangeSet c;
    c.chain_id = kChain;
    c.blocks = {block(3)};
    // Odd spacing and key order survive: the text is kept, not re-serialised.
    c.events = {event_row(3, 0, R"({"b":"x",  "a":["1","2"]})"), event_row(3, 1, R"({"tag":"\u00e9"})")};
    ApplyResult first = store_->apply(c);
    EXPECT_EQ(first.events, (RowCounts{2, 0, 0}));
    EXPECT_FALSE(first.nothing_new());

    ChangeSet replay = c;
    replay.events[0].args_json = R"({"other":1})";  // same key: the first row stays
    ApplyResult again = store_->apply(replay);
    EXPECT_EQ(again.events, (RowCounts{0, 0, 2}));
    EXPECT_TRUE(again.nothing_new());

    restart();
    EXPECT_EQ(store_->get_event(kChain, hash(0x7a, 3), 0), c.events[0]);
    EXPECT_EQ(store_->get_event(kChain, hash(0x7a, 3), 1), c.events[1]);
    EXPECT_EQ(store_->get_event(kChain, hash(0x7a, 3), 2), std::nullopt);
    EXPECT_EQ(store_->get_event(kChain + 1, hash(0x7a, 3), 0), std::nullopt);
    EXPECT_EQ(store_->count_events(kChain, kContract), 2u);
    EXPECT_EQ(store_->count_events(kChain, address(2)), 0u);

    // Arguments that are not JSON fail the whole batch.
    ChangeSet bad = full_batch(4);
    bad.events = {event_row(4, 0, "{not json")};
    EXPECT_THROW(store_->apply(bad), StoreError);
    EXPECT_EQ(store_->count_events(kChain, kContract), 2u);
    EXPECT_EQ(store_->block_hash(kChain, 4), std::nullopt);

    // Rows above a height go with rollback_above, and come back with a replay.
    ChangeSet later;
    later.chain_id = kChain;
    later.events = {event_row(5, 0, "{}")};
    store_->apply(later);
    RollbackResult r = store_->rollback_above(kChain, 3);
    EXPECT_EQ(r.events, 1u);
    EXPECT_EQ(store_->count_events(kChain, kContract), 2u);
    EXPECT_EQ(store_->apply(later).events.inserted, 1u);
    EXPECT_EQ(store_->rollback_above(kChain, 0).events, 3u);
    EXPECT_EQ(store_->count_events(kChain, kContract), 0u);
}

TEST_P(StoreBehaviour, Erc721OwnerFollowsTheLatestTransfer) {
    const Address carol = address(0xc0);
    ChangeSet mint = full_batch(1);  // token 1's row
    mint.transfers = {transfer(1, 1, kZero, kBob, 1, 1, TokenStandard::kErc721)};
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), std::nullopt);
    store_->apply(mint);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), kBob);
    EXPECT_EQ(store_->get_token(kChain, kContract, 1)->owner, kBob);  // the row follows the transfer

    ChangeSet moves;
    moves.chain_id = kChain;
    moves.transfers = {transfer(2, 0, kBob, carol, 1, 1, TokenStandard::kErc721),
                       transfer(2, 3, carol, kAlice, 1, 1, TokenStandard::kErc721)};
    store_->apply(moves);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), kAlice);
    EXPECT_EQ(store_->get_token(kChain, kContract, 1)->owner, kAlice);

    // A replay changes nothing, nor does an older transfer stored later
    // (a backfill chunk that commits after a newer one).
    EXPECT_TRUE(store_->apply(moves).nothing_new());
    ChangeSet older;
    older.chain_id = kChain;
    older.transfers = {transfer(2, 1, kZero, carol, 1, 1, TokenStandard::kErc721)};
    EXPECT_EQ(store_->apply(older).transfers.inserted, 1u);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), kAlice);
    EXPECT_EQ(store_->get_token(kChain, kContract, 1)->owner, kAlice);

    // ERC-1155 transfers of the same id leave the owner alone.
    ChangeSet multi;
    multi.chain_id = kChain;
    multi.transfers = {transfer(3, 0, kZero, carol, 1, 50)};
    store_->apply(multi);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), kAlice);

    // A burn leaves no owner; the token row shows the zero address.
    ChangeSet burn;
    burn.chain_id = kChain;
    burn.transfers = {transfer(4, 0, kAlice, kZero, 1, 1, TokenStandard::kErc721)};
    store_->apply(burn);
    restart();
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), std::nullopt);
    EXPECT_EQ(store_->get_token(kChain, kContract, 1)->owner, kZero);
    // Owners are per chain and contract.
    EXPECT_EQ(store_->get_owner(kChain + 1, kContract, 1), std::nullopt);
    EXPECT_EQ(store_->get_owner(kChain, address(2), 1), std::nullopt);
}

TEST_P(StoreBehaviour, TokenRowStoredAfterItsTransfersTakesTheirOwner) {
    ChangeSet transfers;
    transfers.chain_id = kChain;
    transfers.transfers = {transfer(1, 0, kZero, kBob, kMax, 1, TokenStandard::kErc721)};
    store_->apply(transfers);
    // An ERC-721 transfer writes no balance row; reads of balances see the owner.
    EXPECT_EQ(raw_connection()->query("SELECT count(*) FROM balances", {}).at(0).at(0), "0");
    EXPECT_EQ(store_->get_balance(kChain, kContract, kMax, kBob), Uint256{1});
    EXPECT_EQ(store_->get_balance(kChain, kContract, kMax, kAlice), Uint256{0});
    std::vector<BalanceRow> balances;
    store_->scan_balances(kChain, kContract, 10, [&](const BalanceRow& r) { balances.push_back(r); });
    EXPECT_EQ(balances, (std::vector<BalanceRow>{{kMax, kBob, 1, 1}}));
    ChangeSet found;  // e.g. recovery, which knows the author but not the owner
    found.chain_id = kChain;
    found.tokens = {token(kMax, 1), token(2, 1)};
    store_->apply(found);
    EXPECT_EQ(store_->get_token(kChain, kContract, kMax)->owner, kBob);
    EXPECT_EQ(store_->get_token(kChain, kContract, 2)->owner, kZero);  // no transfer: no owner
}

TEST_P(StoreBehaviour, RollbackAboveRecomputesErc721Owners) {
    const Address carol = address(0xc0);
    ChangeSet mint = full_batch(1);
    mint.transfers = {transfer(1, 1, kZero, kBob, 1, 1, TokenStandard::kErc721),
                      transfer(1, 2, kZero, kBob, 2, 1, TokenStandard::kErc721)};
    store_->apply(mint);
    ChangeSet b2 = full_batch(2);  // token 2's row, created at block 2
    b2.transfers = {transfer(2, 0, kBob, carol, 1, 1, TokenStandard::kErc721)};
    store_->apply(b2);
    ChangeSet b3;
    b3.chain_id = kChain;
    b3.blocks = {block(3)};
    b3.transfers = {transfer(3, 0, carol, kAlice, 1, 1, TokenStandard::kErc721),
                    transfer(3, 1, kBob, kZero, 2, 1, TokenStandard::kErc721)};
    store_->apply(b3);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), kAlice);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 2), std::nullopt);

    RollbackResult r = store_->rollback_above(kChain, 2);
    EXPECT_EQ(r.owners, 2u);
    restart();
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), carol);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 2), kBob);
    EXPECT_EQ(store_->get_token(kChain, kContract, 1)->owner, carol);
    EXPECT_EQ(store_->get_token(kChain, kContract, 2)->owner, kBob);
    EXPECT_EQ(store_->get_balance(kChain, kContract, 1, carol), Uint256{1});
    EXPECT_EQ(store_->get_balance(kChain, kContract, 1, kAlice), Uint256{0});

    // The same blocks again end where they were; a second replay adds nothing.
    EXPECT_EQ(store_->apply(b3).transfers.inserted, 2u);
    EXPECT_TRUE(store_->apply(b3).nothing_new());
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), kAlice);
    EXPECT_EQ(store_->get_token(kChain, kContract, 1)->owner, kAlice);

    // Below every transfer of token 1 but above its row: no owner is known.
    EXPECT_EQ(store_->rollback_above(kChain, 1).owners, 2u);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), kBob);
    EXPECT_EQ(store_->rollback_above(kChain, 0).owners, 2u);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 1), std::nullopt);
    EXPECT_EQ(store_->get_owner(kChain, kContract, 2), std::nullopt);
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 0u);
}

// The fixture can stop and restart the server under a running client (a
// later suite does this to a daemon); the data survives, and a store whose
// server went away reports it as StoreError.
TEST(PostgresClusterFixture, StopAndStartKeepTheData) {
    PostgresCluster& cluster = PostgresEnvironment::cluster();
    const std::string url = cluster.create_database();
    EXPECT_EQ(url.find(fmt::format("@127.0.0.1:{}/", cluster.port())), url.find('@'));
    auto store = open_store(url);
    store->migrate();
    store->apply(full_batch(1));

    cluster.stop();
    EXPECT_FALSE(cluster.running());
    EXPECT_THROW(store->ping(), StoreError);
    EXPECT_THROW(store->get_cursor(kChain, kContract), StoreError);
    try {
        open_store(url);
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("cannot connect to PostgreSQL at 127.0.0.1:"), std::string::npos) << message;
        EXPECT_EQ(message.find(PostgresCluster::kPassword), std::string::npos) << message;
    }

    cluster.start();
    EXPECT_TRUE(cluster.running());
    store = open_store(url);
    EXPECT_NO_THROW(store->ping());
    EXPECT_EQ(store->get_cursor(kChain, kContract), (Cursor{kContract, 1, block(1).hash}));
    EXPECT_EQ(store->schema_version(), kLatest);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::kPostgres ? "Postgres" : "SqliteFile";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreBehaviour, ::testing::Values(Backend::kSqliteFile, Backend::kPostgres),
                         backend_name);

}  // namespace
}  // namespace tokensync::store
