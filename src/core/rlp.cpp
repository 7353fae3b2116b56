#include "core/rlp.hpp"

#include <bit>

namespace tokensync::core::rlp {

namespace {

constexpr uint8_t kStringBase = 0x80;
constexpr uint8_t kListBase = 0xc0;
constexpr std::size_t kMaxShortLength = 55;  // longer payloads get a length-of-length prefix

void encode_header(Bytes& out, uint8_t base, std::size_t length) {
    if (length <= kMaxShortLength) {
        out.push_back(static_cast<uint8_t>(base + length));
        return;
    }
    const auto length_bytes = static_cast<std::size_t>((std::bit_width(length) + 7) / 8);
    out.push_back(static_cast<uint8_t>(base + kMaxShortLength + length_bytes));
    for (std::size_t i = length_bytes; i-- > 0;)
        out.push_back(static_cast<uint8_t>(length >> (8 * i)));
}

void encode_into(Bytes& out, const Item& item) {
    if (const auto* s = std::get_if<Bytes>(&item.value)) {
        encode_string(out, *s);
        return;
    }
    Bytes payload;
    for (const Item& child : std::get<std::vector<Item>>(item.value))
        encode_into(payload, child);
    encode_list_header(out, payload.size());
    out.insert(out.end(), payload.begin(), payload.end());
}

struct Header {
    bool list = false;
    std::size_t payload_length = 0;
};

// Reads a header of the long or short form (not a bare byte below 0x80) and
// moves `in` to the payload, which is known to fit in what is left.
std::expected<Header, DecodingError> read_header(ByteView& in) {
    const uint8_t prefix = in.front();
    in = in.subspan(1);
    Header h;
    h.list = prefix >= kListBase;
    const std::size_t short_length = prefix - (h.list ? kListBase : kStringBase);
    if (short_length <= kMaxShortLength) {
        h.payload_length = short_length;
    } else {
        const std::size_t length_bytes = short_length - kMaxShortLength;  // 1 to 8
        if (in.size() < length_bytes) return std::unexpected(DecodingError::kInputTooShort);
        if (in.front() == 0) return std::unexpected(DecodingError::kLeadingZero);
        uint64_t length = 0;
        for (std::size_t i = 0; i < length_bytes; ++i)
            length = (length << 8) | in[i];
        in = in.subspan(length_bytes);
        if (length <= kMaxShortLength) return std::unexpected(DecodingError::kNonCanonicalSize);
        if (length > in.size()) return std::unexpected(DecodingError::kInputTooShort);
        h.payload_length = static_cast<std::size_t>(length);
    }
    if (h.payload_length > in.size()) return std::unexpected(DecodingError::kInputTooShort);
    return h;
}

// Decodes the item at the front of `in` and moves `in` past it.
std::expected<Item, DecodingError> decode_item(ByteView& in, int depth) {
    if (in.empty()) return std::unexpected(DecodingError::kInputTooShort);
    if (in.front() < kStringBase) {
        Item single{Bytes{in.front()}};
        in = in.subspan(1);
        return single;
    }
    const auto header = read_header(in);
    if (!header) return std::unexpected(header.error());
    ByteView payload = in.first(header->payload_length);
    in = in.subspan(header->payload_length);

    if (!header->list) {
        if (payload.size() == 1 && payload.front() < kStringBase) {
            return std::unexpected(DecodingError::kNonCanonicalSize);
        }
        return Item{Bytes(payload.begin(), payload.end())};
    }
    if (depth >= kMaxDepth) return std::unexpected(DecodingError::kTooDeep);
    std::vector<Item> items;
    while (!payload.empty()) {
        auto child = decode_item(payload, depth + 1);
        if (!child) return std::unexpected(child.error());
        items.push_back(std::move(*child));
    }
    return Item{std::move(items)};
}

}  // namespace

std::string_view to_string(DecodingError e) noexcept {
    switch (e) {
        case DecodingError::kInputTooShort:
            return "RLP length runs past the end of the input";
        case DecodingError::kInputTooLong:
            return "bytes left after the RLP item";
        case DecodingError::kLeadingZero:
            return "RLP length or integer with a leading zero";
        case DecodingError::kNonCanonicalSize:
            return "RLP item not in its shortest form";
        case DecodingError::kUnexpectedList:
            return "RLP list where a string was expected";
        case DecodingError::kUnexpectedString:
            return "RLP string where a list was expected";
        case DecodingError::kOverflow:
            return "RLP integer too wide";
        case DecodingError::kTooDeep:
            return "RLP lists nested too deeply";
    }
    return "unknown RLP error";
}

void encode_string(Bytes& out, ByteView s) {
    if (s.size() == 1 && s.front() < kStringBase) {
        out.push_back(s.front());
        return;
    }
    encode_header(out, kStringBase, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

void encode_uint(Bytes& out, const Uint256& v) {
    const ByteArray<32> be = v.to_be_bytes();
    const std::size_t skip = 32 - (v.bit_length() + 7) / 8;
    encode_string(out, ByteView{be}.subspan(skip));
}

void encode_list_header(Bytes& out, std::size_t payload_length) { encode_header(out, kListBase, payload_length); }

Bytes encode(const Item& item) {
    Bytes out;
    encode_into(out, item);
    return out;
}

std::expected<Item, DecodingError> decode(ByteView in) {
    auto item = decode_item(in, 0);
    if (item && !in.empty()) return std::unexpected(DecodingError::kInputTooLong);
    return item;
}

std::expected<Uint256, DecodingError> decode_uint(ByteView s) {
    if (!s.empty() && s.front() == 0) return std::unexpected(DecodingError::kLeadingZero);
    const auto v = Uint256::from_be_bytes(s);
    if (!v) return std::unexpected(DecodingError::kOverflow);
    return *v;
}

std::expected<uint64_t, DecodingError> decode_u64(ByteView s) {
    const auto v = decode_uint(s);
    if (!v) return std::unexpected(v.error());
    if (!v->fits_u64()) return std::unexpected(DecodingError::kOverflow);
    return v->low64();
}

std::expected<Bytes, DecodingError> decode_string(ByteView in) {
    auto item = decode(in);
    if (!item) return std::unexpected(item.error());
    if (item->is_list()) return std::unexpected(DecodingError::kUnexpectedList);
    return std::get<Bytes>(std::move(item->value));
}

std::expected<std::vector<Item>, DecodingError> decode_list(ByteView in) {
    auto item = decode(in);
    if (!item) return std::unexpected(item.error());
    if (!item->is_list()) return std::unexpected(DecodingError::kUnexpectedString);
    return std::get<std::vector<Item>>(std::move(item->value));
}

std::expected<ByteView, DecodingError> as_string(const Item& item) {
    if (item.is_list()) return std::unexpected(DecodingError::kUnexpectedList);
    return ByteView{std::get<Bytes>(item.value)};
}

std::expected<std::span<const Item>, DecodingError> as_list(const Item& item) {
    if (!item.is_list()) return std::unexpected(DecodingError::kUnexpectedString);
    return std::span<const Item>{std::get<std::vector<Item>>(item.value)};
}

}  // namespace tokensync::core::rlp
