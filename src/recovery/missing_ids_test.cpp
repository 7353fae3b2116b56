// Store::missing_token_ids on both back-ends: exactly the ids without a row,
// ascending, paged by `limit`, across the store's internal windows, blind to
// other contracts and chains, and cheap on a huge empty range.
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::store {
namespace {

constexpr ChainId kChain = 31337;

core::Address address(uint8_t n) {
    core::ByteArray<20> b{};
    b[0] = 0xc0;
    b[19] = n;
    return core::Address(b);
}

const core::Address kContract = address(1);
const core::Address kOther = address(2);

class MissingIdsTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        const std::string url = GetParam() ? test_util::shared_postgres_cluster().create_database()
                                           : "sqlite://" + (dir_.path() / "store.db").string();
        store_ = open_store(url);
        store_->migrate();
    }

    void insert(ChainId chain, const core::Address& contract, const std::vector<uint64_t>& ids) {
        ChangeSet c;
        c.chain_id = chain;
        for (uint64_t id : ids) {
            Token t;
            t.contract = contract;
            t.token_id = id;
            c.tokens.push_back(t);
        }
        store_->apply(c);
    }

    std::vector<uint64_t> missing(uint64_t first, uint64_t end, std::size_t limit) {
        std::vector<uint64_t> out;
        for (const auto& id : store_->missing_token_ids(kChain, kContract, first, end, limit)) {
            EXPECT_TRUE(id.fits_u64());
            out.push_back(id.low64());
        }
        return out;
    }

    test_util::TempDir dir_;
    std::unique_ptr<Store> store_;
};

TEST_P(MissingIdsTest, ExactSetAcrossWindowsAndPages) {
    // 120,000 ids (more than two of the store's 50,000-id windows); every
    // 997th is missing, and a run of 30 straddles the first window's end.
    constexpr uint64_t kEnd = 120'000;
    std::set<uint64_t> expected;
    std::vector<uint64_t> present;
    for (uint64_t id = 0; id < kEnd; ++id) {
        if (id % 997 == 5 || (id >= 49'985 && id < 50'015)) {
            expected.insert(id);
        } else {
            present.push_back(id);
        }
    }
    insert(kChain, kContract, present);
    // The same ids missing here exist for another contract and another chain.
    insert(kChain, kOther, {5, 1002, 49'990});
    insert(1, kContract, {5, 1002, 49'990});

    EXPECT_EQ(missing(0, kEnd, 1'000'000), std::vector<uint64_t>(expected.begin(), expected.end()));
    // Paged, 7 at a time, from the last id + 1.
    std::vector<uint64_t> paged;
    for (uint64_t from = 0;;) {
        const auto page = missing(from, kEnd, 7);
        if (page.empty()) break;
        EXPECT_LE(page.size(), 7U);
        paged.insert(paged.end(), page.begin(), page.end());
        from = page.back() + 1;
    }
    EXPECT_EQ(paged, std::vector<uint64_t>(expected.begin(), expected.end()));
    // Bounds: first included, end excluded.
    EXPECT_EQ(missing(5, 6, 10), std::vector<uint64_t>{5});
    EXPECT_EQ(missing(6, 1002, 10), std::vector<uint64_t>{});
    EXPECT_EQ(missing(6, 1003, 10), std::vector<uint64_t>{1002});
    EXPECT_EQ(missing(10, 10, 10), std::vector<uint64_t>{});
    EXPECT_EQ(missing(0, kEnd, 0), std::vector<uint64_t>{});
}

TEST_P(MissingIdsTest, HugeEmptyRangeReturnsOnlyTheLimit) {
    insert(kChain, kContract, {1, 2, 4});
    EXPECT_EQ(missing(1, 1'000'001, 4), (std::vector<uint64_t>{3, 5, 6, 7}));
    const auto last = missing(999'990, 1'000'000, 100);
    EXPECT_EQ(last.size(), 10U);
    EXPECT_EQ(last.back(), 999'999U);
}

TEST_P(MissingIdsTest, IdsBeyondInt64AreRefused) {
    const core::Uint256 huge = *core::Uint256::from_decimal("9223372036854775808");  // 2^63
    EXPECT_THROW(store_->missing_token_ids(kChain, kContract, 0, huge, 10), StoreError);
}

INSTANTIATE_TEST_SUITE_P(Backends, MissingIdsTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return std::string(param_info.param ? "postgres" : "sqlite"); });

}  // namespace
}  // namespace tokensync::store
