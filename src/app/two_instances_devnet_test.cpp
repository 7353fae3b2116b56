// Two `tokensync run` processes on one database (docs/service.md, "Running
// two instances"), the real binary on a real anvil: on PostgreSQL exactly
// one follows the chain while the other stands by and writes nothing; kill
// -9 of the active one hands the chain to the other within seconds, which
// catches up from the stored cursor, and the database ends equal to the
// chain; start-up recovery inserted each missing token once between the
// two. On SQLite a second writer is refused, naming the file and the
// holder's pid, while export still reads.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/engine_test_support.hpp"
#include "recovery/recovery_test_support.hpp"
#include "store/store.hpp"
#include "test_util/daemon.hpp"
#include "test_util/devnet.hpp"
#include "test_util/populate.hpp"
#include "test_util/process.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::app {
namespace {

using namespace std::chrono_literals;
using test_util::Daemon;
using Clock = std::chrono::steady_clock;

// The one chain's entry of /status, and the recovery part; nullopt when
// the daemon does not answer.
struct Seen {
    std::string role;
    std::optional<uint64_t> processed;
    uint64_t events = 0;
    uint64_t steps = 0;
    uint64_t recovery_runs = 0;
    uint64_t recovered = 0;
    uint64_t duplicates_skipped = 0;
};

std::optional<Seen> status_of(const Daemon& daemon) {
    const auto r = daemon.get("/status");
    if (r.status != 200) return std::nullopt;
    const auto body = boost::json::parse(r.body).as_object();
    const auto& chain = body.at("chains").as_array().at(0).as_object();
    Seen seen;
    seen.role = std::string(chain.at("role").as_string());
    if (!chain.at("last_processed").is_null()) seen.processed = chain.at("last_processed").to_number<uint64_t>();
    seen.events = chain.at("events_ingested").to_number<uint64_t>();
    seen.steps = chain.at("steps").to_number<uint64_t>();
    const auto& recovery = body.at("recovery").as_object();
    seen.recovery_runs = recovery.at("runs").to_number<uint64_t>();
    if (const auto& last = recovery.at("last_result"); last.is_object()) {
        const auto& result = last.as_object().at("result").as_object();
        seen.recovered = result.at("recovered").to_number<uint64_t>();
        seen.duplicates_skipped = result.at("duplicates_skipped").to_number<uint64_t>();
    }
    return seen;
}

// Polls until `done` holds or `timeout` passes.
template <typename F>
bool eventually(std::chrono::milliseconds timeout, F done) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return done();
}

