#include "core/abi/decode.hpp"

#include <random>

#include <gtest/gtest.h>

#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "core/abi/test_helpers.hpp"

namespace tokensync::core::abi {
namespace {

using testing::num;
using testing::text;
using testing::words;

std::vector<Type> types(std::initializer_list<std::string_view> texts) {
    std::vector<Type> out;
    for (auto t : texts)
        out.push_back(parse_type(t).value());
    return out;
}

Value u(uint64_t v) { return Value{Uint256{v}}; }
Value arr(std::vector<Value> items) { return Value{Array{std::move(items)}}; }

const std::string kOnes(64, 'f');

TEST(AbiDecode, SpecSamRoundTrip) {
    auto fn = parse_function("sam(bytes,bool,uint256[])").value();
    Bytes data = words({num("60"), num("1"), num("a0"), num("4"), text("dave"), num("3"), num("1"), num("2"), num("3")},
                       "a5643bf2");
    auto values = decode_call(fn, data).value();
    ASSERT_EQ(values.size(), 3U);
    EXPECT_EQ(values[0], Value{Bytes({'d', 'a', 'v', 'e'})});
    EXPECT_EQ(values[1], Value{true});
    EXPECT_EQ(values[2], arr({u(1), u(2), u(3)}));
}

TEST(AbiDecode, SpecGRoundTrip) {
    auto fn = parse_function("g(uint256[][],string[])").value();
    std::vector<Value> args{arr({arr({u(1), u(2)}), arr({u(3)})}),
                            arr({Value{std::string{"one"}}, Value{std::string{"two"}}, Value{std::string{"three"}}})};
    Bytes data = encode_call(fn, args).value();
    EXPECT_EQ(decode_call(fn, data).value(), args);
}

TEST(AbiDecode, SpecFAndBar) {
    auto f = parse_function("f(uint256,uint32[],bytes10,bytes)").value();
    Bytes data = words({num("123"), num("80"), text("1234567890"), num("e0"), num("2"), num("456"), num("789"),
                        num("d"), text("Hello, world!")},
                       "8be65246");
    auto values = decode_call(f, data).value();
    EXPECT_EQ(values[0], u(0x123));
    EXPECT_EQ(values[1], arr({u(0x456), u(0x789)}));
    EXPECT_EQ(values[2], (Value{FixedBytes{Bytes{'1', '2', '3', '4', '5', '6', '7', '8', '9', '0'}}}));
    EXPECT_EQ(values[3], Value{Bytes(as_bytes("Hello, world!").begin(), as_bytes("Hello, world!").end())});

    auto bar = parse_function("bar(bytes3[2])").value();
    auto bv = decode_call(bar, words({text("abc"), text("def")}, "fce353f6")).value();
    EXPECT_EQ(bv[0], arr({Value{FixedBytes{Bytes{'a', 'b', 'c'}}}, Value{FixedBytes{Bytes{'d', 'e', 'f'}}}}));
}

TEST(AbiDecode, TransferBatchLayout) {
    // PROTOCOLS.md: enc(uint256[] ids, uint256[] values) = [0x40, 0xa0, n, ids..., n, values...].
    Bytes data = words({num("40"), num("a0"), num("2"), num("7"), num("8"), num("2"), num("64"), num("c8")});
    auto values = decode(types({"uint256[]", "uint256[]"}), data).value();
    EXPECT_EQ(values[0], arr({u(7), u(8)}));
    EXPECT_EQ(values[1], arr({u(100), u(200)}));
    EXPECT_EQ(encode(types({"uint256[]", "uint256[]"}), values).value(), data);
}

TEST(AbiDecode, SignedAndNarrowIntegers) {
    auto v = decode(types({"int8", "int256", "uint8", "int16"}), words({kOnes, kOnes, num("ff"), num("7fff")})).value();
    EXPECT_EQ(std::get<Int>(v[0].data).value.to_signed_decimal(), "-1");
    EXPECT_EQ(std::get<Int>(v[1].data).value.to_signed_decimal(), "-1");
    EXPECT_EQ(v[2], u(255));
    EXPECT_EQ(std::get<Int>(v[3].data).value.to_signed_decimal(), "32767");
}

TEST(AbiDecode, TrailingBytesIgnored) {
    EXPECT_EQ(decode(types({"uint8"}), words({num("1"), num("2")})).value()[0], u(1));
}

TEST(AbiDecode, ShortData) {
    EXPECT_EQ(decode(types({"uint256"}), Bytes(31, 0)).error(), DecodeError::kShortData);
    EXPECT_EQ(decode(types({"uint256", "uint256"}), words({num("1")})).error(), DecodeError::kShortData);
    EXPECT_EQ(decode(types({"uint8[3]"}), words({num("1"), num("2")})).error(), DecodeError::kShortData);
    EXPECT_EQ(decode(types({"string[3]"}), words({num("1")})).error(), DecodeError::kShortData);
    // Offset in range but no length word behind it.
    EXPECT_EQ(decode(types({"bytes"}), words({num("20")})).error(), DecodeError::kShortData);
}

TEST(AbiDecode, BadOffset) {
    EXPECT_EQ(decode(types({"bytes"}), words({num("40")})).error(), DecodeError::kBadOffset);
    EXPECT_EQ(decode(types({"bytes"}), words({kOnes, num("0")})).error(), DecodeError::kBadOffset);
    EXPECT_EQ(
        decode(types({"bytes"}), words({"0000000000000000000000010000000000000000000000000000000000000020", num("0")}))
            .error(),
        DecodeError::kBadOffset);
}

TEST(AbiDecode, LengthOverflow) {
    EXPECT_EQ(decode(types({"bytes"}), words({num("20"), num("21"), text("x")})).error(), DecodeError::kLengthOverflow);
    EXPECT_EQ(decode(types({"string"}), words({num("20"), kOnes})).error(), DecodeError::kLengthOverflow);
    // A huge array length from a tiny input must fail before allocating.
    EXPECT_EQ(decode(types({"uint256[]"}), words({num("20"), num("ffffffffffffff")})).error(),
              DecodeError::kLengthOverflow);
    EXPECT_EQ(decode(types({"uint256[]"}), words({num("20"), num("2"), num("1")})).error(),
              DecodeError::kLengthOverflow);
    // Static tuple elements take 64 bytes each: 2 do not fit in 96.
    EXPECT_EQ(
        decode(types({"(uint256,uint256)[]"}), words({num("20"), num("2"), num("1"), num("1"), num("1")})).error(),
        DecodeError::kLengthOverflow);
}

TEST(AbiDecode, DirtyAddress) {
    EXPECT_EQ(
        decode(types({"address"}), words({"00000000000000000000000100000000000000000000000000000000000000aa"})).error(),
        DecodeError::kDirtyAddress);
}

TEST(AbiDecode, DirtyBool) {
    EXPECT_EQ(decode(types({"bool"}), words({num("2")})).error(), DecodeError::kDirtyBool);
    EXPECT_EQ(
        decode(types({"bool"}), words({"0100000000000000000000000000000000000000000000000000000000000001"})).error(),
        DecodeError::kDirtyBool);
}

TEST(AbiDecode, IntOutOfRange) {
    EXPECT_EQ(decode(types({"uint8"}), words({num("100")})).error(), DecodeError::kIntOutOfRange);
    EXPECT_EQ(decode(types({"uint248"}), words({"01" + std::string(62, '0')})).error(), DecodeError::kIntOutOfRange);
    // int8 -1 must be sign-extended; 0xff alone is out of range, and so is a
    // negative fill over a positive byte.
    EXPECT_EQ(decode(types({"int8"}), words({num("ff")})).error(), DecodeError::kIntOutOfRange);
    EXPECT_EQ(decode(types({"int8"}), words({std::string(62, 'f') + "7f"})).error(), DecodeError::kIntOutOfRange);
}

TEST(AbiDecode, DirtyFixedBytes) {
    EXPECT_EQ(decode(types({"bytes2"}), words({"abcd01" + std::string(58, '0')})).error(),
              DecodeError::kDirtyFixedBytes);
    EXPECT_EQ(decode(types({"bytes2"}), words({"abcd" + std::string(60, '0')})).value()[0],
              (Value{FixedBytes{Bytes{0xab, 0xcd}}}));
}

TEST(AbiDecode, TooManyValuesFromSharedTails) {
    // 600 offsets all pointing at one 600-element array: valid offsets, but a
    // quadratic expansion of the input.
    std::vector<std::string> ws{num("20"), num("258")};
    for (int i = 0; i < 600; ++i)
        ws.push_back(num("4b00"));  // 0x4b00 = 600*32
    ws.push_back(num("258"));
    for (int i = 0; i < 600; ++i)
        ws.push_back(num("1"));
    EXPECT_EQ(decode(types({"uint256[][]"}), words(ws)).error(), DecodeError::kTooManyValues);
}

TEST(AbiDecode, BadSelector) {
    auto fn = parse_function("baz(uint32,bool)").value();
    EXPECT_EQ(decode_call(fn, Bytes{0xcd, 0xcd}).error(), DecodeError::kBadSelector);
    EXPECT_EQ(decode_call(fn, words({num("45"), num("1")}, "deadbeef")).error(), DecodeError::kBadSelector);
    EXPECT_EQ(decode_call(fn, words({num("45"), num("1")}, "cdcd77c0")).value()[0], u(69));
}

TEST(AbiDecode, ReturnData) {
    auto fn = parse_function("function tokenURI(uint256) view returns (string)").value();
    EXPECT_EQ(decode_return(fn, words({num("20"), num("8"), text("ipfs://x")})).value()[0],
              Value{std::string{"ipfs://x"}});
}

TEST(AbiDecode, NeverReadsOutOfBoundsOnTruncation) {
    // Every prefix fails cleanly once the last word (the bytes' content) is
    // cut; longer prefixes only lose padding, which is not required.
    auto fn = parse_function("g(uint256[][],string[],(bytes,int8[2])[])").value();
    std::vector<Value> args{
        arr({arr({u(1), u(2)}), arr({u(3)})}), arr({Value{std::string{"one"}}}),
        arr({Value{Tuple{{Value{Bytes{1, 2, 3}}, arr({Value{Int{Uint256{1}}}, Value{Int{Uint256{2}}}})}}}})};
    Bytes data = encode_call(fn, args).value();
    for (std::size_t n = 4; n < data.size(); ++n) {
        auto r = decode_call(fn, ByteView{data.data(), n});
        if (n <= data.size() - 32) {
            EXPECT_FALSE(r.has_value()) << n;
        }
    }
    EXPECT_EQ(decode_call(fn, data).value(), args);
}

TEST(AbiDecode, MutatedInputsFailCleanlyOrStayInRange) {
    // Corrupt bytes of valid encodings: decoding must either fail with an
    // error or give values that fit their types (so they encode again).
    auto fn = parse_function("h(uint8,int16,bool,address,bytes3,bytes,string[],(uint32,bytes)[2],int8[][])").value();
    std::vector<Value> args{u(7),
                            Value{Int{Uint256{300}.wrapping_neg()}},
                            Value{true},
                            Value{Address{}},
                            Value{FixedBytes{Bytes{1, 2, 3}}},
                            Value{Bytes{9, 8, 7, 6}},
                            arr({Value{std::string{"a"}}, Value{std::string{"bc"}}}),
                            arr({Value{Tuple{{u(1), Value{Bytes{}}}}}, Value{Tuple{{u(2), Value{Bytes{5}}}}}}),
                            arr({arr({Value{Int{Uint256{1}.wrapping_neg()}}}), arr({})})};
    Bytes good = encode_call(fn, args).value();
    std::mt19937 rng{12345};
    int failures = 0;
    for (int round = 0; round < 3000; ++round) {
        Bytes data = good;
        int flips = std::uniform_int_distribution<int>{1, 4}(rng);
        for (int i = 0; i < flips; ++i) {
            auto at = std::uniform_int_distribution<std::size_t>{4, data.size() - 1}(rng);
            data[at] = static_cast<uint8_t>(std::uniform_int_distribution<int>{0, 255}(rng));
        }
        if (round % 7 == 0) data.resize(std::uniform_int_distribution<std::size_t>{4, data.size()}(rng));
        auto r = decode_call(fn, data);
        if (!r) {
            ++failures;
            continue;
        }
        EXPECT_TRUE(encode_call(fn, *r).has_value()) << round;
    }
    EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace tokensync::core::abi
