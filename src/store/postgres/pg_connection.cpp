#include "store/postgres/pg_connection.hpp"

#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "store/postgres/pg_row_writer.hpp"
#include "store/store.hpp"

namespace tokensync::store::postgres {
namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// Server notices ("relation already exists, skipping") are not errors and
// must not reach stderr.
void ignore_notice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

std::string number_placeholders(const std::string& sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    for (char c : sql) {
        if (c == '?') {
            out += fmt::format("${}", ++n);
        } else {
            out += c;
        }
    }
    return out;
}

PgConnection::PgConnection(const DatabaseUrl& url)
    : where_{fmt::format("{}:{}/{}", url.host.empty() ? "localhost" : url.host, url.port, url.database)} {
    // The URL goes to libpq as is (it understands percent-encoding and query
    // options); only the described parts ever reach a message.
    conn_.reset(PQconnectdb(url.conninfo.c_str()));
    if (!conn_) throw StoreError("cannot connect to PostgreSQL at " + where_ + ": out of memory");
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        throw StoreError(fmt::format("cannot connect to PostgreSQL at {}{}: {}", where_,
                                     url.user.empty() ? "" : " as user " + url.user,
                                     trim(PQerrorMessage(conn_.get()))));
    }
    PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
}

void PgConnection::fail(const PGresult* result) const {
    std::string message = trim(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_.get()));
    if (message.empty()) message = trim(PQerrorMessage(conn_.get()));
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (state != nullptr && std::string_view(state) == "23505")
        throw sql::DuplicateKeyError(fmt::format("PostgreSQL error on {}: {}", where_, message));
    throw StoreError(fmt::format("PostgreSQL error on {}: {}", where_, message));
}

void PgConnection::reconnect_if_lost() {
    if (in_transaction_ || PQstatus(conn_.get()) != CONNECTION_BAD) return;
    PQreset(conn_.get());
    // Still down: the statement fails with libpq's "no connection" message.
    if (PQstatus(conn_.get()) != CONNECTION_OK) return;
    statements_.clear();  // prepared statements died with the session
    // So did the session locks: take them again before anything else runs.
    std::set<int64_t> lost;
    {
        std::lock_guard lock(locks_mutex_);
        for (const int64_t key : session_locks_) {
            const std::string text = std::to_string(key);
            const char* values[] = {text.c_str()};
            ResultHandle result{PQexecParams(conn_.get(), "SELECT pg_try_advisory_lock($1::bigint)", 1, nullptr, values,
                                             nullptr, nullptr, 0)};
            const bool held = result && PQresultStatus(result.get()) == PGRES_TUPLES_OK &&
                              PQntuples(result.get()) == 1 && std::string_view(PQgetvalue(result.get(), 0, 0)) == "t";
            if (!held) lost.insert(key);
        }
        for (const int64_t key : lost) {
            session_locks_.erase(key);
            lost_locks_.insert(key);
        }
    }
    if (!lost.empty()) {
        throw StoreError(
            fmt::format("the connection to PostgreSQL at {} was reset and another session now holds its "
                        "lease (advisory lock {}); this session writes nothing until it takes it again",
                        where_, *lost.begin()));
    }
}

bool PgConnection::try_session_lock(int64_t key) {
    if (holds_session_lock(key)) return true;
    const auto rows = query("SELECT pg_try_advisory_lock(?::bigint)", {key});
    if (rows.empty() || rows[0][0] != "t") return false;
    std::lock_guard lock(locks_mutex_);
    session_locks_.insert(key);
    lost_locks_.erase(key);
    return true;
}

bool PgConnection::holds_session_lock(int64_t key) const noexcept {
    std::lock_guard lock(locks_mutex_);
    return session_locks_.contains(key);
}

void PgConnection::release_session_lock(int64_t key) noexcept {
    bool held = false;
    {
        std::lock_guard lock(locks_mutex_);
        held = session_locks_.erase(key) > 0;
        lost_locks_.erase(key);
    }
    if (held && PQstatus(conn_.get()) == CONNECTION_OK) {
        const std::string text = std::to_string(key);
        const char* values[] = {text.c_str()};
        ResultHandle result{PQexecParams(conn_.get(), "SELECT pg_advisory_unlock($1::bigint)", 1, nullptr, values,
                                         nullptr, nullptr, 0)};
    }
}

