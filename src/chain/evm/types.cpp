#include "chain/evm/types.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/hex.hpp"

namespace tokensync::chain::evm {
namespace {

using Object = boost::json::object;

std::expected<std::string_view, ParseError> string_member(const Object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::unexpected(ParseError{std::string(key), "missing"});
    if (!v->is_string()) return std::unexpected(ParseError{std::string(key), "not a string"});
    return std::string_view(v->get_string());
}

std::expected<core::Hash32, ParseError> hash_member(const Object& o, std::string_view key) {
    auto s = string_member(o, key);
    if (!s) return std::unexpected(s.error());
    auto h = core::Hash32::from_hex(*s);
    if (!h || !s->starts_with("0x")) return std::unexpected(ParseError{std::string(key), "not a 32-byte hex hash"});
    return *h;
}

std::expected<uint64_t, ParseError> quantity_member(const Object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::unexpected(ParseError{std::string(key), "missing"});
    return parse_quantity(*v, key);
}

// Moves a parsed member into place; the error, if parsing failed.
template <class T>
std::optional<ParseError> take(std::expected<T, ParseError> parsed, T& out) {
    if (!parsed) return std::move(parsed.error());
    out = std::move(*parsed);
    return std::nullopt;
}

}  // namespace

std::string ParseError::to_string() const { return fmt::format("{}: {}", field, reason); }

std::expected<uint64_t, ParseError> parse_quantity(const boost::json::value& v, std::string_view field) {
    if (!v.is_string()) return std::unexpected(ParseError{std::string(field), "not a hex quantity string"});
    const std::string_view s = v.get_string();
    if (!s.starts_with("0x") || s.size() < 3) {
        return std::unexpected(ParseError{std::string(field), "not a 0x-prefixed hex quantity"});
    }
    if (s.size() > 2 + 16) return std::unexpected(ParseError{std::string(field), "quantity larger than 64 bits"});
    uint64_t n = 0;
    for (char c : s.substr(2)) {
        unsigned digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<unsigned>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = static_cast<unsigned>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            digit = static_cast<unsigned>(c - 'A' + 10);
        } else {
            return std::unexpected(ParseError{std::string(field), "invalid hex digit"});
        }
        n = (n << 4) | digit;
    }
    return n;
}

std::string to_quantity(uint64_t n) { return fmt::format("0x{:x}", n); }

std::expected<Log, ParseError> parse_log(const boost::json::value& v) {
    if (!v.is_object()) return std::unexpected(ParseError{"log", "not an object"});
    const auto& o = v.get_object();
    Log log;

    auto address = string_member(o, "address");
    if (!address) return std::unexpected(address.error());
    auto parsed_address = core::Address::from_hex_lenient(*address);
    if (!parsed_address) return std::unexpected(ParseError{"address", "not a 20-byte hex address"});
    log.address = *parsed_address;

    const auto* topics = o.if_contains("topics");
    if (topics == nullptr) return std::unexpected(ParseError{"topics", "missing"});
    if (!topics->is_array()) return std::unexpected(ParseError{"topics", "not an array"});
    if (topics->get_array().size() > 4) return std::unexpected(ParseError{"topics", "more than 4 topics"});
    for (std::size_t i = 0; i < topics->get_array().size(); ++i) {
        const auto& t = topics->get_array()[i];
        const auto field = fmt::format("topics[{}]", i);
        if (!t.is_string()) return std::unexpected(ParseError{field, "not a string"});
        auto h = core::Hash32::from_hex(t.get_string());
        if (!h || !t.get_string().starts_with("0x"))
            return std::unexpected(ParseError{field, "not a 32-byte hex hash"});
        log.topics.push_back(*h);
    }

    auto data = string_member(o, "data");
    if (!data) return std::unexpected(data.error());
    if (!core::is_hex_data(*data)) return std::unexpected(ParseError{"data", "not 0x-prefixed even-length hex"});
    log.data = *core::from_hex(*data);

    if (auto e = take(quantity_member(o, "blockNumber"), log.block_number)) return std::unexpected(*e);
    if (auto e = take(hash_member(o, "blockHash"), log.block_hash)) return std::unexpected(*e);
    if (auto e = take(hash_member(o, "transactionHash"), log.transaction_hash)) return std::unexpected(*e);
    if (auto e = take(quantity_member(o, "transactionIndex"), log.transaction_index)) return std::unexpected(*e);
    if (auto e = take(quantity_member(o, "logIndex"), log.log_index)) return std::unexpected(*e);

    if (const auto* removed = o.if_contains("removed"); removed != nullptr) {
        if (!removed->is_bool()) return std::unexpected(ParseError{"removed", "not a boolean"});
        log.removed = removed->get_bool();
    }
    return log;
}

std::expected<std::vector<Log>, ParseError> parse_logs(const boost::json::value& v) {
    if (!v.is_array()) return std::unexpected(ParseError{"result", "not an array of logs"});
    std::vector<Log> logs;
    logs.reserve(v.get_array().size());
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
        auto log = parse_log(v.get_array()[i]);
        if (!log)
            return std::unexpected(ParseError{fmt::format("logs[{}].{}", i, log.error().field), log.error().reason});
        logs.push_back(std::move(*log));
    }
    return logs;
}

std::expected<BlockHeader, ParseError> parse_block_header(const boost::json::value& v) {
    if (!v.is_object()) return std::unexpected(ParseError{"block", "not an object"});
    const auto& o = v.get_object();
    BlockHeader header;
    if (auto e = take(quantity_member(o, "number"), header.number)) return std::unexpected(*e);
    if (auto e = take(hash_member(o, "hash"), header.hash)) return std::unexpected(*e);
    if (auto e = take(hash_member(o, "parentHash"), header.parent_hash)) return std::unexpected(*e);
    if (auto e = take(quantity_member(o, "timestamp"), header.timestamp)) return std::unexpected(*e);
    if (const auto* bloom = o.if_contains("logsBloom"); bloom != nullptr && !bloom->is_null()) {
        std::expected<LogsBloom, core::HexError> parsed = std::unexpected(core::HexError::kInvalidChar);
        if (bloom->is_string() && bloom->get_string().starts_with("0x"))
            parsed = LogsBloom::from_hex(bloom->get_string());
        if (!parsed) return std::unexpected(ParseError{"logsBloom", "not 0x and 256 bytes of hex"});
        header.logs_bloom = *parsed;
    }
    return header;
}

}  // namespace tokensync::chain::evm
