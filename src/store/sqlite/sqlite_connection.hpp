#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

#include "store/sql/connection.hpp"

namespace tokensync::store::sqlite {

// Move-only owners of the two SQLite handles.
struct DbCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// One SQLite connection: WAL journal, foreign keys not enforced, and a busy timeout so
// a second process waits for the write lock instead of failing.
class SqliteConnection final : public sql::Connection {
  public:
    static constexpr int kBusyTimeoutMs = 30'000;

    explicit SqliteConnection(const std::string& path);

    void exec_script(const std::string& sql) override;
    int64_t execute(const std::string& sql, const sql::Params& params) override;
    std::vector<sql::Row> query(const std::string& sql, const sql::Params& params) override;
    sql::RowWriter& row_writer(const sql::RowStatement& statement) override;
    void begin_write() override;
    void commit() override;
    void rollback() noexcept override;

  private:
    sqlite3_stmt* statement(const std::string& sql);  // prepared once, then cached
    sqlite3_stmt* prepare(const std::string& sql, const sql::Params& params);
    [[noreturn]] void fail(std::string_view what) const;
    void use_wal();  // PRAGMA journal_mode = WAL, waiting out a concurrent opener

    std::string path_;
    DbHandle db_;
    std::unordered_map<std::string, StmtHandle> statements_;                    // keyed by SQL text
    std::unordered_map<std::string, std::unique_ptr<sql::RowWriter>> writers_;  // keyed by SQL text
};

}  // namespace tokensync::store::sqlite
