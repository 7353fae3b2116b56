// GET / serves dashboard/index.html byte for byte from the binary, with
// headers that keep the page to this server.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "api/service.hpp"

namespace tokensync::api {
namespace {

std::string source_page() {
    std::ifstream in(std::string(TOKENSYNC_SOURCE_DIR) + "/src/api/dashboard/index.html", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string header(const net::ServerReply& reply, std::string_view name) {
    for (const auto& [key, value] : reply.headers)
        if (key == name) return value;
    return "";
}

TEST(Dashboard, ServesTheEmbeddedPage) {
    ServiceContext context;
    Router router;
    add_dashboard_routes(router, context);
    net::ServerRequest request;
    request.method = "GET";
    request.target = "/";
    const auto reply = router.handle(request);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.content_type, "text/html; charset=utf-8");
    const std::string page = source_page();
    ASSERT_GT(page.size(), 1000U);
    EXPECT_EQ(reply.body, page);
    EXPECT_NE(header(reply, "Content-Security-Policy").find("connect-src 'self'"), std::string::npos);
    EXPECT_EQ(header(reply, "X-Content-Type-Options"), "nosniff");
    request.method = "POST";
    EXPECT_EQ(router.handle(request).status, 405);
}

}  // namespace
}  // namespace tokensync::api
