#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/router.hpp"
#include "api/store_pool.hpp"
#include "infra/config.hpp"
#include "infra/metrics.hpp"

// What the routes of the daemon's HTTP server need from the running daemon.
// app::Daemon fills it in; route tests fill it with their own parts.
namespace tokensync::api {

class DeliveryLog;  // delivery_log.hpp

struct ServiceContext {
    const infra::Config* config = nullptr;  // the loaded config (never null in a running daemon)
    StorePool* stores = nullptr;            // migrated connections for request threads
    infra::Metrics* metrics = nullptr;
    // server.admin_token; the admin routes answer 403 when it is absent.
    std::optional<std::string> admin_token;
    // GET /status's body (JSON), built by the daemon from its followers.
    std::function<std::string()> status_json;
    // Asks every follower for a step now (a catch-up to the node's head)
    // without waiting for it; POST /admin/catchup and webhook deliveries.
    std::function<void()> request_catchup;
    // GET /health/ready: nullopt when ready (migrations applied, every
    // chain caught up, none halted), else why not.
    std::function<std::optional<std::string>()> not_ready;
    // GET /metrics calls this first (gauges read from the followers).
    std::function<void()> refresh_metrics;
    // A webhook delivery for `chain_id` up to `block`: that chain's follower
    // steps now. False when no followed chain has that id.
    std::function<bool(uint64_t chain_id, uint64_t block)> wake_chain;
    DeliveryLog* webhook_deliveries = nullptr;  // recent delivery ids (dedupe)
    // A counter-gap recovery finished (`trigger`: "startup" or "admin"):
    // its result as recovery::to_json gives it, and the rows it inserted;
    // /status shows the last one and /metrics counts them.
    std::function<void(std::string_view trigger, const std::string& result_json, uint64_t recovered)> recovery_done;
};

// Each group of routes is added by its own file:
void add_ops_routes(Router& router, ServiceContext& context);      // ops_routes.cpp: /health*, /status, /metrics
void add_webhook_routes(Router& router, ServiceContext& context);  // webhook_routes.cpp: POST /webhooks/alchemy
void add_read_routes(Router& router, ServiceContext& context);     // read_routes.cpp: GET /api/...
void add_admin_routes(Router& router, ServiceContext& context);    // admin_routes.cpp: POST /admin/..., /api/sync-token
void add_dashboard_routes(Router& router, ServiceContext& context);  // dashboard.cpp: GET /

}  // namespace tokensync::api
