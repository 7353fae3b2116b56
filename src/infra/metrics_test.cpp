#include "infra/metrics.hpp"

#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::infra {
namespace {

// promtool (Debian `prometheus`) lints the text as Prometheus would ingest it.
test_util::CommandResult promtool_check(const std::string& text) {
    test_util::TempDir dir("tokensync-metrics");
    const auto file = dir / "metrics.txt";
    std::ofstream(file) << text;
    return test_util::run_command({"sh", "-c", "promtool check metrics < '" + file.string() + "'"});
}

TEST(Metrics, RendersTheTextFormat) {
    Metrics m;
    m.counter("tokensync_events_ingested_total", "Events stored.", {{"source", "webhook"}, {"chain", "base"}}).inc(3);
    m.counter("tokensync_events_ingested_total", "Events stored.", {{"chain", "base"}, {"source", "backfill"}})
        .inc(200'000);
    m.gauge("tokensync_blocks_behind", "Blocks between the head and the last processed block.", {{"chain", "base"}})
        .set(-0.5);
    auto& h = m.histogram("tokensync_get_logs_blocks", "Blocks per eth_getLogs call.", {1, 10, 100});
    for (double v : {1.0, 2.0, 10.0, 50.0, 1000.0})
        h.observe(v);
    EXPECT_EQ(m.render(),
              "# HELP tokensync_blocks_behind Blocks between the head and the last processed block.\n"
              "# TYPE tokensync_blocks_behind gauge\n"
              "tokensync_blocks_behind{chain=\"base\"} -0.5\n"
              "# HELP tokensync_events_ingested_total Events stored.\n"
              "# TYPE tokensync_events_ingested_total counter\n"
              "tokensync_events_ingested_total{chain=\"base\",source=\"backfill\"} 200000\n"
              "tokensync_events_ingested_total{chain=\"base\",source=\"webhook\"} 3\n"
              "# HELP tokensync_get_logs_blocks Blocks per eth_getLogs call.\n"
              "# TYPE tokensync_get_logs_blocks histogram\n"
              "tokensync_get_logs_blocks_bucket{le=\"1\"} 1\n"
              "tokensync_get_logs_blocks_bucket{le=\"10\"} 3\n"
              "tokensync_get_logs_blocks_bucket{le=\"100\"} 4\n"
              "tokensync_get_logs_blocks_bucket{le=\"+Inf\"} 5\n"
              "tokensync_get_logs_blocks_sum 1063\n"
              "tokensync_get_logs_blocks_count 5\n");
    const auto check = promtool_check(m.render());
    EXPECT_EQ(check.status, 0) << check.output;
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
    Metrics m;
    m.counter("tokensync_rpc_errors_total", "Errors \\ by host\nand method.", {{"host", "a\"b\\c\nd"}}).inc();
    const std::string text = m.render();
    EXPECT_NE(text.find("# HELP tokensync_rpc_errors_total Errors \\\\ by host\\nand method.\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("tokensync_rpc_errors_total{host=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
    const auto check = promtool_check(text);
    EXPECT_EQ(check.status, 0) << check.output;
}

TEST(Metrics, PromtoolRejectsWhatItShould) {
    // The check is not a formality: a malformed exposition fails it.
    const auto check = promtool_check("tokensync_x{a=\"1\" 2\n");
    EXPECT_NE(check.status, 0) << check.output;
}

TEST(Metrics, TheSameSeriesIsTheSameObject) {
    Metrics m;
    Counter& a = m.counter("c_total", "h", {{"x", "1"}, {"y", "2"}});
    Counter& b = m.counter("c_total", "h", {{"y", "2"}, {"x", "1"}});
    EXPECT_EQ(&a, &b);
    a.inc();
    b.inc(2);
    b.inc(-5);  // ignored: counters only go up
    EXPECT_EQ(a.value(), 3);
}

TEST(Metrics, RejectsNamesAndReusePrometheusWouldNot) {
    Metrics m;
    EXPECT_THROW(m.counter("1bad", "h"), std::invalid_argument);
    EXPECT_THROW(m.counter("bad-name", "h"), std::invalid_argument);
    EXPECT_THROW(m.counter("ok_total", "h", {{"__reserved", "v"}}), std::invalid_argument);
    EXPECT_THROW(m.counter("ok_total", "h", {{"le", "v"}}), std::invalid_argument);
    m.counter("ok_total", "h");
    EXPECT_THROW(m.gauge("ok_total", "h"), std::invalid_argument);
    EXPECT_THROW(m.counter("ok_total", "other help"), std::invalid_argument);
    EXPECT_THROW(m.histogram("h_seconds", "h", {}), std::invalid_argument);
    EXPECT_THROW(m.histogram("h_seconds", "h", {2, 1}), std::invalid_argument);
    m.histogram("h_seconds", "h", {1, 2});
    EXPECT_THROW(m.histogram("h_seconds", "h", {1, 3}), std::invalid_argument);
}

TEST(Metrics, CountsFromManyThreads) {
    Metrics m;
    Counter& c = m.counter("c_total", "h");
    Histogram& h = m.histogram("h", "h", {0.5});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10'000; ++i) {
                c.inc();
                h.observe(1);
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(c.value(), 40'000);
    EXPECT_EQ(h.count(), 40'000u);
    EXPECT_EQ(h.sum(), 40'000);
    EXPECT_EQ(h.cumulative_counts(), (std::vector<uint64_t>{0, 40'000}));
}

}  // namespace
}  // namespace tokensync::infra
