#include "store/sql/bulk.hpp"

#include <numeric>

#include <gtest/gtest.h>

#include "store/postgres/pg_row_writer.hpp"
#include "store/store.hpp"

namespace tokensync::store::sql {
namespace {

TEST(Bulk, SqliteChunksFillTheParameterLimitThenPowersOfTwo) {
    const Dialect& d = sqlite_dialect();
    // 32766 / 13 = 2520 rows of 13 parameters per full statement.
    auto sizes = chunk_sizes(d, 10'000, 13, 0);
    EXPECT_EQ(sizes, (std::vector<size_t>{2520, 2520, 2520, 2048, 256, 128, 8}));
    EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), size_t{0}), 10'000u);
    EXPECT_EQ(chunk_sizes(d, 0, 13, 0), std::vector<size_t>{});
    EXPECT_EQ(chunk_sizes(d, 3, 3, 1), (std::vector<size_t>{2, 1}));
    EXPECT_THROW(chunk_sizes(d, 1, d.max_params, 1), StoreError);
}

TEST(Bulk, PostgresSendsOneArrayPerColumn) {
    const Dialect& d = postgres_dialect();
    EXPECT_EQ(chunk_sizes(d, 45'000, 13, 1), (std::vector<size_t>{kArrayRows, kArrayRows, 5'000}));
    EXPECT_EQ(multi_row_sql(d, {"INSERT INTO t (a, b, c) ", "itu", " ON CONFLICT DO NOTHING"}, 500),
              "INSERT INTO t (a, b, c) SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]),"
              " CAST(? AS NUMERIC(78, 0)[])) AS u(column1, column2, column3) ON CONFLICT DO NOTHING");
    Params arrays = row_params(d, 3, {int64_t{-7}, std::string(R"(a"b\c)"), nullptr, int64_t{8}, std::string{}, "9"});
    EXPECT_EQ(arrays, (Params{"{-7,8}", R"({"a\"b\\c",""})", R"({NULL,"9"})"}));
}

TEST(Bulk, PostgresRowWriterSendsArraysAndReturnsTheKey) {
    constexpr RowColumn kColumns[] = {{"chain_id", 'i'}, {"block_number", 'i'}, {"tx_hash", 't'}, {"amount", 'u'}};
    constexpr size_t kKey[] = {1};
    const RowStatement statement{"t", kColumns, " ON CONFLICT DO NOTHING", kKey};
    EXPECT_EQ(statement.head(), "INSERT INTO t (chain_id, block_number, tx_hash, amount) ");
    EXPECT_EQ(postgres::PgRowWriter::statement_sql(statement),
              "INSERT INTO t (chain_id, block_number, tx_hash, amount) SELECT * FROM unnest(CAST(? AS BIGINT[]),"
              " CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS NUMERIC(78, 0)[]))"
              " AS u(column1, column2, column3, column4) ON CONFLICT DO NOTHING RETURNING block_number");
}

TEST(Bulk, SqliteSendsValuesRows) {
    const Dialect& d = sqlite_dialect();
    EXPECT_EQ(multi_row_sql(d, {"SELECT * FROM (", "tu", ") AS k"}, 3),
              "SELECT * FROM (VALUES (?, ?), (?, ?), (?, ?)) AS k");
    Params values{int64_t{1}, std::string("x")};
    EXPECT_EQ(row_params(d, 2, values), values);
}

}  // namespace
}  // namespace tokensync::store::sql
