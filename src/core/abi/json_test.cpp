#include "core/abi/json.hpp"

#include <gtest/gtest.h>

#include "core/abi/parse.hpp"

namespace tokensync::core::abi {
namespace {

TEST(AbiJson, Scalars) {
    EXPECT_EQ(to_json(Value{true}), "true");
    EXPECT_EQ(to_json(Value{Uint256{1}.wrapping_neg()}),
              "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"");
    EXPECT_EQ(to_json(Value{Int{Uint256{5}.wrapping_neg()}}), "\"-5\"");
    EXPECT_EQ(to_json(Value{Address::from_hex("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").value()}),
              "\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"");
    EXPECT_EQ(to_json(Value{Bytes{0xab, 0x01}}), "\"0xab01\"");
    EXPECT_EQ(to_json(Value{FixedBytes{Bytes{0x00, 0xff}}}), "\"0x00ff\"");
    EXPECT_EQ(to_json(Value{std::string{"a\"b\n"}}), "\"a\\\"b\\n\"");
    EXPECT_EQ(to_json(Value{TopicHash{keccak256(std::string_view{""})}}),
              "\"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470\"");
}

TEST(AbiJson, InvalidUtf8IsReplaced) {
    EXPECT_EQ(to_json(Value{std::string{"ok\xff\xc3\xa9\xe0\x80\x80"}}),
              "\"ok\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(AbiJson, NestedAndNamed) {
    Value nested{Array{{Value{Tuple{{Value{Uint256{1}}, Value{std::string{"x"}}}}}, Value{Tuple{}}}}};
    EXPECT_EQ(to_json(nested), "[[\"1\",\"x\"],[]]");

    auto ev = parse_event("event E(uint256 indexed id, bool, string name)").value();
    std::vector<Value> values{Value{Uint256{7}}, Value{false}, Value{std::string{"n"}}};
    EXPECT_EQ(to_json(ev.inputs, values), R"({"id":"7","arg1":false,"name":"n"})");
}

}  // namespace
}  // namespace tokensync::core::abi
