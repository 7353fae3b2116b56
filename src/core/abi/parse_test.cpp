#include "core/abi/parse.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "core/protocol_vectors_test.hpp"

namespace tokensync::core::abi {
namespace {

std::string canonical(std::string_view text) { return parse_type(text).value().canonical(); }

TEST(AbiParseType, Elementary) {
    EXPECT_EQ(canonical("uint"), "uint256");
    EXPECT_EQ(canonical("int"), "int256");
    EXPECT_EQ(canonical("uint8"), "uint8");
    EXPECT_EQ(canonical("int40"), "int40");
    EXPECT_EQ(canonical("address"), "address");
    EXPECT_EQ(canonical("address payable"), "address");
    EXPECT_EQ(canonical("bool"), "bool");
    EXPECT_EQ(canonical("bytes"), "bytes");
    EXPECT_EQ(canonical("bytes1"), "bytes1");
    EXPECT_EQ(canonical("bytes32"), "bytes32");
    EXPECT_EQ(canonical("string"), "string");
}

TEST(AbiParseType, ArraysAndTuples) {
    EXPECT_EQ(canonical("(uint256,address)[]"), "(uint256,address)[]");
    EXPECT_EQ(canonical("tuple(uint a, bool b)[2]"), "(uint256,bool)[2]");
    EXPECT_EQ(canonical(" uint8 [2] [] [3] "), "uint8[2][][3]");
    EXPECT_EQ(canonical("((uint,string)[],bytes4)"), "((uint256,string)[],bytes4)");

    Type t = parse_type("uint8[2][]").value();
    ASSERT_EQ(t.kind(), Kind::kArray);
    EXPECT_EQ(t.element().kind(), Kind::kFixedArray);
    EXPECT_EQ(t.element().size(), 2U);
    EXPECT_EQ(t.element().element(), Type::uint(8));

    Type tuple = parse_type("(uint8 a, string b)").value();
    ASSERT_EQ(tuple.names().size(), 2U);
    EXPECT_EQ(tuple.names()[0], "a");
    EXPECT_EQ(tuple.names()[1], "b");
}

TEST(AbiParseType, SizesAndDynamism) {
    EXPECT_FALSE(parse_type("uint256").value().is_dynamic());
    EXPECT_TRUE(parse_type("bytes").value().is_dynamic());
    EXPECT_TRUE(parse_type("uint8[]").value().is_dynamic());
    EXPECT_FALSE(parse_type("uint8[3]").value().is_dynamic());
    EXPECT_TRUE(parse_type("string[3]").value().is_dynamic());
    EXPECT_FALSE(parse_type("(uint8,bool[2])").value().is_dynamic());
    EXPECT_TRUE(parse_type("(uint8,bytes)").value().is_dynamic());
    EXPECT_EQ(parse_type("(uint8,bool[2])[3]").value().head_size(), 3U * 3U * 32U);
    EXPECT_EQ(parse_type("(uint8,bytes)[3]").value().head_size(), 32U);
}

TEST(AbiParseType, Errors) {
    EXPECT_EQ(parse_type("").error(), SignatureError::kEmpty);
    EXPECT_EQ(parse_type("   ").error(), SignatureError::kEmpty);
    EXPECT_EQ(parse_type("uint8[").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_type("uint8]").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_type("(uint8").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_type("uint8[x]").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_type("float").error(), SignatureError::kUnknownType);
    EXPECT_EQ(parse_type("fixed128x18").error(), SignatureError::kUnknownType);
    EXPECT_EQ(parse_type("uint7").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_type("uint0").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_type("int264").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_type("bytes0").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_type("bytes33").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_type("uint08").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_type("uint8[0]").error(), SignatureError::kZeroLengthArray);
    EXPECT_EQ(parse_type("()").error(), SignatureError::kEmptyTuple);
    EXPECT_EQ(parse_type("()[]").error(), SignatureError::kEmptyTuple);
    EXPECT_EQ(parse_type(std::string(40, '(') + "uint8" + std::string(40, ')')).error(), SignatureError::kTooDeep);
    std::string deep_array = "uint8";
    for (int i = 0; i < 40; ++i)
        deep_array += "[]";
    EXPECT_EQ(parse_type(deep_array).error(), SignatureError::kTooDeep);
    EXPECT_EQ(parse_type("uint8[65536][65536]").error(), SignatureError::kTooLarge);
    EXPECT_EQ(parse_type("uint8[99999999999]").error(), SignatureError::kTooLarge);
}

TEST(AbiParseEvent, HumanReadableWithNames) {
    auto ev = parse_event(
                  "event BatchMinted(address indexed minter, address indexed promptAuthor, uint256 indexed "
                  "startTokenId, uint256 quantity)")
                  .value();
    EXPECT_EQ(ev.name, "BatchMinted");
    ASSERT_EQ(ev.inputs.size(), 4U);
    EXPECT_EQ(ev.inputs[0].name, "minter");
    EXPECT_TRUE(ev.inputs[0].indexed);
    EXPECT_EQ(ev.inputs[2].name, "startTokenId");
    EXPECT_TRUE(ev.inputs[2].indexed);
    EXPECT_EQ(ev.inputs[3].name, "quantity");
    EXPECT_FALSE(ev.inputs[3].indexed);
    EXPECT_EQ(ev.indexed_count(), 3U);
    EXPECT_FALSE(ev.anonymous);
    EXPECT_EQ(ev.signature(), "BatchMinted(address,address,uint256,uint256)");
    EXPECT_EQ(ev.topic0(), keccak256(std::string_view{"BatchMinted(address,address,uint256,uint256)"}));
}

TEST(AbiParseEvent, BareAndAnonymous) {
    auto bare = parse_event("Transfer(address indexed,address indexed,uint256)").value();
    EXPECT_EQ(bare.inputs[0].name, "");
    EXPECT_TRUE(bare.inputs[1].indexed);
    EXPECT_FALSE(bare.inputs[2].indexed);

    auto anon = parse_event(
                    "event Ping(uint256 indexed a, uint256 indexed b, uint256 indexed c, uint256 indexed d) "
                    "anonymous")
                    .value();
    EXPECT_TRUE(anon.anonymous);
    EXPECT_EQ(anon.indexed_count(), 4U);

    auto tuple = parse_event("event E((uint256,address)[] items, bytes data)").value();
    EXPECT_EQ(tuple.signature(), "E((uint256,address)[],bytes)");
}

TEST(AbiParseEvent, Errors) {
    EXPECT_EQ(parse_event("").error(), SignatureError::kEmpty);
    EXPECT_EQ(parse_event("event").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("(uint256)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("E(uint256").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("E(uint256) extra").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("E(uint256 indexed indexed)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("E(uint256 a b)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("E(uint256,)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("E(uint9)").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_event("E(foo)").error(), SignatureError::kUnknownType);
    EXPECT_EQ(parse_event("function f(uint256)").error(), SignatureError::kWrongKind);
    // A keyword is not a name (found by abi_signature_fuzz: its signature read back as a function).
    EXPECT_EQ(parse_event("event function(address indexed from, address to)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("event event(uint256)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("event error(uint256)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_event("E(uint256) returns (uint8)").error(), SignatureError::kWrongKind);
    EXPECT_EQ(parse_event("E(uint indexed, uint indexed, uint indexed, uint indexed)").error(),
              SignatureError::kTooManyIndexed);
    EXPECT_EQ(parse_event("E(uint indexed, uint indexed, uint indexed, uint indexed, uint indexed) anonymous").error(),
              SignatureError::kTooManyIndexed);
    EXPECT_EQ(parse_event("E((uint indexed a))").error(), SignatureError::kSyntax);
}

TEST(AbiParseFunction, HumanReadable) {
    auto fn = parse_function("function tokenPromptAuthor(uint256) view returns (address)").value();
    EXPECT_EQ(fn.name, "tokenPromptAuthor");
    EXPECT_EQ(fn.signature(), "tokenPromptAuthor(uint256)");
    EXPECT_EQ(fn.state_mutability, "view");
    ASSERT_EQ(fn.outputs.size(), 1U);
    EXPECT_EQ(fn.outputs[0].type, Type::address());

    auto full = parse_function(
                    "function transfer(address payable to, uint256 amount) external payable returns (bool ok, "
                    "string memory why)")
                    .value();
    EXPECT_EQ(full.signature(), "transfer(address,uint256)");
    EXPECT_EQ(full.state_mutability, "payable");
    EXPECT_EQ(full.inputs[0].name, "to");
    EXPECT_EQ(full.outputs[1].name, "why");

    auto nested = parse_function("f((uint256,address)[] calldata xs, uint8[2][] memory ys)").value();
    EXPECT_EQ(nested.signature(), "f((uint256,address)[],uint8[2][])");
}

TEST(AbiParseFunction, Errors) {
    EXPECT_EQ(parse_function("").error(), SignatureError::kEmpty);
    EXPECT_EQ(parse_function("event E(uint256)").error(), SignatureError::kWrongKind);
    EXPECT_EQ(parse_function("function event(uint256)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_function("function constructor()").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_function("f(uint256) anonymous").error(), SignatureError::kWrongKind);
    EXPECT_EQ(parse_function("f(uint256) returns").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_function("f(uint256) nonsense").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_function("f(uint256 indexed)").error(), SignatureError::kSyntax);
    EXPECT_EQ(parse_function("f(uint256) returns (uint7)").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_function("f(uint256);").error(), SignatureError::kSyntax);
}

// PROTOCOLS.md section 2, "Verified hashes".
TEST(AbiParseEvent, KnownTopics) {
    const auto& cases = test_vectors::kEventTopics;
    for (const auto& [sig, topic] : cases)
        EXPECT_EQ(parse_event(sig).value().topic0().hex(), topic) << sig;
    // Names, keywords and spacing do not change the hash.
    EXPECT_EQ(parse_event("event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)")
                  .value()
                  .topic0()
                  .hex(),
              cases[0].second);
}

TEST(AbiParseFunction, KnownSelectors) {
    for (const auto& [sig, selector] : test_vectors::kFunctionSelectors) {
        EXPECT_EQ(to_hex(parse_function(sig).value().selector(), false), selector) << sig;
    }
    EXPECT_EQ(to_hex(parse_function("function ownerOf(uint256 tokenId) external view returns (address owner)")
                         .value()
                         .selector(),
                     false),
              "6352211e");
}

}  // namespace
}  // namespace tokensync::core::abi
