#include "infra/log_format.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace tokensync::infra::log {
namespace {

constexpr std::string_view kTs = "2026-11-24T09:03:00.123Z";

TEST(FormatTimestamp, Rfc3339Utc) {
    using namespace std::chrono;
    const auto t = sys_days{year{2026} / 11 / 24} + hours{9} + minutes{3} + seconds{0} + milliseconds{123};
    EXPECT_EQ(format_timestamp(time_point_cast<system_clock::duration>(t)), kTs);
    EXPECT_EQ(format_timestamp(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(FormatLine, TextKeyValues) {
    const std::vector<Field> fields{
        {"recovered", 15}, {"duplicates_skipped", 2u}, {"failed", 0}, {"total_on_chain", std::uint64_t{100}}};
    EXPECT_EQ(format_line(Format::kText, kTs, Level::kInfo, "recovery.completed", fields),
              "2026-11-24T09:03:00.123Z info  recovery.completed recovered=15 duplicates_skipped=2 failed=0 "
              "total_on_chain=100");
}

TEST(FormatLine, TextQuotesWhenNeeded) {
    const std::vector<Field> fields{{"msg", "two words"}, {"empty", ""},
                                    {"eq", "a=b"},        {"quote", "say \"hi\""},
                                    {"nl", "a\nb"},       {"plain", std::string("x")},
                                    {"ok", true},         {"ratio", 0.5},
                                    {"neg", -3}};
    EXPECT_EQ(format_line(Format::kText, kTs, Level::kWarn, "x.y", fields),
              "2026-11-24T09:03:00.123Z warn  x.y msg=\"two words\" empty=\"\" eq=\"a=b\" quote=\"say \\\"hi\\\"\" "
              "nl=\"a\\nb\" plain=x ok=true ratio=0.5 neg=-3");
}

TEST(FormatLine, TextLevels) {
    EXPECT_EQ(format_line(Format::kText, kTs, Level::kDebug, "e", {}), "2026-11-24T09:03:00.123Z debug e");
    EXPECT_EQ(format_line(Format::kText, kTs, Level::kError, "e", {}), "2026-11-24T09:03:00.123Z error e");
}

TEST(FormatLine, Json) {
    const std::vector<Field> fields{{"recovered", 15}, {"name", "a \"b\"\\"},
                                    {"ok", false},     {"ratio", 1.25},
                                    {"ctl", "\x01"},   {"big", std::uint64_t{18446744073709551615ULL}}};
    EXPECT_EQ(format_line(Format::kJson, kTs, Level::kInfo, "recovery.completed", fields),
              "{\"ts\":\"2026-11-24T09:03:00.123Z\",\"level\":\"info\",\"event\":\"recovery.completed\","
              "\"recovered\":15,\"name\":\"a \\\"b\\\"\\\\\",\"ok\":false,\"ratio\":1.25,\"ctl\":\"\\u0001\","
              "\"big\":18446744073709551615}");
}

TEST(FormatLine, JsonNonFiniteIsNull) {
    const std::vector<Field> fields{{"nan", std::nan("")}, {"inf", std::numeric_limits<double>::infinity()}};
    EXPECT_EQ(format_line(Format::kJson, kTs, Level::kError, "e", fields),
              "{\"ts\":\"2026-11-24T09:03:00.123Z\",\"level\":\"error\",\"event\":\"e\",\"nan\":null,\"inf\":null}");
}

TEST(Names, LevelsAndFormats) {
    EXPECT_EQ(to_string(Level::kDebug), "debug");
    EXPECT_EQ(to_string(Level::kInfo), "info");
    EXPECT_EQ(to_string(Level::kWarn), "warn");
    EXPECT_EQ(to_string(Level::kError), "error");
    EXPECT_EQ(to_string(Format::kText), "text");
    EXPECT_EQ(to_string(Format::kJson), "json");
    EXPECT_EQ(parse_format("text"), Format::kText);
    EXPECT_EQ(parse_format("json"), Format::kJson);
    EXPECT_EQ(parse_format("xml"), std::nullopt);
}

}  // namespace
}  // namespace tokensync::infra::log
