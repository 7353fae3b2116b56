#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace tokensync::store {

enum class UrlError {
    kUnknownScheme,   // neither sqlite nor postgresql/postgres
    kEmptyPath,       // "sqlite://" with no file
    kBadPostgresUrl,  // a port that is not a number, or no database name
};

std::string_view to_string(UrlError e) noexcept;

// A parsed `database` setting. Keeps what the back-ends need and what an
// error message may show; the password is only inside `conninfo`.
struct DatabaseUrl {
    enum class Kind { kSqlite, kPostgres };
    Kind kind = Kind::kSqlite;

    // SQLite: a file path as given (relative paths are relative to the
    // working directory), or ":memory:".
    std::string path;

    // PostgreSQL: the URL handed to libpq as is, and the parts that describe
    // it in messages.
    std::string conninfo;
    std::string user;  // "" when the URL names none
    std::string host;  // "" when the URL names none
    std::string port;  // "5432" when the URL names none
    std::string database;

    // "sqlite:<path>" or "postgresql://user@host:port/db": safe to log.
    std::string describe() const;
};

std::expected<DatabaseUrl, UrlError> parse_database_url(std::string_view url);

}  // namespace tokensync::store
