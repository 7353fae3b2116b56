// The admin API's gate and its request validation (admin_routes.cpp), through
// the router. What the routes do on a chain is tested against a running
// daemon on the devnet (app/service_devnet_test.cpp).
#include <gtest/gtest.h>

#include "api/service.hpp"

namespace tokensync::api {
namespace {

constexpr std::string_view kToken = "s3cret-admin-token";

const std::vector<std::string> kAdminRoutes = {"/admin/catchup", "/admin/recover", "/admin/audit", "/api/sync-token"};

class AdminRoutes : public ::testing::Test {
  protected:
    void SetUp() override {
        infra::ContractConfig nft;
        nft.name = "nft";
        nft.chain = "devnet";
        config_.contracts.push_back(nft);
        context_.config = &config_;
        context_.admin_token = std::string(kToken);
        context_.request_catchup = [this] { ++catchups_; };
        add_admin_routes(router_, context_);
    }

    net::ServerReply post(std::string target, std::string body, std::optional<std::string> authorization) const {
        net::ServerRequest request;
        request.method = "POST";
        request.target = std::move(target);
        request.body = std::move(body);
        if (authorization) request.headers.emplace_back("Authorization", *authorization);
        return router_.handle(request);
    }
    net::ServerReply admin_post(std::string target, std::string body = "") const {
        return post(std::move(target), std::move(body), "Bearer " + std::string(kToken));
    }

    infra::Config config_;
    ServiceContext context_;
    Router router_;
    int catchups_ = 0;
};

std::string header(const net::ServerReply& reply, std::string_view name) {
    for (const auto& [key, value] : reply.headers)
        if (key == name) return value;
    return "";
}

TEST_F(AdminRoutes, DisabledWithoutAnAdminTokenIs403) {
    context_.admin_token.reset();
    for (const auto& route : kAdminRoutes) {
        for (const auto& auth : {std::optional<std::string>{}, std::optional<std::string>("Bearer "),
                                 std::optional<std::string>("Bearer " + std::string(kToken))}) {
            const auto reply = post(route, "{}", auth);
            EXPECT_EQ(reply.status, 403) << route;
            EXPECT_NE(reply.body.find("admin_disabled"), std::string::npos);
        }
    }
    context_.admin_token = "";  // an empty token disables it too
    EXPECT_EQ(post("/admin/catchup", "", "Bearer ").status, 403);
    EXPECT_EQ(catchups_, 0);
}

TEST_F(AdminRoutes, MissingOrWrongTokenIs401WithAChallenge) {
    const std::string token(kToken);
    const std::vector<std::optional<std::string>> refused = {
        std::nullopt,
        "",
        "Bearer",
        "Bearer ",
        "Basic " + token,
        token,
        "Bearer " + token + "x",
        "Bearer " + token.substr(0, token.size() - 1),
        "Bearer " + token.substr(0, token.size() - 1) + "X",
        "Bearer  " + token,
        "Bearer S3CRET-ADMIN-TOKEN",
    };
    for (const auto& route : kAdminRoutes) {
        for (const auto& auth : refused) {
            const auto reply = post(route, "{}", auth);
            EXPECT_EQ(reply.status, 401) << route << " with " << auth.value_or("(none)");
            EXPECT_TRUE(header(reply, "WWW-Authenticate").starts_with("Bearer")) << route;
            EXPECT_NE(reply.body.find("unauthorized"), std::string::npos);
            EXPECT_EQ(reply.body.find(kToken), std::string::npos) << "the token is never echoed";
        }
    }
    EXPECT_NE(header(post("/admin/catchup", "", "Bearer nope"), "WWW-Authenticate").find("invalid_token"),
              std::string::npos);
    EXPECT_EQ(catchups_, 0);
}

TEST_F(AdminRoutes, CatchupAsksTheFollowersAndAnswers202) {
    const auto reply = admin_post("/admin/catchup");
    EXPECT_EQ(reply.status, 202);
    EXPECT_EQ(reply.body, R"({"status":"accepted"})");
    EXPECT_EQ(catchups_, 1);
    // The scheme is case-insensitive.
    EXPECT_EQ(post("/admin/catchup", "", "bearer " + std::string(kToken)).status, 202);
    EXPECT_EQ(catchups_, 2);
}

TEST_F(AdminRoutes, BadBodiesAre400WithTheReason) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/admin/recover", "not json"},
        {"/admin/recover", "[]"},
        {"/admin/recover", R"({"dry_run":"yes"})"},
        {"/admin/recover", R"({"dryrun":true})"},
        {"/admin/recover", R"({"limit":0})"},
        {"/admin/recover", R"({"limit":-3})"},
        {"/admin/recover", R"({"limit":1.5})"},
        {"/admin/recover", R"({"limit":"10"})"},
        {"/admin/recover", R"({"dry_run":true)"},
        {"/admin/audit", R"({"fix":1})"},
        {"/admin/audit", R"({"repair":true})"},
        {"/api/sync-token", ""},
        {"/api/sync-token", "{}"},
        {"/api/sync-token", R"({"token_id":"1"})"},
        {"/api/sync-token", R"({"contract":"","token_id":"1"})"},
        {"/api/sync-token", R"({"contract":"nft"})"},
        {"/api/sync-token", R"({"contract":"nft","token_id":"abc"})"},
        {"/api/sync-token", R"({"contract":"nft","token_id":-1})"},
        {"/api/sync-token", R"({"contract":"nft","token_id":"1","extra":2})"},
    };
    for (const auto& [route, body] : cases) {
        const auto reply = admin_post(route, body);
        EXPECT_EQ(reply.status, 400) << route << " " << body << ": " << reply.body;
        EXPECT_NE(reply.body.find("bad_request"), std::string::npos);
    }
}

TEST_F(AdminRoutes, WithoutARecoverySectionTheChainJobsAre409) {
    for (const auto& [route, body] : std::vector<std::pair<std::string, std::string>>{
             {"/admin/recover", ""},
             {"/admin/recover", R"({"dry_run":true,"limit":5})"},
             {"/admin/audit", ""},
             {"/api/sync-token", R"({"contract":"nft","token_id":"123"})"},
         }) {
        const auto reply = admin_post(route, body);
        EXPECT_EQ(reply.status, 409) << route << ": " << reply.body;
        EXPECT_NE(reply.body.find("no_recovery_config"), std::string::npos) << reply.body;
    }
}

TEST_F(AdminRoutes, OnlyPostIsRouted) {
    net::ServerRequest request;
    request.method = "GET";
    request.target = "/admin/recover";
    EXPECT_EQ(router_.handle(request).status, 405);
}

}  // namespace
}  // namespace tokensync::api
