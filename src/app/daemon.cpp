#include "app/daemon.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <unistd.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/delivery_log.hpp"
#include "api/router.hpp"
#include "api/service.hpp"
#include "api/store_pool.hpp"
#include "app/chain_indexer.hpp"
#include "app/engine.hpp"
#include "chain/evm/head_tracker.hpp"
#include "infra/log.hpp"
#include "infra/metrics.hpp"
#include "infra/redact.hpp"
#include "net/http_server.hpp"
#include "store/store.hpp"
#include "sync/follower.hpp"

namespace tokensync::app {
namespace {

using Clock = std::chrono::steady_clock;

int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<uint64_t> quantity(const boost::json::value* v) {
    if (v == nullptr || !v->is_string()) return std::nullopt;
    const std::string_view s = v->as_string();
    if (!s.starts_with("0x") || s.size() < 3 || s.size() > 18) return std::nullopt;
    uint64_t n = 0;
    for (char c : s.substr(2)) {
        const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return std::nullopt;
        n = n * 16 + static_cast<uint64_t>(d);
    }
    return n;
}

// The blocks an eth_getLogs request spans (none for a blockHash filter).
std::optional<uint64_t> get_logs_span(const chain::evm::Request& request) {
    if (request.params.empty() || !request.params[0].is_object()) return std::nullopt;
    const auto& filter = request.params[0].as_object();
    const auto from = quantity(filter.if_contains("fromBlock"));
    const auto to = quantity(filter.if_contains("toBlock"));
    if (!from || !to || *to < *from) return std::nullopt;
    return *to - *from + 1;
}

}  // namespace

// One chain's follower with everything it owns.
struct ChainRunner {
    const infra::ChainConfig* chain = nullptr;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<ChainIndexer> indexer;
    std::unique_ptr<sync::Follower> follower;
    std::shared_ptr<chain::evm::HeadTracker> tracker;
    std::thread thread;
    std::atomic<bool> failed{false};
    // The lease: only the instance holding it follows the chain; the others
    // wait as standbys (docs/service.md, "Running two instances").
    int64_t lease = 0;
    std::atomic<bool> active{false};
    std::atomic<bool> lease_tried{false};  // false until the first try: the chain is starting, not a standby
    std::atomic<bool> shutdown{false};     // the daemon is stopping
    std::atomic<bool> follow_stop{false};  // stops the follower: shutdown, or the lease lost
    // What refresh_metrics has already counted.
    uint64_t reorgs_counted = 0;
};

struct Daemon::State {
    const infra::Config& config;
    DaemonHooks hooks;
    Clock::time_point started = Clock::now();
    int64_t started_unix = unix_now();
    infra::Metrics metrics;
    std::unique_ptr<api::StorePool> stores;
    std::unique_ptr<api::DeliveryLog> deliveries;
    std::vector<std::unique_ptr<ChainRunner>> runners;
    std::string keeper_address;  // EIP-55, when the config has a keeper
    api::ServiceContext context;
    api::Router router;
    std::unique_ptr<net::HttpServer> server;
    std::mutex recovery_mutex;
    std::string last_recovery = "null";  // JSON: {trigger, at, result} of the last recovery
    uint64_t recovery_runs = 0;
    // Tokens by status, read at most every kTokenCountTtl (a full count of
    // the tokens table is too much for every /status and /metrics request).
    std::mutex token_counts_mutex;
    std::vector<store::TokenStatusCount> token_counts;
    std::optional<Clock::time_point> token_counts_read;
    std::mutex metrics_mutex;  // refresh_metrics from several request threads

    explicit State(const infra::Config& c, DaemonHooks h) : config(c), hooks(std::move(h)) {}