TEST(TwoInstances, OnePostgresOneFollowerTakeOverAfterKillAndAnExactDatabase) {
    test_util::Devnet devnet{testing::quiet_devnet()};
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, testing::activity(11, 300, 20));
    const auto minted_before = testing::read_chain(devnet, contracts).minted_tokens;
    ASSERT_GT(minted_before, 0U);

    const std::string url = test_util::shared_postgres_cluster().create_database();
    const uint64_t chain_id = devnet.chain_id();
    {
        auto store = store::open_store(url);
        store->migrate();
        recovery::testing::add_authors(*store, chain_id, 0);  // the default author, for start-up recovery
    }
    // Start-up recovery finds every minted id missing in the empty database.
    const std::string yaml = testing::devnet_config_yaml(
        devnet, contracts, url, recovery::testing::recovery_yaml(1, "off") + "sync:\n  lease_retry_ms: 200\n");

    // Started from this thread: a child dies with the thread that started it (PR_SET_PDEATHSIG).
    std::optional<Daemon> a;
    std::optional<Daemon> b;
    a.emplace(yaml);
    b.emplace(yaml);

    // Both ran start-up recovery; exactly one holds the lease.
    std::optional<Seen> sa;
    std::optional<Seen> sb;
    const bool settled = eventually(30s, [&] {
        sa = status_of(*a);
        sb = status_of(*b);
        return sa && sb && sa->recovery_runs == 1 && sb->recovery_runs == 1 &&
               (sa->role == "active") != (sb->role == "active");
    });
    ASSERT_TRUE(settled) << "a: " << a->output_tail() << "\nb: " << b->output_tail();
    // Each missing id was inserted once: by one instance or the other.
    EXPECT_EQ(sa->recovered + sb->recovered, minted_before);
    EXPECT_EQ(sa->duplicates_skipped + sb->duplicates_skipped, 0U);

    test_util::populate(devnet, contracts, testing::activity(12, 200, 10));
    Daemon& active = sa->role == "active" ? *a : *b;
    Daemon& standby = sa->role == "active" ? *b : *a;
    const uint64_t head = devnet.block_number();
    ASSERT_TRUE(eventually(60s, [&] {
        const auto s = status_of(active);
        return s && s->processed == head;
    })) << active.output_tail();
    // The standby followed nothing while the other held the lease.
    const auto idle = status_of(standby);
    ASSERT_TRUE(idle);
    EXPECT_EQ(idle->role, "standby");
    EXPECT_EQ(idle->steps, 0U);
    EXPECT_EQ(idle->events, 0U);
    const auto not_ready = standby.get("/health/ready");
    EXPECT_EQ(not_ready.status, 503);
    EXPECT_NE(not_ready.body.find("on standby"), std::string::npos) << not_ready.body;
    EXPECT_EQ(active.get("/health/ready").status, 200);
    // `tokensync catchup` beside a running daemon leaves the chain to it.
    const auto catchup = test_util::run_command(
        {test_util::tokensync_binary().string(), "--config", active.config_path().string(), "catchup"});
    EXPECT_EQ(catchup.status, 0) << catchup.output;
    EXPECT_NE(catchup.output.find("catchup.skipped chain="), std::string::npos) << catchup.output;
    EXPECT_EQ(catchup.output.find("catchup.completed"), std::string::npos) << catchup.output;

    // kill -9 the active one in the middle of more activity.
    std::thread traffic([&] { test_util::populate(devnet, contracts, testing::activity(13, 300, 5)); });
    std::this_thread::sleep_for(500ms);
    const auto killed_at = Clock::now();
    active.stop(SIGKILL, 5s);
    const bool took_over = eventually(15s, [&] {
        const auto s = status_of(standby);
        return s && s->role == "active";
    });
    const double takeover_s = std::chrono::duration<double>(Clock::now() - killed_at).count();
    traffic.join();
    ASSERT_TRUE(took_over) << standby.output_tail();
    fmt::print("take-over after kill -9: {:.2f} s\n", takeover_s);

    test_util::populate(devnet, contracts, testing::activity(14, 200, 10));
    const uint64_t final_head = devnet.block_number();
    ASSERT_TRUE(eventually(60s, [&] {
        const auto s = status_of(standby);
        return s && s->processed == final_head;
    })) << standby.output_tail();
    EXPECT_NE(standby.output().find("lease.acquired"), std::string::npos);

    auto store = store::open_store(url);
    EXPECT_EQ(testing::compare_store(*store, chain_id, contracts, testing::read_chain(devnet, contracts)), "");
}

