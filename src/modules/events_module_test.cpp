#include "modules/events_module.hpp"

#include <gtest/gtest.h>

#include "core/abi/encode.hpp"
#include "core/hex.hpp"
#include "modules/test_logs.hpp"

namespace tokensync::modules {
namespace {

using core::Address;
using core::Hash32;
using namespace test_logs;

const core::abi::Event kTransfer =
    event("event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)");
const core::abi::Event kNote = event("event Note(string indexed tag, string body, uint256)");

class EventsModuleTest : public ::testing::Test {
  protected:
    EventDecoder decoder_{{kTransfer, kNote}};
    MemoryView view_;
    EventsModule module_;
};

TEST_F(EventsModuleTest, EveryEventBecomesARowWithItsArgumentsAsJson) {
    const Address from = *Address::from_hex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    const Address to = *Address::from_hex("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(decoded(decoder_, raw_log(kTransfer, {v(from), v(to), v(456)}, 12, 5), 1'700'000'012),
                               view_, out));
    ASSERT_EQ(out.events.size(), 1u);
    const store::EventRow& e = out.events[0];
    EXPECT_EQ(e.tx_hash, tag_hash(0x7a, 12));
    EXPECT_EQ(e.log_index, 5u);
    EXPECT_EQ(e.block_number, 12u);
    EXPECT_EQ(e.block_timestamp, 1'700'000'012);
    EXPECT_EQ(e.contract, address(1));
    EXPECT_EQ(e.event_name, "Transfer");
    EXPECT_EQ(e.signature, "Transfer(address,address,uint256)");
    EXPECT_EQ(e.topic0.hex(), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    EXPECT_EQ(e.args_json, R"({"from":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",)"
                           R"("to":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","tokenId":"456"})");
    EXPECT_TRUE(out.transfers.empty());
}

TEST_F(EventsModuleTest, IndexedStringsAreTheirHashAndUnnamedArgumentsArgI) {
    store::RawEvent raw;
    raw.tx_hash = tag_hash(0x7a, 1);
    raw.contract = address(1);
    raw.topics = {*Hash32::from_hex("0x572eb217c6abfcd567779426858770d569e866df75bf641110fde59d63f60dd8"),
                  *Hash32::from_hex("0x7624778dedc75f8b322b9fa1632a610d40b85e106c7d9bf0e743a9ce291b9c6f")};  // "hi"
    const std::vector<core::abi::Type> types{core::abi::Type::string(), core::abi::Type::uint()};
    const std::vector<core::abi::Value> values{{std::string("hello")}, v(5)};
    raw.data = *core::abi::encode(types, values);
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(decoded(decoder_, raw), view_, out));
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].event_name, "Note");
    EXPECT_EQ(out.events[0].args_json, R"({"tag":"0x7624778dedc75f8b322b9fa1632a610d40b85e106c7d9bf0e743a9ce291b9c6f",)"
                                       R"("body":"hello","arg2":"5"})");
}

TEST_F(EventsModuleTest, MalformedLogsAreReported) {
    DecodedLog log = decoded(decoder_, raw_log(kTransfer, {v(address(2)), v(address(3)), v(1)}));
    store::ChangeSet out;
    DecodedLog bad = log;
    bad.args.pop_back();
    EXPECT_EQ(module_.handle(bad, view_, out).error(), ModuleError::kBadArguments);
    bad = log;
    bad.event = nullptr;
    EXPECT_EQ(module_.handle(bad, view_, out).error(), ModuleError::kNoEvent);
    EXPECT_TRUE(out.events.empty());
}

}  // namespace
}  // namespace tokensync::modules
