#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/database_url.hpp"
#include "store/sql/row_writer.hpp"
#include "store/store.hpp"

namespace tokensync::store::sql {

// The little SQL both back-ends share, so the store logic is written once.
// Statements use `?` placeholders (the PostgreSQL connection renumbers them)
// and are prepared once and cached per connection.
using Param = std::variant<std::nullptr_t, int64_t, std::string>;
using Params = std::vector<Param>;
using Value = std::optional<std::string>;  // every column read as text; nullopt = NULL
using Row = std::vector<Value>;

// A write met a row with the same unique key (PostgreSQL SQLSTATE 23505),
// from a statement without an ON CONFLICT clause.
class DuplicateKeyError : public StoreError {
  public:
    using StoreError::StoreError;
};

class Connection {
  public:
    virtual ~Connection() = default;

    // Several statements without parameters (migrations).
    virtual void exec_script(const std::string& sql) = 0;
    // Returns the number of rows changed.
    virtual int64_t execute(const std::string& sql, const Params& params) = 0;
    virtual std::vector<Row> query(const std::string& sql, const Params& params) = 0;
    // The writer of `statement` (row_writer.hpp), kept by the connection
    // from call to call; valid until the connection goes.
    virtual RowWriter& row_writer(const RowStatement& statement) = 0;

    // Opens a transaction that waits for, then excludes, every other writer
    // of the same database (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory
    // lock held until the transaction ends).
    virtual void begin_write() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    // Session locks (Store::try_session_lock). The defaults suit SQLite,
    // where a second writing process is refused outright (writer_lock.hpp).
    virtual bool try_session_lock(int64_t /*key*/) { return true; }
    virtual bool holds_session_lock(int64_t /*key*/) const noexcept { return true; }
    virtual void release_session_lock(int64_t /*key*/) noexcept {}
};

// Rolls back unless committed: the guard every write path uses.
class WriteTransaction {
  public:
    explicit WriteTransaction(Connection& conn) : conn_{conn} { conn_.begin_write(); }
    ~WriteTransaction() {
        if (!done_) conn_.rollback();
    }
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

    void commit() {
        conn_.commit();
        done_ = true;
    }

  private:
    Connection& conn_;
    bool done_ = false;
};

// Opens the back-end the URL names; throws StoreError.
std::unique_ptr<Connection> open_connection(const DatabaseUrl& url);

}  // namespace tokensync::store::sql
