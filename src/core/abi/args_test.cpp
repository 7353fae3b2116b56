#include "core/abi/args.hpp"

#include <gtest/gtest.h>

#include "core/abi/parse.hpp"

namespace tokensync::core::abi {
namespace {

std::expected<Value, ArgError> arg(std::string_view type, std::string_view text) {
    return parse_arg(parse_type(type).value(), text);
}
Value u(uint64_t v) { return Value{Uint256{v}}; }
Value s(std::string v) { return Value{std::move(v)}; }

TEST(AbiArgs, Scalars) {
    EXPECT_EQ(arg("uint256", "42").value(), u(42));
    EXPECT_EQ(arg("uint256", "0x2a").value(), u(42));
    EXPECT_EQ(arg("uint8", " 255 ").value(), u(255));
    EXPECT_EQ(std::get<Int>(arg("int8", "-128").value().data).value.to_signed_decimal(), "-128");
    EXPECT_EQ(std::get<Int>(arg("int256", "-0x10").value().data).value.to_signed_decimal(), "-16");
    EXPECT_EQ(arg("bool", "true").value(), (Value{true}));
    EXPECT_EQ(arg("bool", "false").value(), (Value{false}));
    EXPECT_EQ(arg("bytes", "0x").value(), (Value{Bytes{}}));
    EXPECT_EQ(arg("bytes", "0xABcd").value(), (Value{Bytes{0xab, 0xcd}}));
    EXPECT_EQ(arg("bytes2", "0xabcd").value(), (Value{FixedBytes{Bytes{0xab, 0xcd}}}));
    EXPECT_EQ(arg("string", " a, b ").value(), s(" a, b "));
    EXPECT_EQ(arg("string", "\"quoted\"").value(), s("quoted"));
    auto a = std::get<Address>(arg("address", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").value().data);
    EXPECT_EQ(a.lower_hex(), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    // As cast: no 0x needed and the checksum is not enforced.
    EXPECT_EQ(std::get<Address>(arg("address", "5aaeb6053f3e94c9b9a09f33669435e7ef1BEAED").value().data), a);
}

TEST(AbiArgs, ArraysAndTuples) {
    EXPECT_EQ(arg("uint8[]", "[]").value(), (Value{Array{}}));
    EXPECT_EQ(arg("uint8[]", "[ 1 , 0x2 ]").value(), (Value{Array{{u(1), u(2)}}}));
    EXPECT_EQ(arg("uint8[][]", "[[1],[],[2,3]]").value(),
              (Value{Array{{Value{Array{{u(1)}}}, Value{Array{}}, Value{Array{{u(2), u(3)}}}}}}));
    EXPECT_EQ(arg("string[]", "[a b, \"c,d\", \"e\\\"f\"]").value(), (Value{Array{{s("a b"), s("c,d"), s("e\"f")}}}));
    EXPECT_EQ(arg("(uint8,string)", "(3, hello)").value(), (Value{Tuple{{u(3), s("hello")}}}));
    EXPECT_EQ(arg("(uint8,bool)[2]", "[(1,true),(2,false)]").value(),
              (Value{Array{{Value{Tuple{{u(1), Value{true}}}}, Value{Tuple{{u(2), Value{false}}}}}}}));
}

TEST(AbiArgs, Errors) {
    EXPECT_EQ(arg("uint8[]", "[1,2").error(), ArgError::kSyntax);
    EXPECT_EQ(arg("uint8[]", "1,2").error(), ArgError::kSyntax);
    EXPECT_EQ(arg("uint8[]", "[1] x").error(), ArgError::kSyntax);
    EXPECT_EQ(arg("string[]", "[\"abc]").error(), ArgError::kSyntax);
    EXPECT_EQ(arg("(uint8,bool)", "(1,true").error(), ArgError::kSyntax);
    EXPECT_EQ(arg("(uint8,bool)", "(1 true)").error(), ArgError::kBadNumber);
    EXPECT_EQ(arg("address", "0x1234").error(), ArgError::kBadAddress);
    EXPECT_EQ(arg("address", "0xzz5aaeb6053f3e94c9b9a09f33669435e7ef1bea").error(), ArgError::kBadAddress);
    EXPECT_EQ(arg("uint256", "12a").error(), ArgError::kBadNumber);
    EXPECT_EQ(arg("uint256", "").error(), ArgError::kBadNumber);
    EXPECT_EQ(arg("uint256", "-1").error(), ArgError::kBadNumber);
    EXPECT_EQ(arg("uint8", "256").error(), ArgError::kOutOfRange);
    EXPECT_EQ(arg("int8", "128").error(), ArgError::kOutOfRange);
    EXPECT_EQ(arg("int8", "-129").error(), ArgError::kOutOfRange);
    EXPECT_EQ(arg("uint256", "0x1" + std::string(64, '0')).error(), ArgError::kOutOfRange);
    EXPECT_EQ(arg("bool", "1").error(), ArgError::kBadBool);
    EXPECT_EQ(arg("bytes", "abcd").error(), ArgError::kBadHex);
    EXPECT_EQ(arg("bytes", "0xabc").error(), ArgError::kBadHex);
    EXPECT_EQ(arg("bytes3", "0x0102").error(), ArgError::kWrongLength);
    EXPECT_EQ(arg("uint8[2]", "[1]").error(), ArgError::kWrongLength);
    EXPECT_EQ(arg("(uint8,bool)", "(1)").error(), ArgError::kWrongLength);
    EXPECT_EQ(arg("(uint8,bool)", "(1,true,3)").error(), ArgError::kWrongLength);

    std::vector<Type> types{Type::uint(), Type::boolean()};
    std::vector<std::string> one{"1"};
    EXPECT_EQ(parse_args(types, one).error(), ArgError::kWrongCount);
    std::vector<std::string> two{"1", "true"};
    EXPECT_EQ(parse_args(types, two).value().size(), 2U);
}

}  // namespace
}  // namespace tokensync::core::abi
