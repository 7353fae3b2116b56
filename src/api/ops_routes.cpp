// GET /health, /health/live, /health/ready, /status, /metrics: what an
// operator or an orchestrator asks a running daemon.
#include <boost/json.hpp>

#include "api/service.hpp"
#include "infra/redact.hpp"
#include "store/store.hpp"

namespace tokensync::api {
namespace {

net::ServerReply unhealthy(std::string_view type, std::string_view message) {
    boost::json::object body{{"status", "unhealthy"},
                             {"error", boost::json::object{{"type", type}, {"message", infra::redact(message)}}}};
    return json_reply(503, boost::json::serialize(body));
}

net::ServerReply health(ServiceContext& context) {
    if (context.stores == nullptr) return json_reply(200, R"({"status":"healthy"})");
    try {
        auto lease = context.stores->lease();
        try {
            lease->ping();
        } catch (...) {
            lease.discard();  // a broken connection is not given back
            throw;
        }
    } catch (const std::exception& e) {
        // StoreError messages name the host, never the password; redact()
        // removes any registered secret that slipped in anyway.
        return unhealthy("database_unreachable", e.what());
    }
    return json_reply(200, R"({"status":"healthy"})");
}

}  // namespace

void add_ops_routes(Router& router, ServiceContext& context) {
    router.add("GET", "/health", [&context](const RouteRequest&) { return health(context); });
    router.add("GET", "/health/live", [](const RouteRequest&) { return json_reply(200, R"({"status":"alive"})"); });
    router.add("GET", "/health/ready", [&context](const RouteRequest&) {
        const auto why = context.not_ready ? context.not_ready() : std::nullopt;
        if (!why) return json_reply(200, R"({"status":"ready"})");
        return json_reply(503, boost::json::serialize(boost::json::object{{"status", "not_ready"}, {"reason", *why}}));
    });
    router.add("GET", "/status", [&context](const RouteRequest&) {
        if (!context.status_json) return error_reply(503, "unavailable", "the daemon is starting");
        return json_reply(200, context.status_json());
    });
    router.add("GET", "/metrics", [&context](const RouteRequest&) {
        net::ServerReply reply;
        reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
        if (context.refresh_metrics) context.refresh_metrics();
        if (context.metrics != nullptr) reply.body = context.metrics->render();
        return reply;
    });
}

}  // namespace tokensync::api
