// Vectors from the Ethereum RLP specification (ethereum.org, "Recursive-length
// prefix") and the EIP-1559 vector of PROTOCOLS.md section 3.
#include "core/rlp.hpp"

#include <set>

#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "core/hex.hpp"

namespace tokensync::core::rlp {
namespace {

constexpr std::string_view kLorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";  // 56 bytes

Bytes unhex(std::string_view s) {
    auto b = from_hex(s);
    EXPECT_TRUE(b.has_value()) << s;
    return b.value_or(Bytes{});
}

Item str(std::string_view s) { return Item{Bytes(s.begin(), s.end())}; }
Item list(std::vector<Item> items) { return Item{std::move(items)}; }

Bytes encoded_uint(const Uint256& v) {
    Bytes out;
    encode_uint(out, v);
    return out;
}

// n lists, each the only element of the one around it: c0, c1c0, c2c1c0, ...
Bytes nested_lists(int n) {
    Bytes inner{0xc0};
    for (int i = 1; i < n; ++i) {
        Bytes outer;
        encode_list_header(outer, inner.size());
        outer.insert(outer.end(), inner.begin(), inner.end());
        inner = std::move(outer);
    }
    return inner;
}

DecodingError decode_error(std::string_view hex) {
    const auto item = decode(unhex(hex));
    EXPECT_FALSE(item.has_value()) << hex;
    return item.has_value() ? DecodingError{} : item.error();
}

// Each spec vector must encode to its bytes and decode back to its item.
void expect_round_trip(const Item& item, std::string_view hex) {
    EXPECT_EQ(to_hex(encode(item)), hex);
    const auto decoded = decode(unhex(hex));
    ASSERT_TRUE(decoded.has_value()) << hex;
    EXPECT_EQ(*decoded, item) << hex;
}

TEST(Rlp, SpecStrings) {
    expect_round_trip(str("dog"), "0x83646f67");
    expect_round_trip(str(""), "0x80");
    expect_round_trip(Item{Bytes{0x00}}, "0x00");
    expect_round_trip(Item{Bytes{0x0f}}, "0x0f");
    expect_round_trip(Item{Bytes{0x7f}}, "0x7f");
    expect_round_trip(Item{Bytes{0x80}}, "0x8180");
    expect_round_trip(Item{Bytes{0x04, 0x00}}, "0x820400");
}

TEST(Rlp, SpecLists) {
    expect_round_trip(list({str("cat"), str("dog")}), "0xc88363617483646f67");
    expect_round_trip(list({}), "0xc0");
    // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
    expect_round_trip(list({list({}), list({list({})}), list({list({}), list({list({})})})}), "0xc7c0c1c0c3c0c1c0");
}

TEST(Rlp, LongForms) {
    const std::string lorem_hex = to_hex(as_bytes(kLorem), false);
    expect_round_trip(str(kLorem), "0xb838" + lorem_hex);
    // A list whose payload (58 bytes) needs the long form too.
    expect_round_trip(list({str(kLorem)}), "0xf83ab838" + lorem_hex);
    // A 55-byte string is the longest short form.
    expect_round_trip(str(kLorem.substr(0, 55)), "0xb7" + lorem_hex.substr(0, 110));
    // 1024 bytes need two length bytes.
    expect_round_trip(Item{Bytes(1024, 0xaa)}, "0xb90400" + std::string(2048, 'a'));
}

TEST(Rlp, Integers) {
    EXPECT_EQ(to_hex(encoded_uint(Uint256{0})), "0x80");
    EXPECT_EQ(to_hex(encoded_uint(Uint256{15})), "0x0f");
    EXPECT_EQ(to_hex(encoded_uint(Uint256{127})), "0x7f");
    EXPECT_EQ(to_hex(encoded_uint(Uint256{128})), "0x8180");
    EXPECT_EQ(to_hex(encoded_uint(Uint256{1024})), "0x820400");
    EXPECT_EQ(to_hex(encoded_uint(*Uint256::from_hex("0x" + std::string(64, 'f')))), "0xa0" + std::string(64, 'f'));

    EXPECT_EQ(decode_uint(Bytes{}), Uint256{0});
    EXPECT_EQ(decode_uint(Bytes{0x0f}), Uint256{15});
    EXPECT_EQ(decode_uint(Bytes{0x04, 0x00}), Uint256{1024});
    EXPECT_EQ(decode_uint(Bytes(32, 0xff)), *Uint256::from_hex("0x" + std::string(64, 'f')));
    EXPECT_EQ(decode_u64(Bytes{0x1e, 0x8e}), 7822U);
    EXPECT_EQ(decode_u64(Bytes(8, 0xff)), UINT64_MAX);
}

TEST(Rlp, EncodeStringAppends) {
    Bytes out{0x01};
    encode_string(out, as_bytes("dog"));
    encode_string(out, Bytes{0x05});
    EXPECT_EQ(to_hex(out), "0x0183646f6705");
}

TEST(Rlp, ListHeaders) {
    Bytes out;
    encode_list_header(out, 0);
    encode_list_header(out, 55);
    encode_list_header(out, 56);
    encode_list_header(out, 0x0400);
    EXPECT_EQ(to_hex(out), "0xc0f7f838f90400");
}

TEST(Rlp, InputTooShort) {
    EXPECT_EQ(decode_error("0x"), DecodingError::kInputTooShort);
    EXPECT_EQ(decode_error("0x83646f"), DecodingError::kInputTooShort);
    EXPECT_EQ(decode_error("0xb8"), DecodingError::kInputTooShort);                  // the length byte is missing
    EXPECT_EQ(decode_error("0xb90400"), DecodingError::kInputTooShort);              // 1024 bytes promised, none given
    EXPECT_EQ(decode_error("0xb904"), DecodingError::kInputTooShort);                // half of a two-byte length
    EXPECT_EQ(decode_error("0xbfffffffffffffffff"), DecodingError::kInputTooShort);  // 2^64 - 1 bytes
    EXPECT_EQ(decode_error("0xc88363617483646f"), DecodingError::kInputTooShort);
    // The child fits in the input but not in its list's payload.
    EXPECT_EQ(decode_error("0xc1826162"), DecodingError::kInputTooShort);
}

TEST(Rlp, InputTooLong) {
    EXPECT_EQ(decode_error("0x83646f6700"), DecodingError::kInputTooLong);
    EXPECT_EQ(decode_error("0xc0c0"), DecodingError::kInputTooLong);
    EXPECT_EQ(decode_error("0x0000"), DecodingError::kInputTooLong);
}

TEST(Rlp, LeadingZero) {
    const std::string payload(std::size_t{2} * 64, 'a');
    EXPECT_EQ(decode_error("0xb90040" + payload), DecodingError::kLeadingZero);
    EXPECT_EQ(decode_error("0xf90040" + payload), DecodingError::kLeadingZero);
    EXPECT_EQ(decode_error("0xb800"), DecodingError::kLeadingZero);
    EXPECT_EQ(decode_uint(Bytes{0x00}).error(), DecodingError::kLeadingZero);
    EXPECT_EQ(decode_uint(Bytes{0x00, 0x01}).error(), DecodingError::kLeadingZero);
    EXPECT_EQ(decode_u64(Bytes{0x00, 0x01}).error(), DecodingError::kLeadingZero);
}

TEST(Rlp, NonCanonicalSize) {
    // A single byte below 0x80 must be its own encoding.
    EXPECT_EQ(decode_error("0x8100"), DecodingError::kNonCanonicalSize);
    EXPECT_EQ(decode_error("0x817f"), DecodingError::kNonCanonicalSize);
    EXPECT_EQ(decode_error("0xc28105"), DecodingError::kNonCanonicalSize);  // also inside a list
    // Long form for a length that fits the short form.
    EXPECT_EQ(decode_error("0xb803646f67"), DecodingError::kNonCanonicalSize);
    EXPECT_EQ(decode_error("0xb837" + std::string(std::size_t{2} * 55, 'a')), DecodingError::kNonCanonicalSize);
    EXPECT_EQ(decode_error("0xf801c0"), DecodingError::kNonCanonicalSize);
    EXPECT_EQ(decode_error("0xb90037" + std::string(std::size_t{2} * 55, 'a')), DecodingError::kLeadingZero);
}

TEST(Rlp, UnexpectedListAndString) {
    EXPECT_EQ(decode_string(unhex("0x83646f67")), (Bytes{'d', 'o', 'g'}));
    EXPECT_EQ(decode_string(unhex("0xc0")).error(), DecodingError::kUnexpectedList);
    EXPECT_EQ(decode_string(unhex("0x83646f")).error(), DecodingError::kInputTooShort);

    const auto items = decode_list(unhex("0xc88363617483646f67"));
    ASSERT_TRUE(items.has_value());
    EXPECT_EQ(*items, (std::vector<Item>{str("cat"), str("dog")}));
    EXPECT_EQ(decode_list(unhex("0x83646f67")).error(), DecodingError::kUnexpectedString);
    EXPECT_EQ(decode_list(unhex("0xc0c0")).error(), DecodingError::kInputTooLong);

    const Item dog = str("dog");
    const Item empty = list({});
    ASSERT_TRUE(as_string(dog).has_value());
    EXPECT_EQ(to_hex(*as_string(dog)), "0x646f67");
    EXPECT_EQ(as_string(empty).error(), DecodingError::kUnexpectedList);
    ASSERT_TRUE(as_list(empty).has_value());
    EXPECT_TRUE(as_list(empty)->empty());
    EXPECT_EQ(as_list(dog).error(), DecodingError::kUnexpectedString);
}

TEST(Rlp, Overflow) {
    Bytes wide(33, 0x00);
    wide[0] = 0x01;
    EXPECT_EQ(decode_uint(wide).error(), DecodingError::kOverflow);
    EXPECT_EQ(decode_u64(Bytes{0x01, 0, 0, 0, 0, 0, 0, 0, 0}).error(), DecodingError::kOverflow);
}

TEST(Rlp, NestingDepthIsBounded) {
    const auto deepest = decode(nested_lists(kMaxDepth));
    ASSERT_TRUE(deepest.has_value());
    EXPECT_EQ(encode(*deepest), nested_lists(kMaxDepth));
    EXPECT_EQ(decode(nested_lists(kMaxDepth + 1)).error(), DecodingError::kTooDeep);
}

TEST(Rlp, Eip1559TransactionRoundTrips) {
    const Bytes raw = unhex(
        "0x02f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc980c080a0d067f216"
        "7"
        "008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fdba43f0dfcd400ed24dcace0a7e30d4e85701dca"
        "af"
        "484cd079e");
    ASSERT_EQ(raw.size(), 115U);
    ASSERT_EQ(raw[0], 0x02);
    const ByteView payload = ByteView{raw}.subspan(1);

    const auto fields = decode_list(payload);
    ASSERT_TRUE(fields.has_value());
    ASSERT_EQ(fields->size(), 12U);
    const auto field_u64 = [&](std::size_t i) { return decode_u64(*as_string((*fields)[i])); };
    EXPECT_EQ(field_u64(0), 7822U);    // chain id
    EXPECT_EQ(field_u64(1), 819U);     // nonce
    EXPECT_EQ(field_u64(2), 75853U);   // max priority fee
    EXPECT_EQ(field_u64(3), 121212U);  // max fee
    EXPECT_EQ(field_u64(4), 35552U);   // gas limit
    EXPECT_EQ(to_hex(*as_string((*fields)[5])), "0x000000000000000000000000000000000000aaaa");
    EXPECT_EQ(field_u64(6), 43203529U);             // value
    EXPECT_TRUE(as_string((*fields)[7])->empty());  // data
    ASSERT_TRUE(as_list((*fields)[8]).has_value());
    EXPECT_TRUE(as_list((*fields)[8])->empty());  // access list
    EXPECT_EQ(field_u64(9), 0U);                  // y parity
    EXPECT_EQ(to_hex(*as_string((*fields)[10])), "0xd067f2167008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0");

    Bytes reencoded{0x02};
    const Bytes body = encode(list(*fields));
    reencoded.insert(reencoded.end(), body.begin(), body.end());
    EXPECT_EQ(reencoded, raw);
    EXPECT_EQ(keccak256(ByteView{raw}).hex(), "0xa3bf78ff247cad934aa5fb13e05f11e59c93511523ff8a622e59c3a34700e5c8");

    // The signing hash covers the first nine fields.
    Bytes unsigned_txn{0x02};
    const Bytes unsigned_body = encode(list(std::vector<Item>(fields->begin(), fields->begin() + 9)));
    unsigned_txn.insert(unsigned_txn.end(), unsigned_body.begin(), unsigned_body.end());
    EXPECT_EQ(keccak256(ByteView{unsigned_txn}).hex(),
              "0x5dac58bc5ee23609037e7d8523aa255f9797ce47113f67f6753284c3b02907dd");
}

TEST(Rlp, ErrorsHaveMessages) {
    const DecodingError all[] = {
        DecodingError::kInputTooShort,    DecodingError::kInputTooLong,   DecodingError::kLeadingZero,
        DecodingError::kNonCanonicalSize, DecodingError::kUnexpectedList, DecodingError::kUnexpectedString,
        DecodingError::kOverflow,         DecodingError::kTooDeep,
    };
    std::set<std::string_view> messages;
    for (DecodingError e : all) {
        EXPECT_NE(to_string(e), "unknown RLP error");
        messages.insert(to_string(e));
    }
    EXPECT_EQ(messages.size(), std::size(all));
    EXPECT_EQ(to_string(DecodingError::kLeadingZero), "RLP length or integer with a leading zero");
}

}  // namespace
}  // namespace tokensync::core::rlp
