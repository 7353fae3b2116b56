// The engine's commands: backfill a block range, catch up to the head, or
// catch up and follow. Each opens the store, migrates it, checks the node's
// chain id against the config and stops cleanly on SIGINT/SIGTERM (a second
// signal exits at once; every commit is a transaction, so nothing is half
// written).
#include "cli/sync_commands.hpp"

#include <atomic>
#include <csignal>
#include <memory>

#include <unistd.h>

#include <fmt/format.h>

#include "app/chain_indexer.hpp"
#include "app/daemon.hpp"
#include "app/engine.hpp"
#include "chain/evm/eth_api.hpp"
#include "cli/exit_codes.hpp"
#include "cli/progress.hpp"
#include "cli/recover_command.hpp"
#include "infra/config_loader.hpp"
#include "infra/log.hpp"
#include "recovery/recovery.hpp"
#include "store/store.hpp"
#include "store/writer_lock.hpp"
#include "sync/follower.hpp"
#include "sync/range_ingest.hpp"

namespace tokensync::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signals{0};  // lock-free, so safe in a signal handler

extern "C" void on_stop_signal(int signal) {
    if (g_signals.fetch_add(1) > 0) _exit(128 + signal);  // a second signal: leave now (commits are atomic)
    g_stop.store(true);
}