void PgConnection::exec_script(const std::string& sql) {
    reconnect_if_lost();
    ResultHandle result{PQexec(conn_.get(), sql.c_str())};
    auto status = PQresultStatus(result.get());
    if (!result || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) fail(result.get());
}

ResultHandle PgConnection::exec_prepared(const std::string& sql, std::span<const char* const> values) {
    reconnect_if_lost();
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        // Prepared statements live for the session and survive a rolled
        // back transaction, so the cache never goes stale.
        std::string name = fmt::format("s{}", statements_.size());
        ResultHandle prepared{PQprepare(conn_.get(), name.c_str(), number_placeholders(sql).c_str(), 0, nullptr)};
        if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) fail(prepared.get());
        it = statements_.emplace(sql, std::move(name)).first;
    }
    ResultHandle result{PQexecPrepared(conn_.get(), it->second.c_str(), static_cast<int>(values.size()), values.data(),
                                       nullptr, nullptr, 0)};
    auto status = PQresultStatus(result.get());
    if (!result || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) fail(result.get());
    return result;
}

sql::RowWriter& PgConnection::row_writer(const sql::RowStatement& statement) {
    std::string sql = PgRowWriter::statement_sql(statement);
    auto it = writers_.find(sql);
    if (it == writers_.end()) {
        auto writer = std::make_unique<PgRowWriter>(*this, sql, statement);
        it = writers_.emplace(std::move(sql), std::move(writer)).first;
    }
    return *it->second;
}

ResultHandle PgConnection::run(const std::string& sql, const sql::Params& params) {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
        if (const auto* n = std::get_if<int64_t>(&params[i])) {
            text[i] = std::to_string(*n);
            values[i] = text[i].c_str();
        } else if (const auto* s = std::get_if<std::string>(&params[i])) {
            values[i] = s->c_str();
        }
    }
    return exec_prepared(sql, values);
}

int64_t PgConnection::execute(const std::string& sql, const sql::Params& params) {
    ResultHandle result = run(sql, params);
    const char* affected = PQcmdTuples(result.get());
    return affected != nullptr && *affected != '\0' ? std::strtoll(affected, nullptr, 10) : 0;
}

std::vector<sql::Row> PgConnection::query(const std::string& sql, const sql::Params& params) {
    ResultHandle result = run(sql, params);
    int rows = PQntuples(result.get());
    int columns = PQnfields(result.get());
    std::vector<sql::Row> out;
    out.reserve(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        sql::Row row;
        row.reserve(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c) {
            if (PQgetisnull(result.get(), r, c) != 0) {
                row.emplace_back(std::nullopt);
            } else {
                row.emplace_back(
                    std::string(PQgetvalue(result.get(), r, c), static_cast<size_t>(PQgetlength(result.get(), r, c))));
            }
        }
        out.push_back(std::move(row));
    }
    return out;
}

// A transaction-scoped advisory lock serialises writers the way SQLite's
// BEGIN IMMEDIATE does, and is released by COMMIT or ROLLBACK, even when
// the process dies.
void PgConnection::begin_write() {
    {
        std::lock_guard lock(locks_mutex_);
        if (!lost_locks_.empty()) {
            throw StoreError(
                fmt::format("not writing to PostgreSQL at {}: this session lost its lease (advisory lock "
                            "{}) to another session",
                            where_, *lost_locks_.begin()));
        }
    }
    exec_script("BEGIN");
    in_transaction_ = true;
    try {
        query("SELECT pg_advisory_xact_lock(?::bigint)", {kWriteLockKey});
    } catch (...) {
        rollback();
        throw;
    }
}

void PgConnection::commit() {
    exec_script("COMMIT");
    in_transaction_ = false;
}

void PgConnection::rollback() noexcept {
    in_transaction_ = false;
    if (PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
        ResultHandle result{PQexec(conn_.get(), "ROLLBACK")};
    }
}

}  // namespace tokensync::store::postgres
