#include "store/database_url.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tokensync::store {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::expected<DatabaseUrl, UrlError> parse_postgres(std::string_view url, std::string_view rest) {
    DatabaseUrl out;
    out.kind = DatabaseUrl::Kind::kPostgres;
    out.conninfo = std::string(url);
    rest = rest.substr(0, rest.find_first_of("?#"));
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view database = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (database.empty() || database.find('/') != std::string_view::npos)
        return std::unexpected(UrlError::kBadPostgresUrl);
    out.database = std::string(database);

    // The password may contain '@' only percent-encoded, so the last '@'
    // ends the user information.
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        out.user = std::string(userinfo.substr(0, userinfo.find(':')));
        authority = authority.substr(at + 1);
    }
    std::string_view host = authority;
    std::string_view port;
    if (starts_with(authority, "[")) {  // IPv6 literal
        size_t close = authority.find(']');
        if (close == std::string_view::npos) return std::unexpected(UrlError::kBadPostgresUrl);
        host = authority.substr(0, close + 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') return std::unexpected(UrlError::kBadPostgresUrl);
            port = after.substr(1);
        }
    } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (port.empty() && authority.ends_with(":")) return std::unexpected(UrlError::kBadPostgresUrl);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) || port.size() > 5) {
        return std::unexpected(UrlError::kBadPostgresUrl);
    }
    out.host = std::string(host);
    out.port = port.empty() ? "5432" : std::string(port);
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
        if (starts_with(url, scheme)) return parse_postgres(url, url.substr(scheme.size()));
    }
    return std::unexpected(UrlError::kUnknownScheme);
}

}  // namespace tokensync::store