void install_stop_handlers() {
    g_stop.store(false);
    g_signals.store(0);
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

struct BackfillArgs {
    std::optional<uint64_t> from;
    std::optional<uint64_t> to;
    std::optional<uint64_t> workers;
    std::optional<uint64_t> checkpoint_every;
    std::string chain;
    std::string indexes = "auto";  // auto | defer | keep
};

std::unique_ptr<store::Store> open_migrated(const infra::Config& config) {
    auto store = store::open_store(config.database);
    store->migrate();
    return store;
}

// A first load into an empty database (or the resumption of one) runs
// without the secondary indexes, which are built once at the end
// (Store::drop_secondary_indexes): maintaining them row by row is about a
// quarter of a SQLite backfill's CPU time. The marker in system_state lets a
// resumed load keep deferring after a crash: the crashed run's indexes were
// rebuilt by migrate() when the store was opened, and are dropped again.
class DeferredIndexes {
  public:
    static constexpr std::string_view kMarker = "backfill/indexes_deferred";

    DeferredIndexes(store::Store& store, std::string_view mode, const std::string& key) : store_(store) {
        const std::string marker = marker_for(key);
        active_ =
            mode == "defer" || (mode == "auto" && (!store_.has_indexed_rows() || store_.get_state(kMarker) == marker));
        if (!active_) return;
        store_.set_state(kMarker, marker);
        store_.drop_secondary_indexes();
        infra::log::info("backfill.indexes_deferred", {{"backfill", key}});
    }
    // An interrupted or failed load builds them too (the database stays
    // fast to read) but keeps the marker, so its resumption defers again.
    ~DeferredIndexes() {
        try {
            build(false);
        } catch (const std::exception& e) {
            // The next migrate() (any command's start) builds them.
            infra::log::error("backfill.indexes_not_built", {{"error", e.what()}});
        }
    }
    DeferredIndexes(const DeferredIndexes&) = delete;
    DeferredIndexes& operator=(const DeferredIndexes&) = delete;

    // Clears the marker of the load `key` if it is still there.
    static void forget(store::Store& store, const std::string& key) {
        if (store.get_state(kMarker) == marker_for(key)) store.set_state(kMarker, "null");
    }

    // Builds the indexes (once); a finished load clears the marker.
    void build(bool finished = true) {
        if (!active_) return;
        active_ = false;
        const auto started = std::chrono::steady_clock::now();
        store_.build_secondary_indexes();
        if (finished) store_.set_state(kMarker, "null");
        infra::log::info(
            "backfill.indexes_built",
            {{"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}});
    }

  private:
    static std::string marker_for(const std::string& key) { return fmt::format(R"({{"backfill":"{}"}})", key); }

    store::Store& store_;
    bool active_ = false;
};

int run_backfill(const GlobalOptions& options, const BackfillArgs& args) {
    const infra::Config config = infra::load_config(options.config_path);
    const store::WriterLock writer(config.database);  // one writing process per SQLite file
    const infra::ChainConfig& chain = app::pick_chain(config, args.chain);
    const auto contracts = app::contract_starts(config, chain);
    auto store = open_migrated(config);
    const sync::ChainTarget target = app::chain_target(chain);
    chain::evm::RpcClient client(target.rpc);
    app::check_chain_id(client, chain);
    const uint64_t head = chain::evm::block_number(client);

    uint64_t from = UINT64_MAX;
    for (const auto& c : contracts)
        from = std::min(from, c.start_block);
    if (args.from) from = *args.from;
    const uint64_t to = args.to.value_or(head);
    if (to > head) {
        fmt::print(stderr, "error: --to {} is beyond the head of chain {} ({})\n", to, chain.name, head);
        return kExitConfig;
    }
    if (from > to) {
        fmt::print(stderr, "error: --from {} is after --to {}\n", from, to);
        return kExitConfig;
    }
    const std::string key = fmt::format("backfill/{}/{}-{}", chain.chain_id, from, to);
    uint64_t start = from;
    if (const auto done = sync::checkpoint_done(*store, key)) {
        if (*done >= to) {
            // A run killed between building the indexes and clearing the
            // marker left it behind (migrate() has built the indexes).
            DeferredIndexes::forget(*store, key);
            fmt::print("backfill.completed chain={} from={} to={} logs=0 note=\"already done\"\n", chain.name, from,
                       to);
            return kExitOk;
        }
        start = *done + 1;
        infra::log::info("backfill.resuming", {{"chain", chain.name}, {"from", from}, {"to", to}, {"after", *done}});
    }

    sync::IngestOptions opts = app::ingest_options(config.sync);
    if (args.workers) opts.workers = *args.workers;
    if (args.checkpoint_every) opts.checkpoint_every = *args.checkpoint_every;
    opts.checkpoint_key = key;
    opts.all_headers_from = head > chain.finality_depth ? head - chain.finality_depth : 0;
    for (const auto& c : contracts) {
        const uint64_t next = sync::next_block(*store, chain.chain_id, c);
        // A contract whose history has a gap before `start`, or that is
        // already past `to`, keeps its cursor.
        if (next >= start && next <= to + 1) opts.cursors.push_back({c.address, next});
    }
    install_stop_handlers();
    opts.stop = &g_stop;
    ProgressDisplay progress(fmt::format("backfill {}", chain.name), isatty(STDERR_FILENO) == 1);
    opts.on_progress = [&](const sync::IngestProgress& p) { progress.update(p); };

    app::ChainIndexer indexer(config, chain);
    indexer.refresh(*store);
    const auto started = std::chrono::steady_clock::now();
    DeferredIndexes deferred(*store, args.indexes, key);
    infra::log::info(
        "backfill.started",
        {{"chain", chain.name}, {"from", start}, {"to", to}, {"workers", static_cast<uint64_t>(opts.workers)}});
    sync::IngestResult result;
    try {
        result = sync::ingest_range(target, *store, indexer, start, to, opts);
    } catch (const sync::IngestError&) {
        progress.finish();
        throw;
    }
    progress.finish();
    if (!result.interrupted) deferred.build();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const uint64_t rate = secs > 0 ? static_cast<uint64_t>(static_cast<double>(result.logs) / secs) : 0;
    if (result.interrupted) {
        const std::string done = result.commits > 0 ? std::to_string(result.done_to) : "none";
        fmt::print("backfill.interrupted chain={} from={} to={} done_to={} logs={} (run the same command to resume)\n",
                   chain.name, from, to, done, result.logs);
        return kExitPartial;
    }
    fmt::print("backfill.completed chain={} from={} to={} logs={} seconds={:.2f} events_per_s={} rejected={}\n",
               chain.name, from, to, result.logs, secs, rate, indexer.rejected());
    return kExitOk;
}

// One chain's follower with everything it owns.
struct ChainRunner {
    const infra::ChainConfig* chain = nullptr;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<app::ChainIndexer> indexer;
    std::unique_ptr<sync::Follower> follower;
};

std::vector<ChainRunner> make_runners(const infra::Config& config) {
    std::vector<ChainRunner> runners;
    const auto chains = app::followed_chains(config);
    if (chains.empty())
        throw infra::ConfigError("config error: contracts: no contract to index (add one under contracts:)");
    for (const auto* chain : chains) {
        ChainRunner r;
        r.chain = chain;
        r.store = open_migrated(config);
        chain::evm::RpcClient client(app::chain_target(*chain).rpc);
        app::check_chain_id(client, *chain);
        r.indexer = std::make_unique<app::ChainIndexer>(config, *chain);
        r.follower =
            std::make_unique<sync::Follower>(app::chain_target(*chain), *r.store, *r.indexer,
                                             app::contract_starts(config, *chain), app::follow_options(config, *chain));
        runners.push_back(std::move(r));
    }
    return runners;
}

int run_catchup(const GlobalOptions& options) {
    const infra::Config config = infra::load_config(options.config_path);
    const store::WriterLock writer(config.database);  // one writing process per SQLite file
    auto runners = make_runners(config);
    install_stop_handlers();
    for (auto& r : runners) {
        // A running daemon that holds the chain's lease keeps it current;
        // catching up beside it would fetch and write the same blocks again.
        if (!r.store->try_session_lock(app::lease_key(r.chain->chain_id))) {
            fmt::print("catchup.skipped chain={} reason=\"another instance follows it (it holds the chain's lease)\"\n",
                       r.chain->name);
            continue;
        }
        const auto processed = r.follower->catch_up(g_stop);
        fmt::print("catchup.completed chain={} processed={}\n", r.chain->name,
                   processed ? std::to_string(*processed) : "none");
        if (g_stop.load()) return kExitPartial;
    }
    return kExitOk;
}

// The daemon itself lives in app/daemon.cpp; this only loads the config and
// wires the signals (g_stop) to it.
int run_daemon(const GlobalOptions& options) {
    const infra::Config config = infra::load_config(options.config_path);
    const store::WriterLock writer(config.database);  // one writing process per SQLite file
    app::DaemonHooks hooks;
    hooks.version = TOKENSYNC_VERSION;
    hooks.startup_recovery = [&config]() -> std::optional<app::DaemonHooks::RecoveryRun> {
        // Before live follow, bounded by recovery.batch_size.
        const auto result = recover_at_startup(config);
        if (!result) return std::nullopt;
        return app::DaemonHooks::RecoveryRun{recovery::to_json(*result, false), result->recovered};
    };
    app::Daemon daemon(config, std::move(hooks));
    install_stop_handlers();
    const int status = daemon.run(g_stop);
    infra::log::info("run.stopped", {{"signal", g_signals.load() > 0}});
    return status == 0 ? kExitOk : kExitPartial;
}

}  // namespace

void add_sync_commands(CLI::App& app, const GlobalOptions& options, int& exit_code) {
    static BackfillArgs args;
    CLI::App* backfill = app.add_subcommand(
        "backfill", "Index a block range with parallel workers; resumes from its checkpoint after a crash");
    backfill->add_option("--from", args.from, "First block (default: the lowest start_block of the contracts)");
    backfill->add_option("--to", args.to, "Last block (default: the node's head)");
    backfill->add_option("--workers", args.workers, "Parallel eth_getLogs fetchers (default: sync.workers)")
        ->check(CLI::Range(1, 64));
    backfill
        ->add_option("--checkpoint-every", args.checkpoint_every,
                     "Blocks per committed chunk at most (default: sync.checkpoint_every)")
        ->check(CLI::PositiveNumber);
    backfill->add_option("--chain", args.chain, "Chain to backfill (needed when several chains have contracts)");
    backfill
        ->add_option("--indexes", args.indexes,
                     "auto: build secondary indexes after the load when the database starts empty; "
                     "defer: always; keep: maintain them row by row")
        ->check(CLI::IsMember({"auto", "defer", "keep"}));
    backfill->callback(
        [&options, &exit_code] { exit_code = run_guarded([&] { return run_backfill(options, args); }); });

    CLI::App* catchup = app.add_subcommand("catchup", "Index from each cursor up to the chain head, then exit");
    catchup->callback([&options, &exit_code] { exit_code = run_guarded([&] { return run_catchup(options); }); });

    CLI::App* run = app.add_subcommand("run", "Catch up, then follow new blocks until SIGINT/SIGTERM");
    run->callback([&options, &exit_code] { exit_code = run_guarded([&] { return run_daemon(options); }); });
}

}  // namespace tokensync::cli
