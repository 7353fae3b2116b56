#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/router.hpp"
#include "api/store_pool.hpp"
#include "infra/config.hpp"
#include "infra/metrics.hpp"

// What the routes of the daemon's HTTP server need from the running daemon.
// app::Daemon fills it in; route tests fill it with their own parts.
namespace tokensync::api {

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
};

// Each group of routes is added by its own file:
void add_ops_routes(Router& router, ServiceContext& context);      // ops_routes.cpp: /health*, /status, /metrics
void add_webhook_routes(Router& router, ServiceContext& context);  // webhook_routes.cpp: POST /webhooks/alchemy
void add_read_routes(Router& router, ServiceContext& context);     // read_routes.cpp: GET /api/...
void add_admin_routes(Router& router, ServiceContext& context);    // admin_routes.cpp: POST /admin/..., /api/sync-token
void add_dashboard_routes(Router& router, ServiceContext& context);  // dashboard.cpp: GET /

}  // namespace tokensync::api
