#include "chain/evm/alchemy_webhook.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

namespace tokensync::chain::evm {
namespace {

using Object = boost::json::object;
using Unexpected = std::unexpected<ParseError>;

ParseError at(std::string_view path, const ParseError& inner) {
    return {inner.field.empty() ? std::string(path) : fmt::format("{}.{}", path, inner.field), inner.reason};
}

std::expected<const Object*, ParseError> object_member(const Object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return Unexpected(ParseError{std::string(key), "missing"});
    if (!v->is_object()) return Unexpected(ParseError{std::string(key), "not an object"});
    return &v->get_object();
}

std::expected<std::string, ParseError> text_member(const Object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return Unexpected(ParseError{std::string(key), "missing"});
    if (!v->is_string()) return Unexpected(ParseError{std::string(key), "not a string"});
    return std::string(v->get_string());
}

// GraphQL numbers come as JSON numbers; a hex QUANTITY string is taken too.
std::expected<uint64_t, ParseError> number_member(const Object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return Unexpected(ParseError{std::string(key), "missing"});
    if (v->is_uint64()) return v->get_uint64();
    if (v->is_int64() && v->get_int64() >= 0) return static_cast<uint64_t>(v->get_int64());
    if (v->is_string()) return parse_quantity(*v, key);
    return Unexpected(ParseError{std::string(key), "not a non-negative integer"});
}

std::expected<core::Hash32, ParseError> hash_member(const Object& o, std::string_view key) {
    auto s = text_member(o, key);
    if (!s) return Unexpected(s.error());
    auto h = core::Hash32::from_hex(*s);
    if (!h || !s->starts_with("0x")) return Unexpected(ParseError{std::string(key), "not a 32-byte hex hash"});
    return *h;
}

std::expected<core::Address, ParseError> address_in(const Object& o, std::string_view key) {
    auto inner = object_member(o, key);
    if (!inner) return Unexpected(inner.error());
    auto s = text_member(**inner, "address");
    if (!s) return Unexpected(at(key, s.error()));
    auto a = core::Address::from_hex_lenient(*s);
    if (!a) return Unexpected(ParseError{fmt::format("{}.address", key), "not a 20-byte hex address"});
    return *a;
}

// A log of a custom webhook: the fields of its GraphQL selection.
std::expected<Log, ParseError> custom_log(const boost::json::value& v, uint64_t block_number,
                                          const core::Hash32& block_hash) {
    if (!v.is_object()) return Unexpected(ParseError{"", "not an object"});
    const Object& o = v.get_object();
    Log log;
    log.block_number = block_number;
    log.block_hash = block_hash;
    auto address = address_in(o, "account");
    if (!address) return Unexpected(address.error());
    log.address = *address;

    // The rest has the eth_getLogs shape once renamed, so it is checked by
    // the same code as a node's answer.
    boost::json::object shaped;
    if (const auto* t = o.if_contains("topics")) shaped["topics"] = *t;
    if (const auto* d = o.if_contains("data")) shaped["data"] = *d;
    shaped["address"] = log.address.lower_hex();
    shaped["blockNumber"] = to_quantity(block_number);
    shaped["blockHash"] = block_hash.hex();
    auto index = number_member(o, "index");
    if (!index) return Unexpected(index.error());
    shaped["logIndex"] = to_quantity(*index);
    auto tx = object_member(o, "transaction");
    if (!tx) {
        return Unexpected(ParseError{"transaction", tx.error().reason + " (select transaction { hash index } in the "
                                                                        "webhook's GraphQL query)"});
    }
    auto tx_hash = hash_member(**tx, "hash");
    if (!tx_hash) return Unexpected(at("transaction", tx_hash.error()));
    shaped["transactionHash"] = tx_hash->hex();
    auto tx_index = number_member(**tx, "index");
    if (!tx_index) return Unexpected(at("transaction", tx_index.error()));
    shaped["transactionIndex"] = to_quantity(*tx_index);
    if (const auto* removed = o.if_contains("removed")) shaped["removed"] = *removed;
    return parse_log(shaped);
}

std::expected<void, ParseError> read_custom(const Object& event, WebhookDelivery& out) {
    auto data = object_member(event, "data");
    if (!data) return Unexpected(at("event", data.error()));
    auto block = object_member(**data, "block");
    if (!block) return Unexpected(at("event.data", block.error()));
    const Object& b = **block;
    auto number = number_member(b, "number");
    if (!number) return Unexpected(at("event.data.block", number.error()));
    auto hash = hash_member(b, "hash");
    if (!hash) return Unexpected(at("event.data.block", hash.error()));
    out.block_number = *number;
    out.block_hash = *hash;
    if (b.contains("timestamp")) {
        auto time = number_member(b, "timestamp");
        if (!time) return Unexpected(at("event.data.block", time.error()));
        out.block_timestamp = *time;
    }
    const auto* logs = b.if_contains("logs");
    if (logs == nullptr) return {};  // a query that selects no logs: a new-block notice
    if (!logs->is_array()) return Unexpected(ParseError{"event.data.block.logs", "not an array"});
    for (std::size_t i = 0; i < logs->get_array().size(); ++i) {
        auto log = custom_log(logs->get_array()[i], *number, *hash);
        if (!log) return Unexpected(at(fmt::format("event.data.block.logs[{}]", i), log.error()));
        out.logs.push_back(std::move(*log));
    }
    return {};
}

std::expected<void, ParseError> read_address_activity(const Object& event, WebhookDelivery& out) {
    if (const auto* network = event.if_contains("network"); network != nullptr && network->is_string())
        out.network = std::string(network->get_string());
    const auto* activity = event.if_contains("activity");
    if (activity == nullptr) return Unexpected(ParseError{"event.activity", "missing"});
    if (!activity->is_array()) return Unexpected(ParseError{"event.activity", "not an array"});
    for (std::size_t i = 0; i < activity->get_array().size(); ++i) {
        const auto path = fmt::format("event.activity[{}]", i);
        const auto& item = activity->get_array()[i];
        if (!item.is_object()) return Unexpected(ParseError{path, "not an object"});
        const auto* log = item.get_object().if_contains("log");
        if (log == nullptr || log->is_null()) {
            ++out.ignored_activities;
            continue;
        }
        auto parsed = parse_log(*log);
        if (!parsed) return Unexpected(at(path + ".log", parsed.error()));
        out.logs.push_back(std::move(*parsed));
    }
    return {};
}

}  // namespace

std::expected<WebhookDelivery, ParseError> parse_alchemy_webhook(std::string_view body) {
    boost::json::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 16;  // the deepest real shape is 7; hostile nesting stops early
    const boost::json::value root = boost::json::parse(body, ec, {}, options);
    if (ec) return Unexpected(ParseError{"body", fmt::format("not JSON ({})", ec.message())});
    if (!root.is_object()) return Unexpected(ParseError{"body", "not a JSON object"});
    const Object& o = root.get_object();

    WebhookDelivery out;
    auto id = text_member(o, "id");
    if (!id) return Unexpected(id.error());
    if (id->empty()) return Unexpected(ParseError{"id", "empty"});
    out.id = std::move(*id);
    if (auto webhook = text_member(o, "webhookId")) out.webhook_id = std::move(*webhook);
    auto type = text_member(o, "type");
    if (!type) return Unexpected(type.error());
    auto event = object_member(o, "event");
    if (!event) return Unexpected(event.error());

    std::expected<void, ParseError> read;
    if (*type == "GRAPHQL") {
        out.kind = WebhookDelivery::Kind::kCustom;
        if (const auto* network = (*event)->if_contains("network"); network != nullptr && network->is_string())
            out.network = std::string(network->get_string());
        read = read_custom(**event, out);
    } else if (*type == "ADDRESS_ACTIVITY") {
        out.kind = WebhookDelivery::Kind::kAddressActivity;
        read = read_address_activity(**event, out);
    } else {
        return Unexpected(
            ParseError{"type", fmt::format("\"{}\" is not a webhook type tokensync reads (GRAPHQL, ADDRESS_ACTIVITY)",
                                           type->substr(0, 40))});
    }
    if (!read) return Unexpected(read.error());
    return out;
}

}  // namespace tokensync::chain::evm
