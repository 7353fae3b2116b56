#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <unordered_map>

#include <libpq-fe.h>

#include "store/database_url.hpp"
#include "store/sql/connection.hpp"

namespace tokensync::store::postgres {

// Move-only owners of the two libpq handles.
struct ConnCloser {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct ResultClearer {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using ConnHandle = std::unique_ptr<PGconn, ConnCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

// Rewrites `?` placeholders as `$1`, `$2`, ... (the store's SQL never holds
// a literal question mark).
std::string number_placeholders(const std::string& sql);

class PgConnection final : public sql::Connection {
  public:
    // Key of the advisory lock every write transaction takes.
    static constexpr int64_t kWriteLockKey = 0x746f6b656e73796e;  // "tokensyn"

    explicit PgConnection(const DatabaseUrl& url);

    void exec_script(const std::string& sql) override;
    int64_t execute(const std::string& sql, const sql::Params& params) override;
    std::vector<sql::Row> query(const std::string& sql, const sql::Params& params) override;
    sql::RowWriter& row_writer(const sql::RowStatement& statement) override;
    void begin_write() override;
    void commit() override;
    void rollback() noexcept override;

    // Session-level advisory locks (pg_try_advisory_lock), taken again
    // first thing after a reconnect. One another session took meanwhile is
    // lost: the statement that reconnected fails, and so does every
    // begin_write until release_session_lock, so nothing is written
    // without the lock. holds_session_lock may be called from any thread.
    bool try_session_lock(int64_t key) override;
    bool holds_session_lock(int64_t key) const noexcept override;
    void release_session_lock(int64_t key) noexcept override;

    // Runs `sql` (prepared once per session) with text parameters, a null
    // pointer being NULL; throws StoreError unless it succeeds.
    ResultHandle exec_prepared(const std::string& sql, std::span<const char* const> values);

  private:
    ResultHandle run(const std::string& sql, const sql::Params& params);
    // A connection the server dropped (a restart, a fail-over) is opened
    // again at the next use outside a transaction; inside one the error
    // stands (the transaction is gone) until the caller's rollback.
    void reconnect_if_lost();
    [[noreturn]] void fail(const PGresult* result) const;

    std::string where_;  // "host:port/db", for messages
    ConnHandle conn_;
    bool in_transaction_ = false;                              // between begin_write and commit/rollback
    std::unordered_map<std::string, std::string> statements_;  // SQL text -> prepared name
    std::unordered_map<std::string, std::unique_ptr<sql::RowWriter>> writers_;  // keyed by SQL text
    mutable std::mutex locks_mutex_;   // session_locks_ and lost_locks_, read by other threads
    std::set<int64_t> session_locks_;  // held by this session
    std::set<int64_t> lost_locks_;     // lost at a reconnect, not yet released by the caller
};

}  // namespace tokensync::store::postgres
