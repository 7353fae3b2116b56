#include "store/database_url.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "infra/url.hpp"

namespace tokensync::store {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::expected<DatabaseUrl, UrlError> parse_postgres(std::string_view url) {
    const auto parts = infra::split_url(url);
    if (!parts) return std::unexpected(UrlError::kBadPostgresUrl);
    DatabaseUrl out;
    out.kind = DatabaseUrl::Kind::kPostgres;
    out.conninfo = std::string(url);
    const std::string_view database = parts->path.empty() ? std::string_view{} : parts->path.substr(1);
    if (database.empty() || database.find('/') != std::string_view::npos)
        return std::unexpected(UrlError::kBadPostgresUrl);
    out.database = std::string(database);
    out.user = std::string(parts->userinfo.substr(0, parts->userinfo.find(':')));

    const auto split = infra::split_host_port(parts->host);
    if (!split || (split->has_port && split->port.empty()) || split->port.size() > 5 ||
        !std::all_of(split->port.begin(), split->port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::unexpected(UrlError::kBadPostgresUrl);
    }
    out.host = split->bracketed ? fmt::format("[{}]", split->host) : std::string(split->host);
    out.port = split->has_port ? std::string(split->port) : "5432";
    return out;
}

}  // namespace

std::string_view to_string(UrlError e) noexcept {
    switch (e) {
        case UrlError::kUnknownScheme:
            return "unknown database URL scheme (expected sqlite:, postgresql:// or postgres://)";
        case UrlError::kEmptyPath:
            return "SQLite URL names no file";
        case UrlError::kBadPostgresUrl:
            return "malformed PostgreSQL URL (expected postgresql://user:pass@host:port/db)";
    }
    return "unknown URL error";
}

std::string DatabaseUrl::describe() const {
    if (kind == Kind::kSqlite) return "sqlite:" + path;
    return fmt::format("postgresql://{}{}:{}/{}", user.empty() ? "" : user + "@", host, port, database);
}

std::expected<DatabaseUrl, UrlError> parse_database_url(std::string_view url) {
    if (url == "sqlite::memory:") {
        DatabaseUrl out;
        out.path = ":memory:";
        return out;
    }
    if (starts_with(url, "sqlite://")) {
        DatabaseUrl out;
        out.path = std::string(url.substr(9));
        if (out.path.empty()) return std::unexpected(UrlError::kEmptyPath);
        return out;
    }
    for (std::string_view scheme : {"postgresql://", "postgres://"}) {
        if (starts_with(url, scheme)) return parse_postgres(url);
    }
    return std::unexpected(UrlError::kUnknownScheme);
}

}  // namespace tokensync::store
