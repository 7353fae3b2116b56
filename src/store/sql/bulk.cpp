#include "store/sql/bulk.hpp"

#include <bit>

#include <fmt/format.h>

#include "store/store.hpp"

namespace tokensync::store::sql {
namespace {

std::string_view array_type(char column) {
    switch (column) {
        case 'i':
            return "BIGINT[]";
        case 'u':
            return "NUMERIC(78, 0)[]";
        case 'j':
            return "JSON[]";
        default:
            return "TEXT[]";
    }
}

// One element of a PostgreSQL array literal: NULL, a bare integer, or a
// double-quoted string with `"` and `\` escaped.
void append_element(std::string& out, const Param& value) {
    if (const auto* n = std::get_if<int64_t>(&value)) {
        out += std::to_string(*n);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
        out += '"';
        for (char c : *s) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    } else {
        out += "NULL";
    }
}

}  // namespace

void throw_row_width(size_t values, size_t rows, size_t columns) {
    throw StoreError(fmt::format("{} values bound for {} rows of {} columns", values, rows, columns));
}

std::vector<size_t> chunk_sizes(const Dialect& dialect, size_t rows, size_t columns, size_t fixed) {
    if (columns == 0 || fixed + columns > dialect.max_params) {
        throw StoreError(fmt::format("a row of {} parameters does not fit in one statement", columns));
    }
    std::vector<size_t> out;
    if (dialect.array_params) {
        for (; rows > 0; rows -= std::min(rows, kArrayRows))
            out.push_back(std::min(rows, kArrayRows));
        return out;
    }
    const size_t most = (dialect.max_params - fixed) / columns;
    for (; rows >= most; rows -= most)
        out.push_back(most);
    while (rows > 0) {
        size_t part = std::bit_floor(rows);
        out.push_back(part);
        rows -= part;
    }
    return out;
}

std::string multi_row_sql(const Dialect& dialect, const MultiRow& shape, size_t rows) {
    std::string out(shape.head);
    if (dialect.array_params) {
        out += "SELECT * FROM unnest(";
        std::string names;
        for (size_t c = 0; c < shape.columns.size(); ++c) {
            out += fmt::format("{}CAST(? AS {})", c == 0 ? "" : ", ", array_type(shape.columns[c]));
            names += fmt::format("{}column{}", c == 0 ? "" : ", ", c + 1);
        }
        out += fmt::format(") AS u({})", names);
    } else {
        std::string row = "(";
        for (size_t c = 0; c < shape.columns.size(); ++c)
            row += c == 0 ? "?" : ", ?";
        row += ')';
        out.reserve(out.size() + rows * (row.size() + 2) + 8 + shape.tail.size());
        out += "VALUES ";
        for (size_t i = 0; i < rows; ++i) {
            if (i != 0) out += ", ";
            out += row;
        }
    }
    out += shape.tail;
    return out;
}

Params row_params(const Dialect& dialect, size_t columns, Params values) {
    if (!dialect.array_params) return values;
    std::vector<std::string> arrays(columns, "{");
    for (size_t i = 0; i < values.size(); ++i) {
        std::string& array = arrays[i % columns];
        if (array.size() > 1) array += ',';
        append_element(array, values[i]);
    }
    Params out;
    out.reserve(columns);
    for (std::string& a : arrays) {
        a += '}';
        out.emplace_back(std::move(a));
    }
    return out;
}

DeleteMatching delete_matching(const Dialect& dialect, std::string_view table,
                               std::initializer_list<std::string_view> key_columns) {
    std::string names;
    std::string match;
    size_t n = 0;
    for (std::string_view c : key_columns) {
        names += fmt::format("{}{}", n == 0 ? "" : ", ", c);
        match += fmt::format(" AND t.{} = k.column{}", c, ++n);
    }
    if (dialect.delete_using) {
        return {fmt::format("DELETE FROM {} t USING (", table), fmt::format(") AS k WHERE t.chain_id = ?{}", match)};
    }
    // SQLite seeks the whole primary key for `(a, b) IN (SELECT ...) AND
    // chain_id = ?`; with the chain inside the row value it seeks the chain
    // only and scans its rows.
    return {fmt::format("DELETE FROM {} WHERE ({}) IN (SELECT * FROM (", table, names), ") AS k) AND chain_id = ?"};
}

}  // namespace tokensync::store::sql
