#include "core/abi/error.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace tokensync::core::abi {
namespace {

// Each value has its own message; an added enumerator without one shows up
// as the "unknown" fallback and fails here.
template <typename E>
void expect_distinct_messages(E last) {
    std::set<std::string> seen;
    for (int i = 0; i <= static_cast<int>(last); ++i) {
        std::string m{to_string(static_cast<E>(i))};
        EXPECT_EQ(m.find("unknown"), std::string::npos) << i;
        EXPECT_TRUE(seen.insert(m).second) << m;
    }
    EXPECT_NE(std::string{to_string(static_cast<E>(static_cast<int>(last) + 1))}.find("unknown"), std::string::npos);
}

TEST(AbiError, Messages) {
    expect_distinct_messages(SignatureError::kBadJsonEntry);
    expect_distinct_messages(EncodeError::kOutOfRange);
    expect_distinct_messages(ArgError::kWrongCount);
    expect_distinct_messages(DecodeError::kBadSelector);
}

}  // namespace
}  // namespace tokensync::core::abi
