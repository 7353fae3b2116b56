#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tokensync::store::sql {

// One column of a RowStatement: its name and what it holds ('i' BIGINT,
// 't' text, 'u' uint256 in the dialect's encoding, 'j' JSON text).
struct RowColumn {
    std::string_view name;
    char type;
};

// An INSERT of many rows into one table: `tail` follows the rows (an
// ON CONFLICT clause). `key` names, by their positions in `columns`, the
// columns whose values tell two rows apart: when given, RowWriter::changed
// says which rows changed the table.
struct RowStatement {
    std::string_view table;
    std::span<const RowColumn> columns;
    std::string_view tail;
    std::span<const size_t> key = {};

    // "INSERT INTO table (a, b, ...) "
    std::string head() const;
};

// The hot write path: rows go from the caller's structs to the database
// without a Params vector. Values are added column by column, end_row()
// closes a row. SQLite runs each row of one cached prepared statement as it
// ends; PostgreSQL appends it to one array literal per column and sends a
// chunk of rows in one statement. A connection keeps one writer per
// statement text, so its buffers are reused from batch to batch.
//
// Use: begin(), then per row add...() once per column and end_row(), then
// finish(). Throws StoreError; after an error, begin() starts over.
class RowWriter {
  public:
    virtual ~RowWriter() = default;

    virtual void begin() = 0;
    virtual void add_int(int64_t v) = 0;
    virtual void add_text(std::string_view v) = 0;  // also JSON and uint256 text
    virtual void add_null() = 0;
    virtual void end_row() = 0;
    // Sends the rows not yet sent; returns how many rows of this run
    // changed the table (inserted, or updated by an upsert).
    virtual uint64_t finish() = 0;
    // After finish(), with a statement `key`: whether the i-th row of this
    // run changed the table. Of rows repeating a key, the first that reached
    // the database is the one that counts.
    virtual bool changed(size_t row) const = 0;

  protected:
    RowWriter() = default;
};

}  // namespace tokensync::store::sql
