#include "infra/did_you_mean.hpp"

#include <array>

#include <gtest/gtest.h>

namespace tokensync::infra {
namespace {

TEST(EditDistance, KnownAnswers) {
    EXPECT_EQ(edit_distance("", ""), 0U);
    EXPECT_EQ(edit_distance("abc", ""), 3U);
    EXPECT_EQ(edit_distance("", "abc"), 3U);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
    EXPECT_EQ(edit_distance("rpc", "rcp"), 1U);  // adjacent swap
    EXPECT_EQ(edit_distance("ca", "abc"), 3U);
    EXPECT_EQ(edit_distance("chain_id", "chainid"), 1U);
}

TEST(DidYouMean, SuggestsCloseNames) {
    constexpr std::array<std::string_view, 5> kKeys{"name", "chain_id", "rpc", "ws", "finality_depth"};
    EXPECT_EQ(did_you_mean("chainid", kKeys), "chain_id");
    EXPECT_EQ(did_you_mean("finalty_depth", kKeys), "finality_depth");
    EXPECT_EQ(did_you_mean("nmae", kKeys), "name");
    EXPECT_EQ(did_you_mean("rcp", kKeys), "rpc");
}

TEST(DidYouMean, NothingWhenFar) {
    constexpr std::array<std::string_view, 3> kKeys{"name", "rpc", "ws"};
    EXPECT_FALSE(did_you_mean("database", kKeys));
    EXPECT_FALSE(did_you_mean("wx", kKeys));  // 1 edit of 2 letters is not a typo
    EXPECT_FALSE(did_you_mean("x", std::span<const std::string_view>{}));
}

}  // namespace
}  // namespace tokensync::infra
