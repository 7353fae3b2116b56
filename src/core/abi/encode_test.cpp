#include "core/abi/encode.hpp"

#include <gtest/gtest.h>

#include "core/abi/parse.hpp"
#include "core/abi/test_helpers.hpp"

namespace tokensync::core::abi {
namespace {

using testing::num;
using testing::text;
using testing::words;

Value u(uint64_t v) { return Value{Uint256{v}}; }
Value str(std::string s) { return Value{std::move(s)}; }
Value arr(std::vector<Value> items) { return Value{Array{std::move(items)}}; }
Value fixed(std::string_view ascii) { return Value{FixedBytes{Bytes(as_bytes(ascii).begin(), as_bytes(ascii).end())}}; }
Value raw(std::string_view ascii) { return Value{Bytes(as_bytes(ascii).begin(), as_bytes(ascii).end())}; }

Bytes call(std::string_view sig, std::vector<Value> args) {
    return encode_call(parse_function(sig).value(), args).value();
}

// The examples of the Solidity ABI specification (docs/abi-spec.rst).
TEST(AbiEncode, SpecBaz) {
    EXPECT_EQ(call("baz(uint32,bool)", {u(69), Value{true}}), words({num("45"), num("1")}, "cdcd77c0"));
}

TEST(AbiEncode, SpecBar) {
    EXPECT_EQ(call("bar(bytes3[2])", {arr({fixed("abc"), fixed("def")})}),
              words({text("abc"), text("def")}, "fce353f6"));
}

TEST(AbiEncode, SpecSam) {
    EXPECT_EQ(call("sam(bytes,bool,uint256[])", {raw("dave"), Value{true}, arr({u(1), u(2), u(3)})}),
              words({num("60"), num("1"), num("a0"), num("4"), text("dave"), num("3"), num("1"), num("2"), num("3")},
                    "a5643bf2"));
}

TEST(AbiEncode, SpecF) {
    EXPECT_EQ(call("f(uint256,uint32[],bytes10,bytes)",
                   {u(0x123), arr({u(0x456), u(0x789)}), fixed("1234567890"), raw("Hello, world!")}),
              words({num("123"), num("80"), text("1234567890"), num("e0"), num("2"), num("456"), num("789"), num("d"),
                     text("Hello, world!")},
                    "8be65246"));
}

TEST(AbiEncode, SpecG) {
    EXPECT_EQ(call("g(uint256[][],string[])",
                   {arr({arr({u(1), u(2)}), arr({u(3)})}), arr({str("one"), str("two"), str("three")})}),
              words({num("40"), num("140"),  num("2"), num("40"),   num("a0"), num("2"),     num("1"),
                     num("2"),  num("1"),    num("3"), num("3"),    num("60"), num("a0"),    num("e0"),
                     num("3"),  text("one"), num("3"), text("two"), num("5"),  text("three")},
                    "2289b18c"));
}

TEST(AbiEncode, ReturnDataOfTokenUri) {
    // PROTOCOLS.md: tokenURI -> "ipfs://x".
    Type t = Type::string();
    EXPECT_EQ(encode_one(t, str("ipfs://x")).value(), words({num("20"), num("8"), text("ipfs://x")}));
}

TEST(AbiEncode, SignedAddressAndTuple) {
    Type t = parse_type("(int8,address,bool)").value();
    ByteArray<20> a{};
    a[19] = 0xaa;
    Value v{Tuple{{Value{Int{Uint256{5}.wrapping_neg()}}, Value{Address{a}}, Value{false}}}};
    std::string neg5(62, 'f');
    neg5 += "fb";
    EXPECT_EQ(encode_one(t, v).value(), words({neg5, num("aa"), num("0")}));
}

TEST(AbiEncode, IntRanges) {
    Type i8 = Type::sint(8);
    EXPECT_TRUE(check(i8, Value{Int{Uint256{127}}}));
    EXPECT_TRUE(check(i8, Value{Int{Uint256{128}.wrapping_neg()}}));
    EXPECT_EQ(check(i8, Value{Int{Uint256{128}}}).error(), EncodeError::kOutOfRange);
    EXPECT_EQ(check(i8, Value{Int{Uint256{129}.wrapping_neg()}}).error(), EncodeError::kOutOfRange);
    EXPECT_TRUE(check(Type::sint(256), Value{Int{Uint256{1}.wrapping_neg()}}));
    EXPECT_TRUE(check(Type::uint(8), u(255)));
    EXPECT_EQ(check(Type::uint(8), u(256)).error(), EncodeError::kOutOfRange);
}

TEST(AbiEncode, Errors) {
    std::vector<Type> two{Type::uint(), Type::boolean()};
    std::vector<Value> one{u(1)};
    EXPECT_EQ(encode(two, one).error(), EncodeError::kWrongCount);
    EXPECT_EQ(encode_one(Type::uint(), Value{true}).error(), EncodeError::kTypeMismatch);
    EXPECT_EQ(encode_one(Type::sint(), u(1)).error(), EncodeError::kTypeMismatch);
    EXPECT_EQ(encode_one(Type::bytes(), str("x")).error(), EncodeError::kTypeMismatch);
    EXPECT_EQ(encode_one(Type::fixed_bytes(3), fixed("ab")).error(), EncodeError::kOutOfRange);
    EXPECT_EQ(encode_one(Type::fixed_array(Type::uint(), 2), arr({u(1)})).error(), EncodeError::kOutOfRange);
    EXPECT_EQ(encode_one(Type::array(Type::uint()), arr({u(1), Value{true}})).error(), EncodeError::kTypeMismatch);
    EXPECT_EQ(encode_one(parse_type("(uint8,bool)").value(), Value{Tuple{{u(1)}}}).error(), EncodeError::kWrongCount);
    EXPECT_EQ(encode_one(Type::uint(8), u(300)).error(), EncodeError::kOutOfRange);
}

}  // namespace
}  // namespace tokensync::core::abi
