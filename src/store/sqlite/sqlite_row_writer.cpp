#include "store/sqlite/sqlite_row_writer.hpp"

#include <fmt/format.h>

#include "store/store.hpp"

namespace tokensync::store::sqlite {

SqliteRowWriter::SqliteRowWriter(sqlite3* db, sqlite3_stmt* stmt, const std::string& path)
    : db_{db}, stmt_{stmt}, path_{path}, columns_{sqlite3_bind_parameter_count(stmt)} {
    text_.resize(static_cast<size_t>(columns_));
}

void SqliteRowWriter::fail(std::string_view what) {
    std::string message = fmt::format("SQLite {} on {}: {}", what, path_, sqlite3_errmsg(db_));
    sqlite3_reset(stmt_);
    column_ = 0;
    throw StoreError(message);
}

void SqliteRowWriter::begin() {
    sqlite3_reset(stmt_);
    column_ = 0;
    changed_.clear();
    changed_count_ = 0;
}

int SqliteRowWriter::next_column() {
    if (column_ == columns_) throw StoreError(fmt::format("more than {} values bound in one row", columns_));
    return ++column_;
}

void SqliteRowWriter::add_int(int64_t v) {
    if (sqlite3_bind_int64(stmt_, next_column(), v) != SQLITE_OK) fail("bind");
}

void SqliteRowWriter::add_text(std::string_view v) {
    const int index = next_column();
    std::string& buffer = text_[static_cast<size_t>(index - 1)];
    buffer.assign(v);
    // Static: the buffer stays as it is until the row has been stepped.
    if (sqlite3_bind_text(stmt_, index, buffer.data(), static_cast<int>(buffer.size()), SQLITE_STATIC) != SQLITE_OK) {
        fail("bind");
    }
}

void SqliteRowWriter::add_null() {
    if (sqlite3_bind_null(stmt_, next_column()) != SQLITE_OK) fail("bind");
}

void SqliteRowWriter::end_row() {
    if (column_ != columns_) {
        throw StoreError(fmt::format("{} values bound for a row of {} columns", column_, columns_));
    }
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt_)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail("error");
    const bool changed = sqlite3_changes64(db_) > 0;
    changed_.push_back(changed);
    changed_count_ += changed ? 1 : 0;
    sqlite3_reset(stmt_);
    column_ = 0;
}

uint64_t SqliteRowWriter::finish() { return changed_count_; }

bool SqliteRowWriter::changed(size_t row) const { return changed_.at(row); }

}  // namespace tokensync::store::sqlite
