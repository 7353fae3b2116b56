#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "data/export_kind.hpp"

namespace tokensync::data {

// Thrown when an export cannot be written (a full disk, a closed pipe, a
// file that cannot be created).
class ExportError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One value of an exported row. kText is a JSON string; kNumber a bare JSON
// number (block numbers, indexes, unix times; uint256 values are kText so
// no reader rounds them); kJson is JSON text written as is in JSONL and as
// its text in CSV; kNull is an empty CSV field and a JSON null.
struct Cell {
    enum class Kind { kNull, kText, kNumber, kJson };
    Kind kind = Kind::kNull;
    std::string text;

    static Cell null() { return {}; }
    static Cell of(std::string text) { return {Kind::kText, std::move(text)}; }
    static Cell number(uint64_t v) { return {Kind::kNumber, std::to_string(v)}; }
    static Cell number(int64_t v) { return {Kind::kNumber, std::to_string(v)}; }
    static Cell json(std::string text) { return {Kind::kJson, std::move(text)}; }
};

// RFC 4180: the field as is, or double-quoted with inner quotes doubled when
// it holds a comma, a quote, CR or LF.
std::string csv_field(std::string_view text);

// Writes rows with fixed columns. CSV: the header row at construction, then
// one record per row, each line ending in CRLF (RFC 4180). JSONL: one object
// per row keyed by the column names in column order, ending in LF. Throws
// ExportError as soon as the stream fails.
class TableWriter {
  public:
    TableWriter(std::ostream& out, ExportFormat format, std::span<const std::string_view> columns);

    void write(std::span<const Cell> row);  // one cell per column
    uint64_t rows() const noexcept { return rows_; }

  private:
    void check_stream() const;

    std::ostream& out_;
    ExportFormat format_;
    std::vector<std::string> json_keys_;  // `"name":` per column, for JSONL
    std::size_t columns_;
    uint64_t rows_ = 0;
    std::string line_;  // reused buffer
};

}  // namespace tokensync::data
