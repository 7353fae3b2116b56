// CSV and JSON Lines text, byte for byte.
#include "data/table_writer.hpp"

#include <array>
#include <sstream>

#include <gtest/gtest.h>

namespace tokensync::data {
namespace {

constexpr std::array<std::string_view, 4> kColumns{"name", "n", "args", "note"};

TEST(CsvField, QuotesOnlyWhenNeeded) {
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("plain text"), "plain text");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
    EXPECT_EQ(csv_field("\""), "\"\"\"\"");
}

TEST(TableWriter, CsvHeaderAndRecordsEndInCrLf) {
    std::ostringstream out;
    TableWriter w(out, ExportFormat::kCsv, kColumns);
    w.write(std::array{Cell::of("Alice, Bob"), Cell::number(uint64_t{7}), Cell::json(R"({"a":"1"})"), Cell::null()});
    w.write(std::array{Cell::of(""), Cell::number(int64_t{-3}), Cell::null(), Cell::of("x")});
    EXPECT_EQ(out.str(),
              "name,n,args,note\r\n"
              "\"Alice, Bob\",7,\"{\"\"a\"\":\"\"1\"\"}\",\r\n"
              ",-3,,x\r\n");
    EXPECT_EQ(w.rows(), 2u);
}

TEST(TableWriter, JsonlKeysInColumnOrderWithTypedValues) {
    std::ostringstream out;
    TableWriter w(out, ExportFormat::kJsonl, kColumns);
    w.write(std::array{Cell::of("quote \" backslash \\ tab\t"), Cell::number(uint64_t{18446744073709551615u}),
                       Cell::json(R"({"a":"1"})"), Cell::null()});
    EXPECT_EQ(out.str(),
              R"({"name":"quote \" backslash \\ tab\t","n":18446744073709551615,"args":{"a":"1"},"note":null})"
              "\n");
}

TEST(TableWriter, EmptyExportIsHeaderOnlyOrNothing) {
    std::ostringstream csv;
    const TableWriter csv_writer(csv, ExportFormat::kCsv, kColumns);
    EXPECT_EQ(csv.str(), "name,n,args,note\r\n");
    std::ostringstream jsonl;
    const TableWriter jsonl_writer(jsonl, ExportFormat::kJsonl, kColumns);
    EXPECT_EQ(jsonl.str(), "");
}

TEST(TableWriter, FailedStreamThrows) {
    std::ostringstream out;
    TableWriter w(out, ExportFormat::kJsonl, kColumns);
    out.setstate(std::ios::badbit);
    EXPECT_THROW(w.write(std::array{Cell::null(), Cell::null(), Cell::null(), Cell::null()}), ExportError);
}

TEST(TableWriter, WrongCellCountIsAProgrammingError) {
    std::ostringstream out;
    TableWriter w(out, ExportFormat::kCsv, kColumns);
    EXPECT_THROW(w.write(std::array{Cell::null()}), std::logic_error);
}

}  // namespace
}  // namespace tokensync::data
