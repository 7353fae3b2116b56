#include "store/sqlite/sqlite_connection.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "store/sqlite/sqlite_row_writer.hpp"
#include "store/store.hpp"

namespace tokensync::store::sqlite {
namespace {

// Resets a cached statement when a call is done with it, so it holds no
// read snapshot between calls.
class StmtReset {
  public:
    explicit StmtReset(sqlite3_stmt* stmt) noexcept : stmt_{stmt} {}
    ~StmtReset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    StmtReset(const StmtReset&) = delete;
    StmtReset& operator=(const StmtReset&) = delete;

  private:
    sqlite3_stmt* stmt_;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path) : path_{path} {
    // SQLite's allocation statistics take a global mutex around every
    // malloc and free (a few percent of a backfill); nothing reads them.
    // It must be set before SQLite initialises: once it has, the call is
    // refused, harmlessly.
    static const int kNoMemoryStatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)kNoMemoryStatus;
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(raw);  // sqlite hands back a handle even on failure, to read the message from
    if (rc != SQLITE_OK) {
        throw StoreError(fmt::format("cannot open SQLite database {}: {}", path,
                                     raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(db_.get(), 1);
    sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
    // The schema's references to chains are no longer checked (migration 4:
    // Store::apply writes the chain row first in the same transaction).
    exec_script("PRAGMA foreign_keys = OFF");
    // Bigger pages for a new file (an existing one keeps its own): a batch
    // writes tens of MiB, and each page costs a system call on its way to
    // the WAL and again into the database.
    exec_script("PRAGMA page_size = 65536");
    if (path != ":memory:") use_wal();
    exec_script("PRAGMA synchronous = NORMAL");
    // A backfill batch touches tens of MiB of table and index pages; 32 MiB
    // rather than the default 2 keeps the ones it revisits (key look-ups of
    // ON CONFLICT, index leaves) in memory rather than read back. It is most
    // of a backfill's peak RSS: with the compact layout (migration 3) 16, 32
    // and 64 MiB backfill the 200,000-log devnet chain at the same rate, at
    // 84, 102 and 135 MB peak RSS.
    exec_script("PRAGMA cache_size = -32768");
}

void SqliteConnection::use_wal() {
    // Switching a new file to WAL needs it alone for a moment. When another
    // connection opens it at the same time (two processes starting on one new
    // file), SQLite answers SQLITE_BUSY at once instead of through the busy
    // handler, so this waits for the busy timeout itself.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (;;) {
        const int rc = sqlite3_exec(db_.get(), "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) return;
        if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline)
            fail("PRAGMA journal_mode = WAL");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void SqliteConnection::fail(std::string_view what) const {
    throw StoreError(fmt::format("SQLite {} on {}: {}", what, path_, sqlite3_errmsg(db_.get())));
}

void SqliteConnection::exec_script(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message != nullptr ? message : "unknown error";
        sqlite3_free(message);
        throw StoreError(fmt::format("SQLite error on {}: {}", path_, text));
    }
}

sqlite3_stmt* SqliteConnection::statement(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                               nullptr) != SQLITE_OK) {
            fail("prepare");
        }
        it = statements_.emplace(sql, StmtHandle{raw}).first;
    }
    return it->second.get();
}

sql::RowWriter& SqliteConnection::row_writer(const sql::RowStatement& statement_shape) {
    std::string sql = statement_shape.head() + "VALUES (";
    for (size_t c = 0; c < statement_shape.columns.size(); ++c)
        sql += c == 0 ? "?" : ", ?";
    sql += ')';
    sql += statement_shape.tail;
    auto it = writers_.find(sql);
    if (it == writers_.end()) {
        auto writer = std::make_unique<SqliteRowWriter>(db_.get(), statement(sql), path_);
        it = writers_.emplace(std::move(sql), std::move(writer)).first;
    }
    return *it->second;
}

sqlite3_stmt* SqliteConnection::prepare(const std::string& sql, const sql::Params& params) {
    sqlite3_stmt* stmt = statement(sql);
    if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size())) {
        throw StoreError(fmt::format("SQLite statement expects {} parameters, got {}: {}",
                                     sqlite3_bind_parameter_count(stmt), params.size(), sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
        int index = static_cast<int>(i) + 1;
        int rc = SQLITE_OK;
        if (const auto* n = std::get_if<int64_t>(&params[i])) {
            rc = sqlite3_bind_int64(stmt, index, *n);
        } else if (const auto* s = std::get_if<std::string>(&params[i])) {
            // Static: the parameters outlive the statement's use, which
            // ends (reset, bindings cleared) before execute/query returns.
            rc = sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
        } else {
            rc = sqlite3_bind_null(stmt, index);
        }
        if (rc != SQLITE_OK) {
            sqlite3_clear_bindings(stmt);  // leave no pointer into `params` behind
            fail("bind");
        }
    }
    return stmt;
}

int64_t SqliteConnection::execute(const std::string& sql, const sql::Params& params) {
    sqlite3_stmt* stmt = prepare(sql, params);
    StmtReset reset(stmt);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail("error");
    return sqlite3_changes64(db_.get());
}

std::vector<sql::Row> SqliteConnection::query(const std::string& sql, const sql::Params& params) {
    sqlite3_stmt* stmt = prepare(sql, params);
    StmtReset reset(stmt);
    std::vector<sql::Row> rows;
    int columns = sqlite3_column_count(stmt);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        sql::Row row;
        row.reserve(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c) {
            if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                row.emplace_back(std::nullopt);
            } else {
                const auto* text = sqlite3_column_text(stmt, c);
                row.emplace_back(std::string(reinterpret_cast<const char*>(text),
                                             static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
            }
        }
        rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) fail("error");
    return rows;
}

// IMMEDIATE takes the write lock up front (waiting up to the busy timeout),
// so two writers never both read and then fail to upgrade.
void SqliteConnection::begin_write() { execute("BEGIN IMMEDIATE", {}); }

void SqliteConnection::commit() { execute("COMMIT", {}); }

void SqliteConnection::rollback() noexcept {
    if (sqlite3_get_autocommit(db_.get()) == 0) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace tokensync::store::sqlite
