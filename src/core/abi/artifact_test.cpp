#include "core/abi/artifact.hpp"

#include <gtest/gtest.h>

namespace tokensync::core::abi {
namespace {

constexpr const char* kEntries = R"([
  {"type":"constructor","inputs":[{"name":"owner","type":"address"}],"stateMutability":"nonpayable"},
  {"type":"function","name":"tokenPromptAuthor","inputs":[{"name":"","type":"uint256","internalType":"uint256"}],
   "outputs":[{"name":"","type":"address"}],"stateMutability":"view"},
  {"type":"function","name":"mintBatch","inputs":[
     {"name":"items","type":"tuple[]","components":[
        {"name":"to","type":"address"},
        {"name":"inner","type":"tuple[2]","components":[{"name":"a","type":"uint8"},{"name":"b","type":"string"}]}]},
     {"name":"data","type":"bytes"}],"outputs":[],"stateMutability":"nonpayable"},
  {"type":"event","name":"BatchMinted","anonymous":false,"inputs":[
     {"name":"minter","type":"address","indexed":true},
     {"name":"promptAuthor","type":"address","indexed":true},
     {"name":"startTokenId","type":"uint256","indexed":true},
     {"name":"quantity","type":"uint256","indexed":false}]},
  {"type":"event","name":"Ping","anonymous":true,"inputs":[{"name":"x","type":"uint8","indexed":true}]},
  {"type":"error","name":"NotOwner","inputs":[]},
  {"type":"receive","stateMutability":"payable"}
])";

TEST(AbiArtifact, BareArray) {
    auto abi = parse_abi_json(kEntries).value();
    ASSERT_EQ(abi.functions.size(), 2U);
    ASSERT_EQ(abi.events.size(), 2U);
    EXPECT_TRUE(abi.bytecode.empty());

    const Function* author = abi.function("tokenPromptAuthor");
    ASSERT_NE(author, nullptr);
    EXPECT_EQ(author->signature(), "tokenPromptAuthor(uint256)");
    EXPECT_EQ(author->state_mutability, "view");
    EXPECT_EQ(author->outputs[0].type, Type::address());

    const Function* mint = abi.function("mintBatch");
    ASSERT_NE(mint, nullptr);
    EXPECT_EQ(mint->signature(), "mintBatch((address,(uint8,string)[2])[],bytes)");
    const Type& items = mint->inputs[0].type;
    ASSERT_EQ(items.kind(), Kind::kArray);
    EXPECT_EQ(items.element().names()[1], "inner");
    EXPECT_EQ(items.element().components()[1].element().names()[1], "b");

    const Event* minted = abi.event("BatchMinted");
    ASSERT_NE(minted, nullptr);
    EXPECT_EQ(minted->indexed_count(), 3U);
    EXPECT_EQ(minted->inputs[3].name, "quantity");
    EXPECT_EQ(abi.event_by_topic0(minted->topic0()), minted);
    const Event* ping = abi.event("Ping");
    ASSERT_NE(ping, nullptr);
    EXPECT_TRUE(ping->anonymous);
    EXPECT_EQ(abi.event_by_topic0(ping->topic0()), nullptr);
    EXPECT_EQ(abi.function("nope"), nullptr);
}

TEST(AbiArtifact, FoundryAndHardhat) {
    std::string foundry =
        std::string{R"({"abi":)"} + kEntries + R"(,"bytecode":{"object":"0x6080ff","linkReferences":{}}})";
    EXPECT_EQ(parse_abi_json(foundry).value().bytecode, (Bytes{0x60, 0x80, 0xff}));
    std::string hardhat = std::string{R"({"contractName":"X","abi":)"} + kEntries + R"(,"bytecode":"0x6001"})";
    auto abi = parse_abi_json(hardhat).value();
    EXPECT_EQ(abi.bytecode, (Bytes{0x60, 0x01}));
    EXPECT_EQ(abi.functions.size(), 2U);
    EXPECT_TRUE(parse_abi_json(R"({"abi":[]})").value().functions.empty());
}

TEST(AbiArtifact, FunctionIsTheDefaultType) {
    auto abi = parse_abi_json(R"([{"name":"f","inputs":[{"type":"uint8[]"}]}])").value();
    EXPECT_EQ(abi.functions.at(0).signature(), "f(uint8[])");
}

TEST(AbiArtifact, Errors) {
    EXPECT_EQ(parse_abi_json("").error(), SignatureError::kBadJson);
    EXPECT_EQ(parse_abi_json("{").error(), SignatureError::kBadJson);
    EXPECT_EQ(parse_abi_json("42").error(), SignatureError::kBadJson);
    EXPECT_EQ(parse_abi_json(R"({"bytecode":"0x"})").error(), SignatureError::kBadJson);
    EXPECT_EQ(parse_abi_json(R"({"abi":{}})").error(), SignatureError::kBadJson);
    EXPECT_EQ(parse_abi_json(R"([1])").error(), SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"([{"type":"function","inputs":[]}])").error(), SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"([{"type":"function","name":"f","inputs":{}}])").error(), SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"([{"type":"function","name":"f","inputs":[{"name":"x"}]}])").error(),
              SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"([{"type":"function","name":"f","inputs":[{"type":"tuple"}]}])").error(),
              SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"([{"type":"event","name":"E","anonymous":"no","inputs":[]}])").error(),
              SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"([{"type":"event","name":"E","inputs":[{"type":"uint8","indexed":1}]}])").error(),
              SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"({"abi":[],"bytecode":"0xzz"})").error(), SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"({"abi":[],"bytecode":{"object":5}})").error(), SignatureError::kBadJsonEntry);
    EXPECT_EQ(parse_abi_json(R"([{"name":"f","inputs":[{"type":"uint7"}]}])").error(), SignatureError::kBadWidth);
    EXPECT_EQ(parse_abi_json(R"([{"name":"f","inputs":[{"type":"tuple","components":[]}]}])").error(),
              SignatureError::kEmptyTuple);
    EXPECT_EQ(parse_abi_json(R"([{"type":"event","name":"E","inputs":[
        {"type":"uint8","indexed":true},{"type":"uint8","indexed":true},
        {"type":"uint8","indexed":true},{"type":"uint8","indexed":true}]}])")
                  .error(),
              SignatureError::kTooManyIndexed);

    std::string deep = R"([{"name":"f","inputs":[)";
    for (int i = 0; i < 40; ++i)
        deep += R"({"type":"tuple","components":[)";
    deep += R"({"type":"uint8"})";
    for (int i = 0; i < 40; ++i)
        deep += "]}";
    deep += "]}]";
    EXPECT_EQ(parse_abi_json(deep).error(), SignatureError::kTooDeep);
}

}  // namespace
}  // namespace tokensync::core::abi
