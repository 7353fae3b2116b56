// The read API (read_routes.cpp) through the router, over a real store on
// SQLite and PostgreSQL: every status code, pagination with the cursor, names
// from the config.
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/service.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/test_values.hpp"

namespace tokensync::api {
namespace {

namespace json = boost::json;
using core::Address;
using core::Uint256;

enum class Backend { kSqlite, kPostgres };

Address address(uint8_t tag, uint8_t n) { return test_util::tagged_address(tag, static_cast<uint8_t>(n)); }

core::Hash32 hash(uint8_t tag, uint64_t n) { return test_util::tagged_hash(tag, n); }

constexpr store::ChainId kChainId = 31337;
const Address kNft = address(0xc0, 1);
const Address kMulti = address(0xc0, 2);
const Address kAlice = address(0xa1, 1);
const Address kUnconfigured = address(0xc0, 9);
const Uint256 kBig = *Uint256::from_decimal("18446744073709551616");  // 2^64

infra::Config sample_config() {
    infra::Config config;
    infra::ChainConfig chain;
    chain.name = "devnet";
    chain.chain_id = kChainId;
    chain.rpc = {"http://127.0.0.1:1"};
    config.chains.push_back(chain);
    infra::ContractConfig nft;
    nft.name = "nft";
    nft.chain = "devnet";
    nft.address = kNft;
    nft.modules = {infra::Module::kErc721};
    config.contracts.push_back(nft);
    infra::ContractConfig multi = nft;
    multi.name = "multi";
    multi.address = kMulti;
    multi.modules = {infra::Module::kErc1155};
    config.contracts.push_back(multi);
    return config;
}

store::Token token(const Address& contract, const Uint256& id, store::TokenStatus status, std::string author) {
    return {.contract = contract,
            .token_id = id,
            .author = std::move(author),
            .owner = {},
            .status = status,
            .block_number = 1,
            .created_at = 1'700'000'000,
            .updated_at = 1'700'000'001};
}

store::Transfer transfer(uint64_t log_index, const Address& contract, store::TokenStandard standard, const Uint256& id,
                         const Uint256& amount) {
    return {.tx_hash = hash(0x7a, log_index),
            .log_index = log_index,
            .batch_index = 0,
            .block_number = 1,
            .block_timestamp = 1'700'000'000,
            .contract = contract,
            .standard = standard,
            .operator_address = kAlice,
            .from = {},
            .to = kAlice,
            .token_id = id,
            .amount = amount};
}

class ReadRoutes : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        if (GetParam() == Backend::kPostgres) {
            url_ = test_util::shared_postgres_cluster().create_database();
        } else {
            dir_ = std::make_unique<test_util::TempDir>("tokensync-read-routes");
            url_ = "sqlite://" + (*dir_ / "store.db").string();
        }
        auto store = store::open_store(url_);
        store->migrate();
        store::ChangeSet c;
        c.chain_id = kChainId;
        c.blocks = {{1, hash(0xb1, 1), hash(0xb1, 0), 1'700'000'000}};
        // 25 nft tokens (ids 1..24 and 2^64), a third of them ready, and
        // one token of a contract the config does not name.
        for (uint64_t id = 1; id < 25; ++id) {
            c.tokens.push_back(token(kNft, id, id % 3 == 0 ? store::TokenStatus::kReady : store::TokenStatus::kDetected,
                                     id % 2 == 0 ? "0xAaAa" : "0xbbbb"));
        }
        c.tokens.push_back(token(kNft, kBig, store::TokenStatus::kFailed, "0xbbbb"));
        c.tokens.push_back(token(kUnconfigured, 1, store::TokenStatus::kDetected, "0xbbbb"));
        c.transfers = {transfer(0, kNft, store::TokenStandard::kErc721, 3, 1),
                       transfer(1, kMulti, store::TokenStandard::kErc1155, 7, 12)};
        store->apply(c);

        pool_ = std::make_unique<StorePool>(url_, 2);
        config_ = sample_config();
        context_.config = &config_;
        context_.stores = pool_.get();
        add_read_routes(router_, context_);
    }

    net::ServerReply get(std::string target) const {
        net::ServerRequest request;
        request.method = "GET";
        request.target = std::move(target);
        return router_.handle(request);
    }

    json::object get_json(std::string target, int want_status = 200) const {
        const auto reply = get(target);
        EXPECT_EQ(reply.status, want_status) << target << ": " << reply.body;
        EXPECT_EQ(reply.content_type, "application/json");
        return json::parse(reply.body).as_object();
    }

    std::unique_ptr<test_util::TempDir> dir_;
    std::string url_;
    std::unique_ptr<StorePool> pool_;
    infra::Config config_;
    ServiceContext context_;
    Router router_;
};

// A string member's text (anything else serialized).
std::string text(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

std::string error_type(const json::object& body) { return json::value_to<std::string>(body.at("error").at("type")); }

TEST_P(ReadRoutes, ListsTokensWithConfigNamesAndOwners) {
    const auto body = get_json("/api/tokens?limit=3");
    const auto& tokens = body.at("tokens").as_array();
    ASSERT_EQ(tokens.size(), 3U);
    const auto& first = tokens[0].as_object();
    EXPECT_EQ(text(first.at("chain")), "devnet");
    EXPECT_EQ(first.at("chain_id").to_number<uint64_t>(), kChainId);
    EXPECT_EQ(text(first.at("contract")), "nft");
    EXPECT_EQ(text(first.at("address")), kNft.checksum());
    EXPECT_EQ(text(first.at("token_id")), "1");
    EXPECT_EQ(text(first.at("author")), "0xbbbb");
    EXPECT_TRUE(first.at("owner").is_null());
    EXPECT_EQ(text(first.at("status")), "detected");
    EXPECT_EQ(first.at("block_number").to_number<uint64_t>(), 1U);
    EXPECT_EQ(first.at("created_at").to_number<int64_t>(), 1'700'000'000);
    EXPECT_EQ(text(tokens[2].at("owner")), kAlice.checksum());
    EXPECT_TRUE(body.at("next_cursor").is_string());
}

TEST_P(ReadRoutes, CursorWalksEveryTokenOnceAndEndsWithNull) {
    std::vector<std::string> seen;
    std::string target = "/api/tokens?limit=7";
    int pages = 0;
    while (true) {
        const auto body = get_json(target);
        ++pages;
        for (const auto& t : body.at("tokens").as_array())
            seen.push_back(json::value_to<std::string>(t.at("address")) + "/" +
                           json::value_to<std::string>(t.at("token_id")));
        if (body.at("next_cursor").is_null()) break;
        target = "/api/tokens?limit=7&cursor=" + json::value_to<std::string>(body.at("next_cursor"));
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 4);  // 26 tokens: 7 + 7 + 7 + 5
    ASSERT_EQ(seen.size(), 26U);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 26U);
    EXPECT_EQ(seen[24], kNft.checksum() + "/18446744073709551616");  // numeric order, not text order
    EXPECT_EQ(seen[25], kUnconfigured.checksum() + "/1");
    // A page that ends exactly at the last row says so.
    EXPECT_TRUE(get_json("/api/tokens?limit=26").at("next_cursor").is_null());
    EXPECT_TRUE(get_json("/api/tokens?limit=25").at("next_cursor").is_string());
}

TEST_P(ReadRoutes, FiltersByStatusAndAuthor) {
    const auto ready = get_json("/api/tokens?status=ready&limit=1000").at("tokens").as_array();
    EXPECT_EQ(ready.size(), 8U);  // 3, 6, ... 24
    for (const auto& t : ready)
        EXPECT_EQ(text(t.at("status")), "ready");
    const auto mine = get_json("/api/tokens?author=0xaaaa&status=ready").at("tokens").as_array();
    ASSERT_EQ(mine.size(), 4U);  // 6, 12, 18, 24
    EXPECT_EQ(text(mine[0].at("token_id")), "6");
    EXPECT_EQ(text(mine[0].at("author")), "0xAaAa");
    const auto unknown = get_json("/api/tokens?author=0xcccc").at("tokens").as_array();
    EXPECT_TRUE(unknown.empty());
    // The unconfigured contract's token is listed without a name.
    const auto failed = get_json("/api/tokens?status=failed").at("tokens").as_array();
    ASSERT_EQ(failed.size(), 1U);
    EXPECT_EQ(text(failed[0].at("token_id")), "18446744073709551616");
}

TEST_P(ReadRoutes, BadQueriesAre400WithAReason) {
    for (const std::string target :
         {"/api/tokens?status=minted", "/api/tokens?limit=0", "/api/tokens?limit=1001", "/api/tokens?limit=ten",
          "/api/tokens?limit=-1", "/api/tokens?cursor=zz", "/api/tokens?cursor=0102", "/api/tokens?sort=asc"}) {
        const auto body = get_json(target, 400);
        EXPECT_EQ(error_type(body), "bad_request") << target;
        EXPECT_FALSE(json::value_to<std::string>(body.at("error").at("message")).empty());
    }
    EXPECT_EQ(get_json("/api/tokens?limit=1000").at("tokens").as_array().size(), 26U);
}

TEST_P(ReadRoutes, OneTokenByContractNameOrAddress) {
    const auto by_name = get_json("/api/tokens/nft/3");
    EXPECT_EQ(text(by_name.at("token_id")), "3");
    EXPECT_EQ(text(by_name.at("owner")), kAlice.checksum());
    EXPECT_EQ(text(by_name.at("status")), "ready");
    EXPECT_EQ(get_json("/api/tokens/" + kNft.lower_hex() + "/3"), by_name);
    EXPECT_EQ(get_json("/api/tokens/" + kNft.checksum() + "/0x3"), by_name);
    EXPECT_EQ(text(get_json("/api/tokens/nft/18446744073709551616").at("status")), "failed");

    EXPECT_EQ(error_type(get_json("/api/tokens/nft/999", 404)), "token_not_found");
    EXPECT_EQ(error_type(get_json("/api/tokens/multi/7", 404)), "token_not_found");  // balances, no token row
    EXPECT_EQ(error_type(get_json("/api/tokens/nope/1", 404)), "unknown_contract");
    EXPECT_EQ(error_type(get_json("/api/tokens/" + kUnconfigured.lower_hex() + "/1", 404)), "unknown_contract");
    EXPECT_EQ(error_type(get_json("/api/tokens/nft/abc", 400)), "bad_request");
    EXPECT_EQ(error_type(get_json("/api/tokens/nft/-1", 400)), "bad_request");
}

TEST_P(ReadRoutes, BalancesOfAHolderAcrossContracts) {
    const auto body = get_json("/api/balances/" + kAlice.lower_hex());
    EXPECT_EQ(text(body.at("holder")), kAlice.checksum());
    EXPECT_FALSE(body.at("truncated").as_bool());
    const auto& list = body.at("balances").as_array();
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(text(list[0].at("contract")), "nft");
    EXPECT_EQ(text(list[0].at("standard")), "erc721");
    EXPECT_EQ(text(list[0].at("token_id")), "3");
    EXPECT_EQ(text(list[0].at("balance")), "1");
    EXPECT_EQ(text(list[1].at("contract")), "multi");
    EXPECT_EQ(text(list[1].at("standard")), "erc1155");
    EXPECT_EQ(text(list[1].at("token_id")), "7");
    EXPECT_EQ(text(list[1].at("balance")), "12");
    EXPECT_EQ(text(list[1].at("chain")), "devnet");

    EXPECT_TRUE(get_json("/api/balances/" + address(0xee, 1).lower_hex()).at("balances").as_array().empty());
    EXPECT_EQ(error_type(get_json("/api/balances/alice", 400)), "bad_request");
    EXPECT_EQ(error_type(get_json("/api/balances/0x1234", 400)), "bad_request");
}

TEST_P(ReadRoutes, WrongMethodIs405) {
    net::ServerRequest request;
    request.method = "POST";
    request.target = "/api/tokens";
    EXPECT_EQ(router_.handle(request).status, 405);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadRoutes, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return p.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

// The database unreachable: 503 with a JSON reason, no password.
TEST(ReadRoutesDown, DatabaseUnreachableIs503) {
    StorePool pool("postgresql://tokensync:hunter2@127.0.0.1:1/none", 1);
    infra::Config config = sample_config();
    ServiceContext context;
    context.config = &config;
    context.stores = &pool;
    Router router;
    add_read_routes(router, context);
    net::ServerRequest request;
    request.method = "GET";
    request.target = "/api/tokens";
    const auto reply = router.handle(request);
    EXPECT_EQ(reply.status, 503);
    EXPECT_NE(reply.body.find("database_error"), std::string::npos);
    EXPECT_EQ(reply.body.find("hunter2"), std::string::npos) << reply.body;
}

}  // namespace
}  // namespace tokensync::api
