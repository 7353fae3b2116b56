// The read API, the admin API and the dashboard of a running `tokensync run`
// on the devnet, over HTTP: 30 minted tokens indexed, three token rows
// deleted behind the daemon's back, then found and recovered from the admin
// routes, and the dashboard driven in headless Chromium
// (test_util/e2e/dashboard_e2e.mjs).
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/engine_test_support.hpp"
#include "store/database_url.hpp"
#include "store/sql/connection.hpp"
#include "store/sql/dialect.hpp"
#include "store/store.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/daemon.hpp"
#include "test_util/devnet.hpp"
#include "test_util/process.hpp"

namespace tokensync {
namespace {

namespace json = boost::json;
using core::Address;

constexpr std::string_view kAdminToken = "e2e-admin-token-0123456789";
const Address kAuthorA = *Address::from_hex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
const Address kAuthorB = *Address::from_hex("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
const Address kDefault = *Address::from_hex("0x00000000000000000000000000000000000d3fa1");
constexpr uint64_t kMinted = 30;
const std::vector<uint64_t> kDeleted = {3, 4, 17};

test_util::Headers admin_headers() { return {{"Authorization", "Bearer " + std::string(kAdminToken)}}; }

json::object parse_object(const test_util::DaemonResponse& r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) {
        ADD_FAILURE() << "not a JSON object: " << r.body;
        return {};
    }
    return v.as_object();
}

std::string text(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

class ServiceApi : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        devnet = std::make_unique<test_util::Devnet>(app::testing::quiet_devnet());
        test_util::TestContractOptions nft_options;
        nft_options.first_token_id = 1;
        contracts = devnet->deploy_test_contracts(nft_options);
        for (const auto& [author, quantity] : std::vector<std::pair<Address, int>>{{kAuthorA, 20}, {kAuthorB, 10}}) {
            devnet->send(
                test_util::dev_address(2), contracts.nft,
                test_util::calldata("batchMint(address,uint256)", {author.lower_hex(), std::to_string(quantity)}));
        }
        devnet->send(test_util::dev_address(3), contracts.multi_token,
                     test_util::calldata("mint(address,uint256,uint256)", {kAuthorB.lower_hex(), "7", "12"}));

        dir = std::make_unique<test_util::TempDir>("tokensync-service-api");
        db_url = "sqlite://" + (*dir / "index.db").string();
        {
            auto store = store::open_store(db_url);
            store->migrate();
            store::ChangeSet authors;
            authors.chain_id = devnet->chain_id();
            authors.authors = {{kDefault.checksum(), "fallback", 1}, {kAuthorA.checksum(), "a cat", 2}};
            store->apply(authors);
        }
        const std::string yaml =
            app::testing::devnet_config_yaml(*devnet, contracts, db_url,
                                             fmt::format("recovery:\n"
                                                         "  contract: nft\n"
                                                         "  first_token_id: 1\n"
                                                         "  default_author: \"{}\"\n"
                                                         "  batch_size: 0\n"
                                                         "  multicall: \"off\"\n"
                                                         "server:\n"
                                                         "  listen: 127.0.0.1:{{port}}\n"
                                                         "  admin_token: ${{TOKENSYNC_ADMIN_TOKEN}}\n",
                                                         kDefault.checksum()));
        test_util::Daemon::Options options;
        options.env = {"TOKENSYNC_ADMIN_TOKEN=" + std::string(kAdminToken)};
        daemon = std::make_unique<test_util::Daemon>(yaml, options);
        wait_until_indexed();
    }
    static void TearDownTestSuite() {
        daemon.reset();
        devnet.reset();
        dir.reset();
    }

