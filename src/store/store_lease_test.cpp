// Two processes on one database (docs/service.md, "Running two instances"),
// at the store: the session lock a chain's lease is (exclusive, freed with
// its connection, taken again at a reconnect, writes refused once another
// session has it), recovery's claims with FOR UPDATE SKIP LOCKED, migration
// 5 on both back-ends, and the SQLite writer lock file.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/database_url.hpp"
#include "store/migrations.hpp"
#include "store/sql/connection.hpp"
#include "store/store.hpp"
#include "store/writer_lock.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::store {
namespace {

using namespace std::chrono_literals;
using core::Uint256;

constexpr int64_t kKey = 0x74736c0000000001;
constexpr ChainId kChain = 31337;
const core::Address kContract = *core::Address::from_hex("0x5fbdb2315678afecb367f032d93f642f64180aa3");

std::unique_ptr<Store> open_migrated(const std::string& url) {
    auto store = open_store(url);
    store->migrate();
    return store;
}

std::unique_ptr<sql::Connection> raw(const std::string& url) { return sql::open_connection(*parse_database_url(url)); }

// Ends every other session on the database (what a PostgreSQL restart does
// to this process's connections).
void terminate_others(const std::string& url) {
    raw(url)->query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
        {});
}

// Tries the lock until it is granted or `timeout` passes (a terminated
// backend frees its locks as it exits, a moment after the call returns).
bool take_within(Store& store, int64_t key, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (store.try_session_lock(key)) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

// The first statement after the server dropped the session fails (libpq
// learns of it then); the next one reconnects.
void notice_drop(Store& store) {
    try {
        store.ping();
    } catch (const StoreError&) {
    }
}

ChangeSet tokens(const std::vector<uint64_t>& ids) {
    ChangeSet c;
    c.chain_id = kChain;
    for (uint64_t id : ids) {
        Token t;
        t.contract = kContract;
        t.token_id = id;
        c.tokens.push_back(t);
    }
    return c;
}

std::vector<Uint256> range(uint64_t first, uint64_t last) {
    std::vector<Uint256> out;
    for (uint64_t id = first; id <= last; ++id)
        out.emplace_back(id);
    return out;
}

TEST(SessionLock, IsExclusiveAndEndsWithItsConnection) {
    const std::string url = test_util::shared_postgres_cluster().create_database();
    auto a = open_migrated(url);
    auto b = open_migrated(url);
    ASSERT_TRUE(a->try_session_lock(kKey));
    EXPECT_TRUE(a->holds_session_lock(kKey));
    EXPECT_TRUE(a->try_session_lock(kKey));  // held already: granted, not stacked
    EXPECT_FALSE(b->try_session_lock(kKey));
    EXPECT_FALSE(b->holds_session_lock(kKey));
    EXPECT_TRUE(b->try_session_lock(kKey + 1));  // another chain's lease is independent

    a->release_session_lock(kKey);
    EXPECT_FALSE(a->holds_session_lock(kKey));
    ASSERT_TRUE(b->try_session_lock(kKey));
    EXPECT_FALSE(a->try_session_lock(kKey));

    // The holder's process dies: its connection closes and the lock is free.
    b.reset();
    EXPECT_TRUE(take_within(*a, kKey, 10s));
}

TEST(SessionLock, IsTakenAgainAfterAReconnectWhenNobodyElseHasIt) {
    const std::string url = test_util::shared_postgres_cluster().create_database();
    auto a = open_migrated(url);
    ASSERT_TRUE(a->try_session_lock(kKey));
    terminate_others(url);
    notice_drop(*a);
    a->ping();  // reconnects and takes the lock again
    EXPECT_TRUE(a->holds_session_lock(kKey));
    auto b = open_migrated(url);
    EXPECT_FALSE(b->try_session_lock(kKey));
    EXPECT_EQ(a->apply(tokens({1})).tokens.inserted, 1U);
}

TEST(SessionLock, LostToAnotherSessionRefusesEveryWriteUntilReleased) {
    const std::string url = test_util::shared_postgres_cluster().create_database();
    auto a = open_migrated(url);
    auto b = open_migrated(url);
    ASSERT_TRUE(a->try_session_lock(kKey));
    terminate_others(url);  // a's session (b's too)
    notice_drop(*b);
    ASSERT_TRUE(take_within(*b, kKey, 10s));  // the standby takes over

    notice_drop(*a);
    try {
        a->ping();
        ADD_FAILURE() << "the reconnect should report the lost lease";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("another session now holds its lease"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(a->holds_session_lock(kKey));
    try {
        a->apply(tokens({1}));
        ADD_FAILURE() << "a write without the lease went through";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("lost its lease"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(a->get_token(kChain, kContract, 1));  // reads still work

    // Released by the follower, then taken again once the other lets go.
    a->release_session_lock(kKey);
    EXPECT_FALSE(a->try_session_lock(kKey));
    b->release_session_lock(kKey);
    ASSERT_TRUE(a->try_session_lock(kKey));
    EXPECT_EQ(a->apply(tokens({1})).tokens.inserted, 1U);
}

TEST(RecoveryClaims, SkipIdsAnotherSessionHoldsAndIdsAlreadyWritten) {
    const std::string url = test_util::shared_postgres_cluster().create_database();
    auto a = open_migrated(url);
    auto b = open_migrated(url);
    a->apply(tokens({3}));  // 3 is not missing any more
    auto first = a->claim_missing_tokens(kChain, kContract, range(1, 10));
    std::vector<Uint256> expected = range(1, 10);
    expected.erase(expected.begin() + 2);
    EXPECT_EQ(first->ids(), expected);

    // Without SKIP LOCKED this would wait for `first`; bounded so a
    // regression fails instead of hanging.
    auto second =
        std::async(std::launch::async, [&] { return b->claim_missing_tokens(kChain, kContract, range(5, 14)); });
    const bool prompt = second.wait_for(10s) == std::future_status::ready;
    if (!prompt) first.reset();  // lets the waiting claim return, so the test fails instead of hanging
    ASSERT_TRUE(prompt) << "the second claim waited for the first";
    EXPECT_EQ(second.get()->ids(), range(11, 14));

    // The first claimant writes 1..6, then ends its claim; 7..10 are free
    // again, and the rows written are not claimed twice.
    a->apply(tokens({1, 2, 4, 5, 6}));
    first.reset();
    auto third = b->claim_missing_tokens(kChain, kContract, range(1, 10));
    EXPECT_EQ(third->ids(), range(7, 10));
    third.reset();
    const auto rows = raw(url)->query("SELECT count(*) FROM work_claims", {});
    EXPECT_EQ(rows.at(0).at(0), "0");  // ended claims leave no row
}

TEST(RecoveryClaims, EndWithTheClaimantsConnection) {
    const std::string url = test_util::shared_postgres_cluster().create_database();
    auto a = open_migrated(url);
    auto b = open_migrated(url);
    auto held = a->claim_missing_tokens(kChain, kContract, range(1, 4));
    ASSERT_EQ(held->ids().size(), 4U);
    EXPECT_TRUE(b->claim_missing_tokens(kChain, kContract, range(1, 4))->ids().empty());
    terminate_others(url);  // the claimant dies
    notice_drop(*b);
    std::vector<Uint256> taken;
    for (int i = 0; i < 100 && taken.empty(); ++i) {
        try {
            taken = b->claim_missing_tokens(kChain, kContract, range(1, 4))->ids();
        } catch (const StoreError&) {  // b's claims connection was terminated too: the next call reconnects
        }
        if (taken.empty()) std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(taken, range(1, 4));
}

TEST(RecoveryClaims, OnSqliteEveryIdIsReturned) {
    test_util::TempDir dir{"tokensync-claims"};
    auto store = open_migrated("sqlite://" + (dir.path() / "c.db").string());
    EXPECT_EQ(store->claim_missing_tokens(kChain, kContract, range(1, 3))->ids(), range(1, 3));
    EXPECT_TRUE(store->try_session_lock(kKey));
}

// Migration 5 creates work_claims on both back-ends.
TEST(Migration5, CreatesWorkClaimsOnBothBackEnds) {
    test_util::TempDir dir{"tokensync-claims"};
    for (const std::string& url :
         {"sqlite://" + (dir.path() / "m.db").string(), test_util::shared_postgres_cluster().create_database()}) {
        auto store = open_migrated(url);
        EXPECT_EQ(store->schema_version(), 5) << url;
        EXPECT_EQ(raw(url)->query("SELECT count(*) FROM work_claims", {}).at(0).at(0), "0") << url;
    }
}

TEST(WriterLock, RefusesASecondWriterOfOneSqliteFileNamingFileAndPid) {
    test_util::TempDir dir{"tokensync-writer"};
    const std::string path = (dir.path() / "w.db").string();
    {
        const WriterLock first("sqlite://" + path);
        try {
            const WriterLock second("sqlite://" + path);
            ADD_FAILURE() << "two writers of one file";
        } catch (const StoreError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(path), std::string::npos) << what;
            EXPECT_NE(what.find(fmt::format("(pid {})", ::getpid())), std::string::npos) << what;
        }
        const WriterLock other("sqlite://" + (dir.path() / "other.db").string());  // another file is fine
        const WriterLock pg(test_util::shared_postgres_cluster().url("any"));      // PostgreSQL takes nothing
        const WriterLock twice_pg(test_util::shared_postgres_cluster().url("any"));
    }
    EXPECT_NO_THROW(WriterLock("sqlite://" + path));  // released with the first
}

}  // namespace
}  // namespace tokensync::store
