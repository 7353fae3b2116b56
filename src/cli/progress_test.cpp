#include "cli/progress.hpp"

#include <gtest/gtest.h>

namespace tokensync::cli {
namespace {

TEST(Progress, Durations) {
    EXPECT_EQ(format_duration(std::chrono::seconds(0)), "0:00");
    EXPECT_EQ(format_duration(std::chrono::seconds(75)), "1:15");
    EXPECT_EQ(format_duration(std::chrono::seconds(3 * 3600 + 62)), "3:01:02");
    EXPECT_EQ(format_duration(std::chrono::seconds(-5)), "0:00");
}

TEST(Progress, LineShowsBlocksRateAndEta) {
    sync::IngestProgress p;
    p.from = 100;
    p.to = 199;  // 100 blocks
    p.done_to = 124;
    p.blocks_done = 25;
    p.logs_done = 5'000;
    p.elapsed = std::chrono::seconds(10);
    EXPECT_EQ(progress_line("backfill local", p),
              "backfill local [######..................]  25% blocks 25/100  events 5000  500 ev/s  ETA 0:30");
    p.done_to = 199;
    p.blocks_done = 100;
    EXPECT_EQ(progress_line("backfill local", p),
              "backfill local [########################] 100% blocks 100/100  events 5000  500 ev/s  ETA 0:00");
}

}  // namespace
}  // namespace tokensync::cli
