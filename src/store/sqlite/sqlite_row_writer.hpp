#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "store/sql/row_writer.hpp"

namespace tokensync::store::sqlite {

// RowWriter over one cached single-row statement of a SqliteConnection: each
// row is bound, stepped and reset as it ends, and sqlite3_changes() tells
// whether it changed the table. Text values are copied into one buffer per
// column, reused from row to row, and bound without another copy.
class SqliteRowWriter final : public sql::RowWriter {
  public:
    SqliteRowWriter(sqlite3* db, sqlite3_stmt* stmt, const std::string& path);

    void begin() override;
    void add_int(int64_t v) override;
    void add_text(std::string_view v) override;
    void add_null() override;
    void end_row() override;
    uint64_t finish() override;
    bool changed(size_t row) const override;

  private:
    int next_column();
    [[noreturn]] void fail(std::string_view what);

    sqlite3* db_;
    sqlite3_stmt* stmt_;
    std::string path_;
    int columns_;
    int column_ = 0;  // columns bound in the current row
    std::vector<std::string> text_;
    std::vector<bool> changed_;
    uint64_t changed_count_ = 0;
};

}  // namespace tokensync::store::sqlite
