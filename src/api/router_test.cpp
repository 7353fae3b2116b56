#include "api/router.hpp"

#include <gtest/gtest.h>

namespace tokensync::api {
namespace {

net::ServerRequest request(std::string method, std::string target) {
    net::ServerRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    return r;
}

Router sample_router() {
    Router router;
    router.add("GET", "/status", [](const RouteRequest&) { return json_reply(200, R"({"ok":true})"); });
    router.add("GET", "/api/tokens/{contract}/{id}", [](const RouteRequest& r) {
        return json_reply(200, std::string(r.param("contract")) + "|" + std::string(r.param("id")));
    });
    router.add("GET", "/api/tokens", [](const RouteRequest& r) {
        const auto status = r.query_value("status");
        return json_reply(200, status ? "status=" + std::string(*status) : "none");
    });
    router.add("POST", "/admin/catchup", [](const RouteRequest&) { return json_reply(202, "{}"); });
    router.add("PUT", "/admin/catchup", [](const RouteRequest&) { return json_reply(202, "{}"); });
    return router;
}

TEST(Router, MatchesLiteralPathsAndMethods) {
    const Router router = sample_router();
    const auto reply = router.handle(request("GET", "/status"));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, R"({"ok":true})");
    EXPECT_EQ(router.handle(request("POST", "/admin/catchup")).status, 202);
}

TEST(Router, ExtractsDecodedPathParameters) {
    const Router router = sample_router();
    const auto reply = router.handle(request("GET", "/api/tokens/my%20nft/123?x=1"));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "my nft|123");
}

TEST(Router, DecodesTheQueryString) {
    const Router router = sample_router();
    EXPECT_EQ(router.handle(request("GET", "/api/tokens?limit=5&status=ready+now%21")).body, "status=ready now!");
    EXPECT_EQ(router.handle(request("GET", "/api/tokens")).body, "none");
    EXPECT_EQ(router.handle(request("GET", "/api/tokens?status=")).body, "status=");
    EXPECT_EQ(router.handle(request("GET", "/api/tokens?status=%zz")).status, 400);
    EXPECT_EQ(router.handle(request("GET", "/api/tokens?status=%4")).status, 400);
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
    const Router router = sample_router();
    const auto missing = router.handle(request("GET", "/nope"));
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find(R"("type":"not_found")"), std::string::npos);
    EXPECT_EQ(router.handle(request("GET", "/status/")).status, 404);
    EXPECT_EQ(router.handle(request("GET", "/api/tokens/nft")).status, 404);
    EXPECT_EQ(router.handle(request("GET", "/api/tokens/nft//")).status, 404);

    const auto wrong = router.handle(request("GET", "/admin/catchup"));
    EXPECT_EQ(wrong.status, 405);
    ASSERT_EQ(wrong.headers.size(), 1U);
    EXPECT_EQ(wrong.headers[0].first, "Allow");
    EXPECT_EQ(wrong.headers[0].second, "POST, PUT");
}

TEST(Router, ErrorReplyEscapesItsText) {
    const auto reply = error_reply(400, "bad_body", "unexpected \"}\" at 3");
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.content_type, "application/json");
    EXPECT_EQ(reply.body, R"({"error":{"type":"bad_body","message":"unexpected \"}\" at 3"}})");
}

TEST(Router, PercentDecode) {
    EXPECT_EQ(percent_decode("a%2Fb", false), "a/b");
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
    EXPECT_EQ(percent_decode("a+b", true), "a b");
    EXPECT_EQ(percent_decode("%", false), std::nullopt);
    EXPECT_EQ(percent_decode("%G1", false), std::nullopt);
}

}  // namespace
}  // namespace tokensync::api
