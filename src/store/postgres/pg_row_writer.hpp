#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/sql/row_writer.hpp"

namespace tokensync::store::postgres {

class PgConnection;

// RowWriter for PostgreSQL: each column's values are appended to one array
// literal, kept from run to run so its memory is reused, and every
// sql::kArrayRows rows go as one `INSERT ... SELECT * FROM unnest(...)`
// round trip. With a statement key, the statement returns the key columns of
// the rows it changed, which are matched back to the rows by their text.
class PgRowWriter final : public sql::RowWriter {
  public:
    PgRowWriter(PgConnection& conn, std::string sql, const sql::RowStatement& statement);
    static std::string statement_sql(const sql::RowStatement& statement);

    void begin() override;
    void add_int(int64_t v) override;
    void add_text(std::string_view v) override;
    void add_null() override;
    void end_row() override;
    uint64_t finish() override;
    bool changed(size_t row) const override;

  private:
    std::string& next_array();
    void flush();

    PgConnection& conn_;
    std::string sql_;
    std::vector<bool> is_key_;  // per column
    bool keyed_;
    std::vector<std::string> arrays_;  // "{v1,v2,...": one per column, closed when sent
    size_t column_ = 0;                // values added to the current row
    size_t pending_ = 0;               // rows not yet sent
    size_t sent_ = 0;                  // rows of this run already sent
    std::string keys_;                 // key text of each pending row, one after the other
    std::vector<size_t> key_ends_;
    std::vector<bool> changed_;
    uint64_t changed_count_ = 0;
};

}  // namespace tokensync::store::postgres