    sync::ChainTarget observed_target(const infra::ChainConfig& chain);
    std::optional<std::string> not_ready() const;
    std::string status_json();
    void refresh_metrics();
    bool wake_chain(uint64_t chain_id, uint64_t block);
    void recovery_done(std::string_view trigger, const std::string& result_json, uint64_t recovered);
    std::vector<store::TokenStatusCount> tokens_by_status();
    std::string chain_name(uint64_t chain_id) const;
    std::string contract_name(uint64_t chain_id, const core::Address& address) const;
    void request_catchup();
    // A runner's thread: takes the lease (retrying as a standby), follows
    // while it holds it, and stands by again when it is lost.
    void run_chain(ChainRunner& r);
};

sync::ChainTarget Daemon::State::observed_target(const infra::ChainConfig& chain) {
    sync::ChainTarget target = chain_target(chain);
    infra::Metrics* m = &metrics;
    const std::string name = chain.name;
    target.rpc.observer = [m, name](std::span<const chain::evm::Request> requests, std::string_view host, bool ok) {
        for (const auto& r : requests) {
            const infra::Labels labels{{"chain", name}, {"method", r.method}, {"host", std::string(host)}};
            m->counter("tokensync_rpc_requests_total", "JSON-RPC requests sent (each item of a batch, each retry)",
                       labels)
                .inc();
            if (!ok) {
                m->counter("tokensync_rpc_errors_total",
                           "JSON-RPC requests without a usable answer (transport, HTTP status, invalid JSON, rate "
                           "limit)",
                           labels)
                    .inc();
            }
            if (ok && r.method == "eth_getLogs") {
                if (const auto span = get_logs_span(r)) {
                    m->histogram("tokensync_eth_get_logs_range_blocks", "Blocks spanned by each eth_getLogs request",
                                 {1, 10, 100, 500, 1'000, 2'000, 5'000, 10'000, 100'000}, {{"chain", name}})
                        .observe(static_cast<double>(*span));
                }
            }
        }
    };
    return target;
}

std::optional<std::string> Daemon::State::not_ready() const {
    for (const auto& r : runners) {
        // Ready means following every chain: a standby still serves reads,
        // but a load balancer that routes on readiness picks the active one.
        if (r->lease_tried.load() && !r->active.load() && !r->failed.load())
            return fmt::format("chain {} is on standby: another instance holds its lease", r->chain->name);
        const auto s = r->follower->status();
        if (s.state == sync::FollowState::kHalted)
            return fmt::format("chain {} is halted: {}", r->chain->name, s.last_error);
        if (s.state != sync::FollowState::kLive)
            return fmt::format("chain {} is {}", r->chain->name, sync::to_string(s.state));
    }
    return std::nullopt;
}

void Daemon::State::recovery_done(std::string_view trigger, const std::string& result_json, uint64_t recovered) {
    const infra::Labels labels{{"trigger", std::string(trigger)}};
    metrics.counter("tokensync_recovery_runs_total", "Counter-gap recoveries run by the daemon", labels).inc();
    metrics.counter("tokensync_recovered_tokens_total", "Token rows inserted by counter-gap recoveries", labels)
        .inc(static_cast<double>(recovered));
    const boost::json::object last{
        {"trigger", trigger}, {"at", unix_now()}, {"result", boost::json::parse(result_json)}};
    std::lock_guard lock(recovery_mutex);
    last_recovery = boost::json::serialize(last);
    ++recovery_runs;
    {
        // A recovery changes the counts: read them again on the next request.
        std::lock_guard counts_lock(token_counts_mutex);
        token_counts_read.reset();
    }
}

std::vector<store::TokenStatusCount> Daemon::State::tokens_by_status() {
    constexpr auto kTokenCountTtl = std::chrono::seconds(5);
    std::lock_guard lock(token_counts_mutex);
    if (stores && (!token_counts_read || Clock::now() - *token_counts_read > kTokenCountTtl)) {
        try {
            auto lease = stores->lease();
            try {
                token_counts = lease->count_tokens_by_status();
            } catch (...) {
                lease.discard();
                throw;
            }
            token_counts_read = Clock::now();
        } catch (const std::exception& e) {
            // The database is down: /health says so; keep the last counts.
            infra::log::debug("status.token_counts_failed", {{"error", e.what()}});
        }
    }
    return token_counts;
}

std::string Daemon::State::chain_name(uint64_t chain_id) const {
    for (const auto& chain : config.chains) {
        if (chain.chain_id == chain_id) return chain.name;
    }
    return std::to_string(chain_id);
}

std::string Daemon::State::contract_name(uint64_t chain_id, const core::Address& address) const {
    for (const auto& contract : config.contracts) {
        const auto* chain = config.find_chain(contract.chain);
        if (chain != nullptr && chain->chain_id == chain_id && contract.address == address) return contract.name;
    }
    return address.checksum();
}

std::string Daemon::State::status_json() {
    boost::json::array chains;
    for (const auto& r : runners) {
        const auto s = r->follower->status();
        const auto t = r->tracker ? r->tracker->status() : chain::evm::HeadTrackerStatus{};
        boost::json::array recent;
        for (const auto& reorg : s.recent_reorgs) {
            recent.push_back(boost::json::object{
                {"block", reorg.block}, {"ancestor", reorg.ancestor}, {"depth", reorg.depth}, {"at", reorg.at_unix}});
        }
        boost::json::object chain{
            {"name", r->chain->name},
            {"chain_id", r->chain->chain_id},
            {"role", r->active.load() ? "active" : "standby"},
            {"state", sync::to_string(s.state)},
            {"head", s.head},
            {"last_processed", s.processed ? boost::json::value(*s.processed) : boost::json::value(nullptr)},
            {"blocks_behind", s.processed && s.head > *s.processed ? s.head - *s.processed
                              : s.processed                        ? 0
                                                                   : s.head},
            {"listener", boost::json::object{{"mode", chain::evm::to_string(t.mode)},
                                             {"reconnects", t.reconnects},
                                             {"ws_failures", t.ws_failures}}},
            {"reorgs", boost::json::object{{"count", s.reorgs},
                                           {"last_depth", s.last_reorg_depth},
                                           {"max_depth", s.max_reorg_depth},
                                           {"recent", std::move(recent)}}},
            {"events_ingested", s.events},
            {"steps", s.steps},
            {"step_errors", s.step_errors},
            {"webhook_wakes", s.wakes},
            {"last_error", s.last_error},
        };
        chains.push_back(std::move(chain));
    }
    boost::json::object recovery;
    {
        std::lock_guard lock(recovery_mutex);
        recovery["last_result"] = boost::json::parse(last_recovery);
        recovery["runs"] = recovery_runs;
    }
    boost::json::object by_status;
    for (const auto status : store::all_token_statuses())
        by_status[store::to_string(status)] = 0;
    for (const auto& c : tokens_by_status())
        by_status[store::to_string(c.status)] = by_status[store::to_string(c.status)].to_number<uint64_t>() + c.count;
    const auto why = not_ready();
    boost::json::object body{
        {"version", hooks.version},
        {"started_at", started_unix},
        {"uptime_seconds", std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count()},
        {"ready", !why.has_value()},
        {"chains", std::move(chains)},
        {"recovery", std::move(recovery)},
        {"tokens_by_status", std::move(by_status)},
        {"webhooks", boost::json::object{{"alchemy_enabled", config.alchemy_webhook.has_value()},
                                         {"remembered_ids", deliveries ? deliveries->size() : 0}}},
        {"keeper", config.keeper ? boost::json::value(boost::json::object{{"chain", config.keeper->chain},
                                                                          {"address", keeper_address}})
                                 : boost::json::value(nullptr)},
    };
    return boost::json::serialize(body);
}

void Daemon::State::refresh_metrics() {
    std::lock_guard lock(metrics_mutex);
    metrics.gauge("tokensync_uptime_seconds", "Seconds since the daemon started")
        .set(std::chrono::duration<double>(Clock::now() - started).count());
    metrics.gauge("tokensync_build_info", "The daemon's version (always 1)", {{"version", hooks.version}}).set(1);
    for (const auto& c : tokens_by_status()) {
        metrics
            .gauge("tokensync_tokens", "Token rows by chain, contract and lifecycle status",
                   {{"chain", chain_name(c.chain_id)},
                    {"contract", contract_name(c.chain_id, c.contract)},
                    {"status", std::string(store::to_string(c.status))}})
            .set(static_cast<double>(c.count));
    }
    for (auto& r : runners) {
        const auto s = r->follower->status();
        const infra::Labels chain{{"chain", r->chain->name}};
        metrics
            .gauge("tokensync_chain_active",
                   "1 while this instance holds the chain's lease and follows it, 0 on standby", chain)
            .set(r->active.load() ? 1 : 0);
        metrics.gauge("tokensync_head_block", "Newest head block seen", chain).set(static_cast<double>(s.head));
        if (s.processed) {
            metrics.gauge("tokensync_processed_block", "Last block committed for every contract", chain)
                .set(static_cast<double>(*s.processed));
        }
        const uint64_t behind = s.processed ? (s.head > *s.processed ? s.head - *s.processed : 0) : s.head;
        metrics.gauge("tokensync_blocks_behind", "Head block minus the last processed block", chain)
            .set(static_cast<double>(behind));
        metrics.gauge("tokensync_chain_live", "1 when the chain's catch-up is done and it follows new heads", chain)
            .set(s.state == sync::FollowState::kLive ? 1 : 0);
        metrics.gauge("tokensync_chain_halted", "1 when the chain stopped on a reorg below the finality window", chain)
            .set(s.state == sync::FollowState::kHalted ? 1 : 0);
        auto& reorgs = metrics.counter("tokensync_reorgs_total", "Chain reorganisations rolled back", chain);
        auto& depth = metrics.histogram("tokensync_reorg_depth_blocks", "Depth of each rolled-back reorg",
                                        {1, 2, 3, 5, 10, 20, 64, 128}, chain);
        if (s.reorgs > r->reorgs_counted) {
            const uint64_t fresh = s.reorgs - r->reorgs_counted;
            reorgs.inc(static_cast<double>(fresh));
            // recent_reorgs keeps the last ten; older unseen ones are lost to the histogram.
            const std::size_t n = std::min<std::size_t>(fresh, s.recent_reorgs.size());
            for (std::size_t i = s.recent_reorgs.size() - n; i < s.recent_reorgs.size(); ++i)
                depth.observe(static_cast<double>(s.recent_reorgs[i].depth));
            r->reorgs_counted = s.reorgs;
        }
        if (r->tracker) {
            const auto t = r->tracker->status();
            metrics
                .gauge("tokensync_listener_websocket", "1 while new heads arrive over the WebSocket, 0 when polling",
                       chain)
                .set(t.mode == chain::evm::HeadTrackerMode::kWebSocket ? 1 : 0);
            metrics.gauge("tokensync_listener_reconnects", "WebSocket subscriptions confirmed after the first", chain)
                .set(static_cast<double>(t.reconnects));
        }
    }
}

bool Daemon::State::wake_chain(uint64_t chain_id, uint64_t block) {
    bool found = false;
    for (auto& r : runners) {
        if (r->chain->chain_id != chain_id) continue;
        r->follower->wake(block, sync::EventSource::kWebhook);
        found = true;
    }
    return found;
}

void Daemon::State::request_catchup() {
    for (auto& r : runners)
        r->follower->wake(0, sync::EventSource::kLive);
}

void Daemon::State::run_chain(ChainRunner& r) {
    const auto retry = std::chrono::milliseconds(config.sync.lease_retry_ms);
    bool announced = false;
    while (!r.shutdown.load()) {
        bool acquired = false;
        try {
            acquired = r.store->try_session_lock(r.lease);
        } catch (const std::exception& e) {
            infra::log::warn("lease.check_failed", {{"chain", r.chain->name}, {"error", e.what()}});
        }
        if (!acquired) {
            r.lease_tried = true;
            if (!announced) infra::log::info("lease.standby", {{"chain", r.chain->name}});
            announced = true;
            for (auto waited = Clock::duration::zero(); waited < retry && !r.shutdown.load();
                 waited += std::chrono::milliseconds(50))
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        announced = false;
        r.follow_stop = false;
        if (r.shutdown.load()) r.follow_stop = true;  // shutdown set it between the loop's check and the line above
        r.active = true;
        r.lease_tried = true;
        infra::log::info("lease.acquired", {{"chain", r.chain->name}});
        try {
            r.follower->run(tracker_head_waiter(r.tracker), r.follow_stop);
        } catch (...) {
            r.active = false;
            throw;
        }
        r.active = false;
        if (r.shutdown.load()) break;
        infra::log::warn("lease.lost", {{"chain", r.chain->name}});
        r.store->release_session_lock(r.lease);
    }
}

Daemon::Daemon(const infra::Config& config, DaemonHooks hooks)
    : state_(std::make_unique<State>(config, std::move(hooks))) {
    State& s = *state_;
    const auto chains = followed_chains(config);
    if (chains.empty())
        throw infra::ConfigError("config error: contracts: no contract to index (add one under contracts:)");
    // Every source and outcome is registered up front, so /metrics lists them at 0.
    for (const auto* chain : chains) {
        for (std::string_view source : {"webhook", "websocket", "poll", "backfill"}) {
            s.metrics.counter("tokensync_events_ingested_total", "Logs committed, by chain and by what triggered it",
                              {{"chain", chain->name}, {"source", std::string(source)}});
        }
    }
    for (std::string_view outcome : {"accepted", "duplicate", "ignored", "bad_signature", "bad_body"}) {
        s.metrics.counter("tokensync_webhook_deliveries_total", "Alchemy webhook deliveries by outcome",
                          {{"outcome", std::string(outcome)}});
    }
    for (const auto* chain : chains) {
        auto r = std::make_unique<ChainRunner>();
        r->chain = chain;
        r->lease = lease_key(chain->chain_id);
        r->store = store::open_store(config.database);
        r->store->migrate();
        chain::evm::RpcClient client(chain_target(*chain).rpc);
        check_chain_id(client, *chain);
        r->indexer = std::make_unique<ChainIndexer>(config, *chain);
        sync::FollowOptions options = follow_options(config, *chain);
        ChainRunner* raw = r.get();
        infra::Metrics* m = &s.metrics;
        options.on_events = [m, raw](sync::EventSource source, uint64_t logs) {
            std::string name = "backfill";
            if (source == sync::EventSource::kWebhook) {
                name = "webhook";
            } else if (source == sync::EventSource::kLive) {
                const bool ws = raw->tracker && raw->tracker->status().mode == chain::evm::HeadTrackerMode::kWebSocket;
                name = ws ? "websocket" : "poll";
            }
            m->counter("tokensync_events_ingested_total", "Logs committed, by chain and by what triggered it",
                       {{"chain", raw->chain->name}, {"source", name}})
                .inc(static_cast<double>(logs));
        };
        r->follower = std::make_unique<sync::Follower>(s.observed_target(*chain), *r->store, *r->indexer,
                                                       contract_starts(config, *chain), std::move(options));
        r->tracker = make_head_tracker(*chain);
        s.runners.push_back(std::move(r));
    }
    if (config.keeper) {
        // The address only: the key itself never leaves the config.
        s.keeper_address = config.keeper->key.address().checksum();
        infra::log::info("keeper.account", {{"chain", config.keeper->chain}, {"address", s.keeper_address}});
    }
    if (config.server) {
        s.stores = std::make_unique<api::StorePool>(config.database, config.server->threads + 2);
        if (config.alchemy_webhook) {
            s.deliveries = std::make_unique<api::DeliveryLog>(s.stores.get(), config.alchemy_webhook->remember_ids);
            s.deliveries->load();
        }
        s.context.config = &config;
        s.context.stores = s.stores.get();
        s.context.metrics = &s.metrics;
        s.context.admin_token = config.server->admin_token;
        s.context.status_json = [&s] { return s.status_json(); };
        s.context.request_catchup = [&s] { s.request_catchup(); };
        s.context.not_ready = [&s] { return s.not_ready(); };
        s.context.refresh_metrics = [&s] { s.refresh_metrics(); };
        s.context.wake_chain = [&s](uint64_t chain_id, uint64_t block) { return s.wake_chain(chain_id, block); };
        s.context.webhook_deliveries = s.deliveries.get();
        s.context.recovery_done = [&s](std::string_view trigger, const std::string& json, uint64_t recovered) {
            s.recovery_done(trigger, json, recovered);
        };
        api::add_ops_routes(s.router, s.context);
        api::add_webhook_routes(s.router, s.context);
        api::add_read_routes(s.router, s.context);
        api::add_admin_routes(s.router, s.context);
        api::add_dashboard_routes(s.router, s.context);
        net::HttpServerOptions server_options;
        server_options.host = config.server->host;
        server_options.port = config.server->port;
        server_options.body_limit = config.server->body_limit;
        server_options.request_timeout = std::chrono::milliseconds(config.server->request_timeout_ms);
        server_options.threads = config.server->threads;
        infra::Counter& too_large = s.metrics.counter(
            "tokensync_webhook_deliveries_total", "Alchemy webhook deliveries by outcome", {{"outcome", "too_large"}});
        server_options.on_refused = [&too_large](int status, std::string_view target) {
            if (status == 413 && target.starts_with("/webhooks/")) too_large.inc();
        };
        s.server = std::make_unique<net::HttpServer>(server_options, s.router.handler());
    }
}

Daemon::~Daemon() = default;

int Daemon::run(const std::atomic<bool>& stop) {
    State& s = *state_;
    const auto shutdown_timeout =
        std::chrono::milliseconds(s.config.server ? s.config.server->shutdown_timeout_ms : 10'000);
    if (s.server) {
        s.server->start();
        infra::log::info("server.listening", {{"host", s.config.server->host},
                                              {"port", static_cast<uint64_t>(s.server->port())},
                                              {"admin", s.config.server->admin_token.has_value()},
                                              {"alchemy_webhook", s.config.alchemy_webhook.has_value()}});
    }
    if (s.hooks.startup_recovery) {
        // Throws: the daemon stops, as before it served.
        if (const auto run = s.hooks.startup_recovery()) s.recovery_done("startup", run->result_json, run->recovered);
    }
    for (auto& runner : s.runners) {
        ChainRunner* r = runner.get();
        r->thread = std::thread([r, &s] {
            try {
                s.run_chain(*r);
            } catch (const std::exception& e) {
                r->failed = true;
                infra::log::error("sync.chain_stopped", {{"chain", r->chain->name}, {"error", e.what()}});
            }
        });
    }
    while (!stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        // A lease lost with the connection (PostgreSQL restarted and another
        // instance took it first): the store already refuses this
        // follower's writes; stop it so it stands by.
        for (auto& r : s.runners) {
            if (r->active.load() && !r->store->holds_session_lock(r->lease)) r->follow_stop = true;
        }
    }
    for (auto& r : s.runners) {
        r->shutdown = true;
        r->follow_stop = true;
    }

    // Shutdown. If something hangs past the timeout (a node that stopped
    // answering mid-request), leave anyway: every commit is one database
    // transaction, so an exit between two commits loses nothing that was
    // committed and leaves nothing half written.
    infra::log::info("run.stopping", {{"timeout_ms", static_cast<uint64_t>(shutdown_timeout.count())}});
    std::mutex done_mutex;
    std::condition_variable done_cv;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock lock(done_mutex);
        if (!done_cv.wait_for(lock, shutdown_timeout, [&] { return done; })) {
            infra::log::error("run.shutdown_timeout",
                              {{"timeout_ms", static_cast<uint64_t>(shutdown_timeout.count())}});
            _exit(1);
        }
    });
    if (s.server) s.server->stop(shutdown_timeout / 2);
    for (auto& r : s.runners) {
        if (r->thread.joinable()) r->thread.join();
        if (r->tracker) r->tracker->stop();
    }
    if (s.deliveries) s.deliveries->flush();
    {
        std::lock_guard lock(done_mutex);
        done = true;
    }
    done_cv.notify_all();
    watchdog.join();
    bool failed = false;
    for (const auto& r : s.runners)
        failed = failed || r->failed.load();
    return failed ? 1 : 0;
}

}  // namespace tokensync::app