    // Until the daemon has processed the devnet's head and stored every token.
    static void wait_until_indexed() {
        const uint64_t head = devnet->block_number();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        std::string last;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto status = daemon->get("/status");
            const auto tokens = daemon->get("/api/tokens?limit=1000");
            last = status.body;
            if (status.status == 200 && tokens.status == 200) {
                const auto s = json::parse(status.body).as_object();
                const auto& chain = s.at("chains").as_array().at(0).as_object();
                const auto t = json::parse(tokens.body).as_object();
                if (chain.at("last_processed").is_uint64() || chain.at("last_processed").is_int64()) {
                    if (chain.at("last_processed").to_number<uint64_t>() >= head &&
                        t.at("tokens").as_array().size() == kMinted) {
                        return;
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        FAIL() << "the daemon did not index the devnet in 60 s; last /status: " << last << "\n"
               << daemon->output_tail();
    }

    // Deletes token rows behind the daemon's back: the gaps recovery finds.
    static void delete_tokens(const std::vector<uint64_t>& ids) {
        auto conn = store::sql::open_connection(*store::parse_database_url(db_url));
        for (const uint64_t id : ids) {
            conn->execute("DELETE FROM tokens WHERE contract = ? AND token_id = ?",
                          {contracts.nft.lower_hex(), store::sql::sqlite_dialect().encode_u256(id)});
        }
    }

    static inline std::unique_ptr<test_util::Devnet> devnet;
    static inline test_util::TestContracts contracts;
    static inline std::unique_ptr<test_util::TempDir> dir;
    static inline std::string db_url;
    static inline std::unique_ptr<test_util::Daemon> daemon;
};

TEST_F(ServiceApi, ReadApiServesTheIndexedTokensAndBalances) {
    const auto page = daemon->get("/api/tokens?limit=10");
    ASSERT_EQ(page.status, 200) << page.body;
    const auto body = parse_object(page);
    const auto& tokens = body.at("tokens").as_array();
    ASSERT_EQ(tokens.size(), 10U);
    EXPECT_EQ(text(tokens[0].at("contract")), "nft");
    EXPECT_EQ(text(tokens[0].at("chain")), "local");
    EXPECT_TRUE(body.at("next_cursor").is_string());

    const auto one = daemon->get("/api/tokens/nft/21");
    ASSERT_EQ(one.status, 200) << one.body;
    const auto token = parse_object(one);
    EXPECT_EQ(text(token.at("token_id")), "21");
    EXPECT_EQ(text(token.at("owner")), test_util::dev_address(2).checksum());  // the minter holds it
    EXPECT_EQ(daemon->get("/api/tokens/" + contracts.nft.lower_hex() + "/21").body, one.body);
    EXPECT_EQ(daemon->get("/api/tokens/nft/31").status, 404);
    EXPECT_EQ(daemon->get("/api/tokens/nope/1").status, 404);
    EXPECT_EQ(daemon->get("/api/tokens?limit=5000").status, 400);

    const auto minter = parse_object(daemon->get("/api/balances/" + test_util::dev_address(2).lower_hex()));
    EXPECT_EQ(minter.at("balances").as_array().size(), kMinted);
    const auto holder = parse_object(daemon->get("/api/balances/" + kAuthorB.checksum()));
    const auto& held = holder.at("balances").as_array();
    ASSERT_EQ(held.size(), 1U) << json::serialize(holder);
    EXPECT_EQ(text(held[0].at("contract")), "multi");
    EXPECT_EQ(text(held[0].at("balance")), "12");
    EXPECT_EQ(daemon->get("/api/balances/nobody").status, 400);
}

TEST_F(ServiceApi, AdminRoutesNeedTheToken) {
    for (const auto route : {"/admin/catchup", "/admin/recover", "/admin/audit", "/api/sync-token"}) {
        const auto none = daemon->post(route, "{}");
        EXPECT_EQ(none.status, 401) << route;
        EXPECT_TRUE(none.header("WWW-Authenticate").has_value()) << route;
        EXPECT_EQ(daemon->post(route, "{}", {{"Authorization", "Bearer wrong"}}).status, 401) << route;
    }
    EXPECT_EQ(daemon->post("/admin/catchup", "", admin_headers()).status, 202);
    EXPECT_EQ(daemon->post("/admin/recover", R"({"limit":0})", admin_headers()).status, 400);
}

TEST_F(ServiceApi, WithoutAnAdminTokenInTheConfigTheAdminApiIs403) {
    test_util::TempDir other("tokensync-service-api-noadmin");
    const std::string yaml = app::testing::devnet_config_yaml(
        *devnet, contracts, "sqlite://" + (other / "index.db").string(), "server:\n  listen: 127.0.0.1:{port}\n");
    const test_util::Daemon no_admin(yaml);
    for (const auto route : {"/admin/catchup", "/admin/recover", "/admin/audit", "/api/sync-token"}) {
        const auto reply = no_admin.post(route, "{}", admin_headers());
        EXPECT_EQ(reply.status, 403) << route << ": " << reply.body;
        EXPECT_NE(reply.body.find("admin_disabled"), std::string::npos);
    }
    // The read API and the dashboard need no token.
    EXPECT_EQ(no_admin.get("/api/tokens").status, 200);
    EXPECT_EQ(no_admin.get("/").status, 200);
}

TEST_F(ServiceApi, RecoverDryRunThenForRealThenAuditAndSyncToken) {
    delete_tokens(kDeleted);
    const auto dry = daemon->post("/admin/recover", R"({"dry_run":true})", admin_headers());
    ASSERT_EQ(dry.status, 200) << dry.body;
    auto r = parse_object(dry);
    EXPECT_EQ(r.at("dry_run"), true);
    EXPECT_EQ(r.at("missing").to_number<uint64_t>(), kDeleted.size());
    EXPECT_EQ(json::serialize(r.at("first_missing")), R"(["3","4","17"])");
    EXPECT_EQ(text(r.at("total_on_chain")), "30");
    EXPECT_EQ(r.at("recovered").to_number<uint64_t>(), 0U);
    EXPECT_EQ(daemon->get("/api/tokens/nft/4").status, 404);  // a dry run writes nothing

    const auto limited = parse_object(daemon->post("/admin/recover", R"({"dry_run":true,"limit":2})", admin_headers()));
    EXPECT_EQ(limited.at("missing").to_number<uint64_t>(), 2U);

    const auto real = daemon->post("/admin/recover", "", admin_headers());
    ASSERT_EQ(real.status, 200) << real.body;
    r = parse_object(real);
    EXPECT_EQ(r.at("dry_run"), false);
    EXPECT_EQ(r.at("recovered").to_number<uint64_t>(), kDeleted.size());
    EXPECT_TRUE(r.at("failed").as_array().empty());
    // The run is counted by /metrics and is /status's last recovery.
    EXPECT_NE(daemon->get("/metrics").body.find("\ntokensync_recovered_tokens_total{trigger=\"admin\"} 3\n"),
              std::string::npos);
    const auto last = parse_object(daemon->get("/status")).at("recovery").as_object().at("last_result").as_object();
    EXPECT_EQ(text(last.at("trigger")), "admin");
    EXPECT_EQ(last.at("result").as_object().at("recovered").to_number<uint64_t>(), kDeleted.size());
    const auto recovered = parse_object(daemon->get("/api/tokens/nft/17"));
    EXPECT_EQ(text(recovered.at("author")), kAuthorA.checksum());  // tokenPromptAuthor, a registered wallet
    EXPECT_EQ(parse_object(daemon->post("/admin/recover", R"({"dry_run":true})", admin_headers()))
                  .at("missing")
                  .to_number<uint64_t>(),
              0U);

    const auto audit = daemon->post("/admin/audit", "", admin_headers());
    ASSERT_EQ(audit.status, 200) << audit.body;
    EXPECT_EQ(text(parse_object(audit).at("checked")), "30");

    delete_tokens({9});
    const auto sync = daemon->post("/api/sync-token", R"({"contract":"nft","token_id":"9"})", admin_headers());
    ASSERT_EQ(sync.status, 200) << sync.body;
    EXPECT_EQ(parse_object(sync).at("inserted"), true);
    EXPECT_EQ(daemon->get("/api/tokens/nft/9").status, 200);
    EXPECT_EQ(daemon->post("/api/sync-token", R"({"contract":"multi","token_id":"9"})", admin_headers()).status, 409);
    EXPECT_EQ(daemon->post("/api/sync-token", R"({"contract":"ghost","token_id":"9"})", admin_headers()).status, 404);
}

TEST_F(ServiceApi, DashboardInHeadlessChromium) {
    const auto page = daemon->get("/");
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(page.header("Content-Type").value_or("").starts_with("text/html"));
    EXPECT_NE(page.body.find("<canvas id=\"rate-chart\""), std::string::npos);
    EXPECT_EQ(page.body.find("http://"), std::string::npos) << "the page loads nothing from elsewhere";
    EXPECT_EQ(page.body.find("https://"), std::string::npos) << "the page loads nothing from elsewhere";

    ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium")) << "Debian chromium is missing: run scripts/setup.sh";
    delete_tokens(kDeleted);
    const std::filesystem::path screenshot = DASHBOARD_SCREENSHOT;
    std::filesystem::remove(screenshot);
    const auto result =
        test_util::run_command({"node", std::string(TOKENSYNC_SOURCE_DIR) + "/test_util/e2e/dashboard_e2e.mjs", "--url",
                                daemon->base_url(), "--token", std::string(kAdminToken), "--screenshot",
                                screenshot.string(), "--expect-missing", std::to_string(kDeleted.size())});
    std::cout << result.output;  // one line per check: the log says what was compared
    EXPECT_EQ(result.status, 0) << "dashboard_e2e.mjs failed (output above)";
    EXPECT_TRUE(std::filesystem::exists(screenshot));
    // The dry run from the page wrote nothing.
    EXPECT_EQ(daemon->get("/api/tokens/nft/4").status, 404);
}

}  // namespace
}  // namespace tokensync
