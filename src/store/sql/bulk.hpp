#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/connection.hpp"
#include "store/sql/dialect.hpp"

namespace tokensync::store::sql {

// A statement over many rows at once: head + rows + tail, where the rows
// are a row source with columns named column1, column2, ... usable as
// `INSERT INTO t (...) <rows>` or `FROM (<rows>) AS k`. `columns` gives the
// type of each column: 'i' BIGINT, 't' TEXT, 'u' uint256, 'j' JSON.
//
// SQLite gets `VALUES (?, ?), (?, ?), ...`, one parameter per value.
// PostgreSQL gets `SELECT * FROM unnest(?::BIGINT[], ?::TEXT[], ...)`, one
// array parameter per column: the statement text is the same for any number
// of rows, and the server parses arrays much faster than a VALUES list of
// thousands of parameters.
struct MultiRow {
    std::string_view head;
    std::string_view columns;
    std::string_view tail;
};

// How many rows each statement takes. With one parameter per value: as many
// as the parameter limit allows (`fixed` parameters outside the rows
// included), then powers of two for the rest, so the few sizes this yields
// keep each statement text, and the prepared statement the connection caches
// for it, in use from one batch to the next. With arrays: up to kArrayRows.
std::vector<size_t> chunk_sizes(const Dialect& dialect, size_t rows, size_t columns, size_t fixed);
constexpr size_t kArrayRows = 20'000;

// The statement text for `rows` rows (the row count matters only to SQLite).
std::string multi_row_sql(const Dialect& dialect, const MultiRow& shape, size_t rows);

// The parameters of `rows` rows given value by value (row after row), as the
// dialect binds them: unchanged for SQLite, one array literal per column for
// PostgreSQL.
Params row_params(const Dialect& dialect, size_t columns, Params values);

[[noreturn]] void throw_row_width(size_t values, size_t rows, size_t columns);

// Runs `shape` over `items` in chunks: `bind(item, params)` appends one row's
// values; `run(sql, params)` executes a chunk. `head_params` and
// `tail_params` go before and after the rows.
template <typename Item, typename Bind, typename Run>
void for_each_chunk(const Dialect& dialect, const MultiRow& shape, std::span<const Item> items,
                    const Params& head_params, const Params& tail_params, Bind&& bind, Run&& run) {
    const size_t columns = shape.columns.size();
    size_t first = 0;
    for (size_t rows : chunk_sizes(dialect, items.size(), columns, head_params.size() + tail_params.size())) {
        Params values;
        values.reserve(rows * columns);
        for (size_t i = first; i < first + rows; ++i)
            bind(items[i], values);
        if (values.size() != rows * columns) throw_row_width(values.size(), rows, columns);
        Params params = head_params;
        Params row_values = row_params(dialect, columns, std::move(values));
        params.insert(params.end(), std::make_move_iterator(row_values.begin()),
                      std::make_move_iterator(row_values.end()));
        params.insert(params.end(), tail_params.begin(), tail_params.end());
        run(multi_row_sql(dialect, shape, rows), params);
        first += rows;
    }
}

// for_each_chunk for a statement that changes rows: returns how many.
template <typename Item, typename Bind>
int64_t execute_chunks(Connection& conn, const Dialect& dialect, const MultiRow& shape, std::span<const Item> items,
                       const Params& head_params, const Params& tail_params, Bind&& bind) {
    int64_t changed = 0;
    for_each_chunk(dialect, shape, items, head_params, tail_params, bind,
                   [&](const std::string& sql, const Params& params) { changed += conn.execute(sql, params); });
    return changed;
}

// for_each_chunk for a statement that returns rows: all of them.
template <typename Item, typename Bind>
std::vector<Row> query_chunks(Connection& conn, const Dialect& dialect, const MultiRow& shape,
                              std::span<const Item> items, const Params& head_params, const Params& tail_params,
                              Bind&& bind) {
    std::vector<Row> rows;
    for_each_chunk(
        dialect, shape, items, head_params, tail_params, bind, [&](const std::string& sql, const Params& params) {
            std::vector<Row> chunk = conn.query(sql, params);
            rows.insert(rows.end(), std::make_move_iterator(chunk.begin()), std::make_move_iterator(chunk.end()));
        });
    return rows;
}

// The head and tail of a DELETE of the rows of `table` whose primary key is
// (chain_id, `key_columns`...): the rows give the key columns after the
// chain, and the chain goes as the one parameter after the rows. Planned as
// primary key look-ups on both back-ends.
struct DeleteMatching {
    std::string head;
    std::string tail;
};
DeleteMatching delete_matching(const Dialect& dialect, std::string_view table,
                               std::initializer_list<std::string_view> key_columns);

}  // namespace tokensync::store::sql
