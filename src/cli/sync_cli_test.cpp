// kill -9 of the `tokensync` binary at random moments, 20 times in a row,
// during a backfill and during live follow, on SQLite and PostgreSQL: after
// a final run the store holds exactly the canonical chain (no log missing,
// none twice, balances and owners as a replay of the chain gives).
#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include <signal.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/engine_test_support.hpp"
#include "store/store.hpp"
#include "test_util/devnet.hpp"
#include "test_util/populate.hpp"
#include "test_util/process.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync {
namespace {

using test_util::Devnet;

using app::testing::activity;
using app::testing::Backend;

constexpr int kKills = 20;

class SyncKill : public ::testing::TestWithParam<Backend> {
  protected:
    std::string database_url() { return app::testing::fresh_database(GetParam(), dir_.path()); }

    std::string write_config(const Devnet& devnet, const test_util::TestContracts& contracts, const std::string& db) {
        const auto path = dir_.path() / "tokensync.yaml";
        // Small commits, so a kill lands between many of them.
        std::ofstream(path) << app::testing::devnet_config_yaml(devnet, contracts, db,
                                                                "sync:\n  workers: 3\n  batch_logs: 400\n");
        return path.string();
    }

    test_util::Process start(const std::vector<std::string>& args) {
        std::vector<std::string> argv{TOKENSYNC_BIN};
        argv.insert(argv.end(), args.begin(), args.end());
        return test_util::Process({.argv = argv,
                                   .stdout_path = (dir_.path() / "out.log").string(),
                                   .stderr_path = "",
                                   .run_as_user = "",
                                   .env = {}});
    }

    std::string output() const {
        std::ifstream in(dir_.path() / "out.log");
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    test_util::TempDir dir_{"tokensync-kill"};
};

TEST_P(SyncKill, BackfillKilledTwentyTimesEndsExact) {
    Devnet devnet(app::testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, activity(11, 30'000, 300));
    const std::string head = std::to_string(devnet.block_number());
    // How long this machine takes for the whole load and for a run that
    // finds it done (start-up alone), on a scratch database: the kills are
    // spread so that most land before the load completes, about a twentieth
    // of the load's work apart, whatever the machine's speed.
    const auto timed_run = [&](const std::string& config) {
        const auto started = std::chrono::steady_clock::now();
        auto p = start({"--config", config, "backfill", "--from", "0", "--to", head});
        EXPECT_EQ(p.wait(), 0) << output();
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
            .count();
    };
    const std::string scratch = write_config(devnet, contracts, database_url());
    const auto whole_ms = timed_run(scratch);
    const auto startup_ms = timed_run(scratch);
    const auto work_ms = std::max<int64_t>(whole_ms - startup_ms, 20);
    const int max_sleep_ms = static_cast<int>(startup_ms + work_ms / 10);

    const std::string db = database_url();
    const std::string config = write_config(devnet, contracts, db);
    std::mt19937 rng(1234);
    int killed_while_running = 0;
    for (int i = 0; i < kKills; ++i) {
        auto p = start({"--config", config, "backfill", "--from", "0", "--to", head});
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(20, max_sleep_ms)(rng)));
        if (p.running()) {
            ++killed_while_running;
            p.kill(SIGKILL);
        }
        const int status = p.wait();
        EXPECT_TRUE(status == 128 + SIGKILL || status == 0) << "run " << i << ": status " << status << "\n" << output();
    }
    EXPECT_GT(killed_while_running, kKills / 2) << "the kills should land while the backfill runs (whole run "
                                                << whole_ms << " ms, start-up " << startup_ms << " ms)";
    auto last = start({"--config", config, "backfill", "--from", "0", "--to", head});
    ASSERT_EQ(last.wait(), 0) << output();
    EXPECT_NE(output().find("backfill.completed"), std::string::npos) << output();
    auto store = store::open_store(db);
    EXPECT_EQ(
        app::testing::compare_store(*store, devnet.chain_id(), contracts, app::testing::read_chain(devnet, contracts)),
        "");
    // The load began on an empty database, so it ran without the secondary
    // indexes (--indexes auto), every resumption too; the run that finished
    // built them and cleared its marker.
    EXPECT_TRUE(store->missing_secondary_indexes().empty());
    EXPECT_EQ(store->get_state("backfill/indexes_deferred"), "null");
}

TEST_P(SyncKill, LiveFollowKilledTwentyTimesEndsExact) {
    Devnet devnet(app::testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, activity(21, 2'000, 100));
    const std::string db = database_url();
    const std::string config = write_config(devnet, contracts, db);
    std::mt19937 rng(4321);
    int killed_while_running = 0;
    for (int i = 0; i < kKills; ++i) {
        auto p = start({"--config", config, "run"});
        // New blocks arrive while it runs.
        test_util::populate(devnet, contracts, activity(500 + static_cast<uint64_t>(i), 150, 25));
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 400)(rng)));
        if (p.running()) {
            ++killed_while_running;
            p.kill(SIGKILL);
        }
        const int status = p.wait();
        EXPECT_TRUE(status == 128 + SIGKILL) << "run " << i << ": status " << status << "\n" << output();
    }
    EXPECT_EQ(killed_while_running, kKills);
    auto last = start({"--config", config, "catchup"});
    ASSERT_EQ(last.wait(), 0) << output();
    auto store = store::open_store(db);
    EXPECT_EQ(
        app::testing::compare_store(*store, devnet.chain_id(), contracts, app::testing::read_chain(devnet, contracts)),
        "");
}

TEST_P(SyncKill, RunStopsCleanlyOnSigterm) {
    Devnet devnet(app::testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, activity(31, 500, 50));
    const std::string db = database_url();
    const std::string config = write_config(devnet, contracts, db);
    auto p = start({"--config", config, "run"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (output().find("sync.catchup_done") == std::string::npos && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    p.kill(SIGTERM);
    EXPECT_EQ(p.wait(), 0) << output();
    auto store = store::open_store(db);
    EXPECT_EQ(
        app::testing::compare_store(*store, devnet.chain_id(), contracts, app::testing::read_chain(devnet, contracts)),
        "");
}

TEST_P(SyncKill, ClearErrorsForAWrongChainIdAndARangeBeyondTheHead) {
    Devnet devnet(app::testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    const std::string db = database_url();
    const std::string config = write_config(devnet, contracts, db);
    const std::string beyond = std::to_string(devnet.block_number() + 100);
    auto far = start({"--config", config, "backfill", "--from", "0", "--to", beyond});
    EXPECT_EQ(far.wait(), 2);
    EXPECT_NE(output().find("error: --to " + beyond + " is beyond the head of chain local"), std::string::npos)
        << output();
    // The same node under another configured chain id.
    std::string yaml = app::testing::devnet_config_yaml(devnet, contracts, db);
    yaml.replace(yaml.find("chain_id: 31337"), 15, "chain_id: 8453");
    std::ofstream(dir_.path() / "wrong.yaml") << yaml;
    for (const char* command : {"backfill", "catchup", "run"}) {
        auto p = start({"--config", (dir_.path() / "wrong.yaml").string(), command});
        EXPECT_EQ(p.wait(), 2) << command;
        EXPECT_NE(output().find("is configured with chain_id 8453 but its node at 127.0.0.1:" +
                                std::to_string(devnet.port()) + " reports 31337"),
                  std::string::npos)
            << command << ": " << output();
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncKill, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return std::string(app::testing::backend_name(p.param)); });

}  // namespace
}  // namespace tokensync
