// GET /api/tokens, /api/tokens/{contract}/{id} and /api/balances/{holder}:
// the read API (no authentication), answered from the store.
#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/service.hpp"
#include "core/hex.hpp"
#include "infra/redact.hpp"
#include "store/store.hpp"

namespace tokensync::api {
namespace {

constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 1000;
// Holdings listed for one holder at most (the answer says when it stopped).
constexpr std::size_t kMaxHoldings = 10'000;

// Names from the config for what the store keeps as ids and addresses.
const infra::ContractConfig* configured_contract(const infra::Config* config, store::ChainId chain_id,
                                                 const core::Address& address) {
    if (config == nullptr) return nullptr;
    for (const auto& c : config->contracts) {
        const infra::ChainConfig* chain = config->find_chain(c.chain);
        if (c.address == address && chain != nullptr && chain->chain_id == chain_id) return &c;
    }
    return nullptr;
}

boost::json::value chain_name(const infra::Config* config, store::ChainId chain_id) {
    if (config != nullptr) {
        for (const auto& chain : config->chains)
            if (chain.chain_id == chain_id) return boost::json::value(chain.name);
    }
    return nullptr;
}

boost::json::object token_json(const infra::Config* config, store::ChainId chain_id, const store::Token& t) {
    const infra::ContractConfig* contract = configured_contract(config, chain_id, t.contract);
    boost::json::object out{
        {"chain", chain_name(config, chain_id)},
        {"chain_id", chain_id},
        {"contract", contract != nullptr ? boost::json::value(contract->name) : boost::json::value(nullptr)},
        {"address", t.contract.checksum()},
        {"token_id", t.token_id.to_decimal()},
        {"author", t.author ? boost::json::value(*t.author) : boost::json::value(nullptr)},
        {"owner", t.owner.is_zero() ? boost::json::value(nullptr) : boost::json::value(t.owner.checksum())},
        {"status", store::to_string(t.status)},
        {"block_number", t.block_number},
        {"created_at", t.created_at},
        {"updated_at", t.updated_at},
    };
    return out;
}

// The opaque cursor: hex of "chain|contract|token id", the last row of the
// page before. Only this code reads it; clients pass it back as given.
std::string encode_cursor(const store::TokenPosition& p) {
    const std::string text = fmt::format("{}|{}|{}", p.chain_id, p.contract.lower_hex(), p.token_id.to_decimal());
    return core::to_hex(core::ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()), false);
}

std::optional<store::TokenPosition> decode_cursor(std::string_view cursor) {
    const auto bytes = core::from_hex(cursor);
    if (!bytes) return std::nullopt;
    const std::string text(bytes->begin(), bytes->end());
    const auto bar1 = text.find('|');
    const auto bar2 = bar1 == std::string::npos ? std::string::npos : text.find('|', bar1 + 1);
    if (bar2 == std::string::npos) return std::nullopt;
    store::TokenPosition p;
    const char* chain_end = text.data() + bar1;
    const auto [ptr, ec] = std::from_chars(text.data(), chain_end, p.chain_id);
    if (ec != std::errc{} || ptr != chain_end) return std::nullopt;
    const auto contract = core::Address::from_hex_lenient(std::string_view(text).substr(bar1 + 1, bar2 - bar1 - 1));
    const auto id = core::Uint256::from_decimal(std::string_view(text).substr(bar2 + 1));
    if (!contract || !id) return std::nullopt;
    p.contract = *contract;
    p.token_id = *id;
    return p;
}

// Runs `read` on a leased store; a database failure is 503 (and the
// connection is not given back).
net::ServerReply with_store(ServiceContext& context, const std::function<net::ServerReply(store::Store&)>& read) {
    if (context.stores == nullptr) return error_reply(503, "unavailable", "the daemon has no database connection");
    try {
        auto lease = context.stores->lease();
        try {
            return read(*lease);
        } catch (const store::StoreError&) {
            lease.discard();
            throw;
        }
    } catch (const store::StoreError& e) {
        return error_reply(503, "database_error", infra::redact(e.what()));
    }
}

net::ServerReply list_tokens(ServiceContext& context, const RouteRequest& request) {
    store::TokenQuery query;
    query.limit = kDefaultLimit;
    for (const auto& [name, value] : request.query) {
        if (name != "status" && name != "author" && name != "limit" && name != "cursor") {
            return error_reply(
                400, "bad_request",
                fmt::format("unknown query parameter \"{}\" (expected status, author, limit, cursor)", name));
        }
    }
    if (const auto status = request.query_value("status"); status && !status->empty()) {
        query.status = store::parse_token_status(*status);
        if (!query.status) {
            return error_reply(400, "bad_request",
                               fmt::format("unknown status \"{}\" (expected detected, generating, uploading, ready, "
                                           "revealed or failed)",
                                           *status));
        }
    }
    if (const auto author = request.query_value("author"); author && !author->empty()) query.author = *author;
    if (const auto limit = request.query_value("limit")) {
        std::size_t n = 0;
        const auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
        if (ec != std::errc{} || ptr != limit->data() + limit->size() || n == 0 || n > kMaxLimit) {
            return error_reply(400, "bad_request",
                               fmt::format("limit must be an integer from 1 to {}, not \"{}\"", kMaxLimit, *limit));
        }
        query.limit = n;
    }
    if (const auto cursor = request.query_value("cursor"); cursor && !cursor->empty()) {
        query.after = decode_cursor(*cursor);
        if (!query.after) {
            return error_reply(400, "bad_request", "the cursor is not one this API gave out (pass next_cursor as is)");
        }
    }
    const std::size_t page = query.limit;
    ++query.limit;  // one more row says whether another page exists
    return with_store(context, [&](store::Store& store) {
        auto rows = store.list_tokens(query);
        const bool more = rows.size() > page;
        if (more) rows.resize(page);
        boost::json::array tokens;
        tokens.reserve(rows.size());
        for (const auto& row : rows)
            tokens.emplace_back(token_json(context.config, row.chain_id, row.token));
        boost::json::object out{{"tokens", std::move(tokens)}, {"next_cursor", nullptr}};
        if (more) {
            const auto& last = rows.back();
            out["next_cursor"] = encode_cursor({last.chain_id, last.token.contract, last.token.token_id});
        }
        return json_reply(200, boost::json::serialize(out));
    });
}

net::ServerReply get_token(ServiceContext& context, const RouteRequest& request) {
    const std::string_view wanted = request.param("contract");
    const auto id = core::Uint256::parse(request.param("id"));
    if (!id) {
        return error_reply(400, "bad_request",
                           fmt::format("token id \"{}\" is not a uint256 (decimal or 0x-hex)", request.param("id")));
    }
    // Every configured contract the path names: by name (unique), or by
    // address (possibly on several chains).
    std::vector<std::pair<store::ChainId, core::Address>> candidates;
    const auto address = core::Address::from_hex_lenient(wanted);
    if (context.config != nullptr) {
        for (const auto& c : context.config->contracts) {
            const infra::ChainConfig* chain = context.config->find_chain(c.chain);
            if (chain == nullptr) continue;
            if (c.name == wanted || (address && c.address == *address))
                candidates.emplace_back(chain->chain_id, c.address);
        }
    }
    if (candidates.empty()) {
        return error_reply(404, "unknown_contract",
                           fmt::format("no contract \"{}\" in the config (use its name or address)", wanted));
    }
    return with_store(context, [&](store::Store& store) {
        for (const auto& [chain_id, contract] : candidates) {
            if (auto token = store.get_token(chain_id, contract, *id)) {
                return json_reply(200, boost::json::serialize(token_json(context.config, chain_id, *token)));
            }
        }
        return error_reply(404, "token_not_found",
                           fmt::format("no token {} of \"{}\" is stored", id->to_decimal(), wanted));
    });
}

net::ServerReply balances(ServiceContext& context, const RouteRequest& request) {
    const auto holder = core::Address::from_hex_lenient(request.param("holder"));
    if (!holder) {
        return error_reply(400, "bad_request",
                           fmt::format("\"{}\" is not an address (0x and 40 hex digits)", request.param("holder")));
    }
    return with_store(context, [&](store::Store& store) {
        auto rows = store.holdings(*holder, kMaxHoldings + 1);
        const bool truncated = rows.size() > kMaxHoldings;
        if (truncated) rows.resize(kMaxHoldings);
        boost::json::array list;
        list.reserve(rows.size());
        for (const auto& h : rows) {
            const infra::ContractConfig* contract = configured_contract(context.config, h.chain_id, h.contract);
            list.emplace_back(boost::json::object{
                {"chain", chain_name(context.config, h.chain_id)},
                {"chain_id", h.chain_id},
                {"contract", contract != nullptr ? boost::json::value(contract->name) : boost::json::value(nullptr)},
                {"address", h.contract.checksum()},
                {"standard", h.standard == store::TokenStandard::kErc721 ? "erc721" : "erc1155"},
                {"token_id", h.token_id.to_decimal()},
                {"balance", h.amount.to_decimal()},
            });
        }
        boost::json::object out{
            {"holder", holder->checksum()}, {"balances", std::move(list)}, {"truncated", truncated}};
        return json_reply(200, boost::json::serialize(out));
    });
}

}  // namespace

void add_read_routes(Router& router, ServiceContext& context) {
    router.add("GET", "/api/tokens", [&context](const RouteRequest& r) { return list_tokens(context, r); });
    router.add("GET", "/api/tokens/{contract}/{id}",
               [&context](const RouteRequest& r) { return get_token(context, r); });
    router.add("GET", "/api/balances/{holder}", [&context](const RouteRequest& r) { return balances(context, r); });
}

}  // namespace tokensync::api
