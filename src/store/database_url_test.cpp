#include "store/database_url.hpp"

#include <gtest/gtest.h>

#include "store/store.hpp"

namespace tokensync::store {
namespace {

TEST(DatabaseUrl, SqliteForms) {
    auto abs = parse_database_url("sqlite:///var/lib/tokensync/db.sqlite");
    ASSERT_TRUE(abs);
    EXPECT_EQ(abs->kind, DatabaseUrl::Kind::kSqlite);
    EXPECT_EQ(abs->path, "/var/lib/tokensync/db.sqlite");

    auto rel = parse_database_url("sqlite://./rel.db");
    ASSERT_TRUE(rel);
    EXPECT_EQ(rel->path, "./rel.db");
    EXPECT_EQ(rel->describe(), "sqlite:./rel.db");

    auto memory = parse_database_url("sqlite::memory:");
    ASSERT_TRUE(memory);
    EXPECT_EQ(memory->path, ":memory:");
}

TEST(DatabaseUrl, PostgresForms) {
    auto full = parse_database_url("postgresql://alice:s3cr%40t@db.example:6543/tokens?sslmode=disable");
    ASSERT_TRUE(full);
    EXPECT_EQ(full->kind, DatabaseUrl::Kind::kPostgres);
    EXPECT_EQ(full->user, "alice");
    EXPECT_EQ(full->host, "db.example");
    EXPECT_EQ(full->port, "6543");
    EXPECT_EQ(full->database, "tokens");
    EXPECT_EQ(full->conninfo, "postgresql://alice:s3cr%40t@db.example:6543/tokens?sslmode=disable");
    EXPECT_EQ(full->describe(), "postgresql://alice@db.example:6543/tokens");

    auto short_form = parse_database_url("postgres://127.0.0.1/db");
    ASSERT_TRUE(short_form);
    EXPECT_EQ(short_form->user, "");
    EXPECT_EQ(short_form->port, "5432");
    EXPECT_EQ(short_form->describe(), "postgresql://127.0.0.1:5432/db");

    auto v6 = parse_database_url("postgresql://bob@[::1]:5433/x");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "[::1]");
    EXPECT_EQ(v6->port, "5433");
}

TEST(DatabaseUrl, EveryError) {
    EXPECT_EQ(parse_database_url("mysql://x/y").error(), UrlError::kUnknownScheme);
    EXPECT_EQ(parse_database_url("").error(), UrlError::kUnknownScheme);
    EXPECT_EQ(parse_database_url("sqlite://").error(), UrlError::kEmptyPath);
    EXPECT_EQ(parse_database_url("postgresql://u:p@host:5432").error(), UrlError::kBadPostgresUrl);
    EXPECT_EQ(parse_database_url("postgresql://u:p@host:54x2/db").error(), UrlError::kBadPostgresUrl);
    EXPECT_EQ(parse_database_url("postgresql://u:p@host:/db").error(), UrlError::kBadPostgresUrl);
    EXPECT_EQ(parse_database_url("postgresql://u@[::1/db").error(), UrlError::kBadPostgresUrl);
    for (auto e : {UrlError::kUnknownScheme, UrlError::kEmptyPath, UrlError::kBadPostgresUrl}) {
        EXPECT_FALSE(to_string(e).empty());
    }
}

TEST(OpenStore, BadUrlNeverEchoesThePassword) {
    try {
        open_store("postgresql://alice:hunter2@host:bad/db");
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("malformed PostgreSQL URL"), std::string::npos) << e.what();
    }
}

TEST(OpenStore, UnreachablePostgresNamesTheServerNotThePassword) {
    // Port 1 on loopback refuses at once.
    try {
        open_store("postgresql://alice:hunter2@127.0.0.1:1/tokens");
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        std::string message = e.what();
        EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
        EXPECT_NE(message.find("cannot connect to PostgreSQL at 127.0.0.1:1/tokens as user alice: "), std::string::npos)
            << message;
    }
}

TEST(OpenStore, InMemorySqliteIsAWorkingStore) {
    auto store = open_store("sqlite::memory:");
    EXPECT_EQ(store->backend(), "sqlite");
    EXPECT_EQ(store->schema_version(), 0);
    EXPECT_GE(store->migrate().applied, 1);
    store->set_state("k", "[1]");
    EXPECT_EQ(store->get_state("k"), "[1]");
}

TEST(OpenStore, SqliteFileInMissingDirectoryFails) {
    EXPECT_THROW(open_store("sqlite:///nonexistent-dir-for-tokensync/x.db"), StoreError);
}

}  // namespace
}  // namespace tokensync::store