// PostgreSQL restarts: every lease is dropped with its connection. Whoever
// takes the lease first after the restart follows; the other (the old
// holder, if it lost the race) stops writing and stands by.
TEST(TwoInstances, APostgresRestartLeavesExactlyOneFollower) {
    test_util::Devnet devnet{testing::quiet_devnet()};
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, testing::activity(31, 200, 20));
    auto& cluster = test_util::shared_postgres_cluster();
    const std::string url = cluster.create_database();
    const uint64_t chain_id = devnet.chain_id();
    const std::string yaml = testing::devnet_config_yaml(devnet, contracts, url, "sync:\n  lease_retry_ms: 200\n");
    std::optional<Daemon> a;
    std::optional<Daemon> b;
    a.emplace(yaml);
    b.emplace(yaml);
    auto one_active = [&](std::optional<Seen>& sa, std::optional<Seen>& sb) {
        sa = status_of(*a);
        sb = status_of(*b);
        return sa && sb && (sa->role == "active") != (sb->role == "active");
    };
    std::optional<Seen> sa;
    std::optional<Seen> sb;
    ASSERT_TRUE(eventually(30s, [&] { return one_active(sa, sb); })) << a->output_tail() << b->output_tail();

    cluster.stop();
    test_util::populate(devnet, contracts, testing::activity(32, 200, 10));
    cluster.start();
    test_util::populate(devnet, contracts, testing::activity(33, 100, 10));
    const uint64_t head = devnet.block_number();
    ASSERT_TRUE(eventually(60s,
                           [&] {
                               if (!one_active(sa, sb)) return false;
                               return (sa->role == "active" ? sa : sb)->processed == head;
                           }))
        << a->output_tail() << b->output_tail();
    Daemon& standby = sa->role == "active" ? *b : *a;
    const uint64_t standby_steps = (sa->role == "active" ? sb : sa)->steps;
    const uint64_t standby_events = (sa->role == "active" ? sb : sa)->events;

    // More activity: only the active one steps.
    test_util::populate(devnet, contracts, testing::activity(34, 100, 10));
    const uint64_t final_head = devnet.block_number();
    ASSERT_TRUE(eventually(60s,
                           [&] {
                               if (!one_active(sa, sb)) return false;
                               return (sa->role == "active" ? sa : sb)->processed == final_head;
                           }))
        << a->output_tail() << b->output_tail();
    const auto later = status_of(standby);
    ASSERT_TRUE(later);
    EXPECT_EQ(later->role, "standby");
    EXPECT_EQ(later->steps, standby_steps);
    EXPECT_EQ(later->events, standby_events);
    fmt::print(
        "after the restart: {} follows; lease.lost logged: {}\n", &standby == &*a ? "b" : "a",
        a->output().find("lease.lost") != std::string::npos || b->output().find("lease.lost") != std::string::npos);

    auto store = store::open_store(url);
    EXPECT_EQ(testing::compare_store(*store, chain_id, contracts, testing::read_chain(devnet, contracts)), "");
}

TEST(TwoInstances, ASecondWriterOfOneSqliteFileIsRefusedWhileExportReads) {
    test_util::Devnet devnet{testing::quiet_devnet()};
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, testing::activity(21, 100, 10));
    test_util::TempDir dir{"tokensync-two-sqlite"};
    const auto db = dir.path() / "one.db";
    const std::string yaml = testing::devnet_config_yaml(devnet, contracts, "sqlite://" + db.string());
    Daemon first(yaml);
    const uint64_t head = devnet.block_number();
    ASSERT_TRUE(eventually(60s, [&] {
        const auto s = status_of(first);
        return s && s->processed == head;
    })) << first.output_tail();

    const std::string config = first.config_path().string();
    const std::string bin = test_util::tokensync_binary().string();
    for (const char* command : {"run", "catchup", "migrate"}) {
        const auto started = Clock::now();
        const auto r = test_util::run_command({bin, "--config", config, command});
        EXPECT_NE(r.status, 0) << command << ": " << r.output;
        EXPECT_NE(r.output.find("in use by another tokensync process"), std::string::npos)
            << command << ": " << r.output;
        // The file's name (run_guarded redacts the random part of a temporary directory).
        EXPECT_NE(r.output.find("one.db "), std::string::npos) << command << ": " << r.output;
        EXPECT_NE(r.output.find(fmt::format("(pid {})", first.process().pid())), std::string::npos)
            << command << ": " << r.output;
        EXPECT_LT(Clock::now() - started, 20s) << command << " was not refused at once";
    }
    // A reader works meanwhile.
    const auto exported = test_util::run_command(
        {bin, "--config", config, "export", "--contract", "nft", "--what", "transfers", "--format", "jsonl"});
    EXPECT_EQ(exported.status, 0) << exported.output;
    EXPECT_GT(std::count(exported.output.begin(), exported.output.end(), '\n'), 10) << exported.output;
    EXPECT_TRUE(first.running());

    // Once the first has stopped the file is free again.
    EXPECT_EQ(first.stop(SIGTERM, 10s), 0);
    const auto migrated = test_util::run_command({bin, "--config", config, "migrate"});
    EXPECT_EQ(migrated.status, 0) << migrated.output;
}

}  // namespace
}  // namespace tokensync::app
