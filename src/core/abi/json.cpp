#include "core/abi/json.hpp"

#include <boost/json.hpp>

#include "core/hex.hpp"

namespace tokensync::core::abi {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) return 1;
    std::size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1fU;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0fU;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07U;
    } else {
        return 0;
    }
    if (s.size() - i < len) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xc0U) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3fU);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return len;
}

std::string valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            out += "\xef\xbf\xbd";
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

boost::json::value json_value(const Value& value) {
    struct Visitor {
        boost::json::value operator()(bool b) const { return b; }
        boost::json::value operator()(const Address& a) const { return boost::json::string(a.checksum()); }
        boost::json::value operator()(const Uint256& v) const { return boost::json::string(v.to_decimal()); }
        boost::json::value operator()(const Int& v) const { return boost::json::string(v.value.to_signed_decimal()); }
        boost::json::value operator()(const FixedBytes& b) const { return boost::json::string(to_hex(b.bytes)); }
        boost::json::value operator()(const Bytes& b) const { return boost::json::string(to_hex(b)); }
        boost::json::value operator()(const std::string& s) const { return boost::json::string(valid_utf8(s)); }
        boost::json::value operator()(const Array& a) const { return list(a.items); }
        boost::json::value operator()(const Tuple& t) const { return list(t.items); }
        boost::json::value operator()(const TopicHash& h) const { return boost::json::string(h.hash.hex()); }

        static boost::json::value list(const std::vector<Value>& items) {
            boost::json::array out;
            out.reserve(items.size());
            for (const auto& item : items)
                out.push_back(json_value(item));
            return out;
        }
    };
    return std::visit(Visitor{}, value.data);
}

}  // namespace

std::string to_json(const Value& value) { return boost::json::serialize(json_value(value)); }

std::string to_json(std::span<const Param> params, std::span<const Value> values) {
    boost::json::object out;
    for (std::size_t i = 0; i < params.size() && i < values.size(); ++i) {
        std::string key = params[i].name.empty() ? "arg" + std::to_string(i) : params[i].name;
        out[key] = json_value(values[i]);
    }
    return boost::json::serialize(out);
}

}  // namespace tokensync::core::abi
