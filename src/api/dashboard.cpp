// GET /: the dashboard, one HTML page (dashboard/index.html) compiled into
// the binary by dashboard/embed.cmake. It only reads GET /status and calls
// the admin API from the browser; the server adds nothing but headers.
#include <string_view>

#include "api/service.hpp"

namespace tokensync::api {

extern const std::string_view kDashboardHtml;  // dashboard_html.cpp, generated

void add_dashboard_routes(Router& router, ServiceContext& /*context*/) {
    router.add("GET", "/", [](const RouteRequest&) {
        net::ServerReply reply;
        reply.content_type = "text/html; charset=utf-8";
        reply.body = std::string(kDashboardHtml);
        // Everything the page needs is inline; it may talk to this server only.
        reply.headers = {
            {"Content-Security-Policy",
             "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
             "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
            {"X-Content-Type-Options", "nosniff"},
            {"Cache-Control", "no-cache"},
            {"Referrer-Policy", "no-referrer"},
        };
        return reply;
    });
}

}  // namespace tokensync::api
