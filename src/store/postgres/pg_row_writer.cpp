#include "store/postgres/pg_row_writer.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "store/postgres/pg_connection.hpp"
#include "store/sql/bulk.hpp"
#include "store/store.hpp"

namespace tokensync::store::postgres {
namespace {

constexpr char kKeySeparator = '\x1f';  // never part of a key column's text (numbers, hex)

}  // namespace

std::string PgRowWriter::statement_sql(const sql::RowStatement& statement) {
    std::string types;
    for (const sql::RowColumn& c : statement.columns)
        types += c.type;
    const std::string head = statement.head();
    std::string sql = sql::multi_row_sql(sql::postgres_dialect(), {head, types, statement.tail}, 0);
    for (size_t i = 0; i < statement.key.size(); ++i) {
        sql += i == 0 ? " RETURNING " : ", ";
        sql += statement.columns[statement.key[i]].name;
    }
    return sql;
}

PgRowWriter::PgRowWriter(PgConnection& conn, std::string sql, const sql::RowStatement& statement)
    : conn_{conn},
      sql_{std::move(sql)},
      is_key_(statement.columns.size(), false),
      keyed_{!statement.key.empty()},
      arrays_(statement.columns.size(), "{") {
    for (size_t k : statement.key)
        is_key_.at(k) = true;
}

void PgRowWriter::begin() {
    for (std::string& a : arrays_)
        a.assign(1, '{');
    column_ = 0;
    pending_ = 0;
    sent_ = 0;
    keys_.clear();
    key_ends_.clear();
    changed_.clear();
    changed_count_ = 0;
}

std::string& PgRowWriter::next_array() {
    if (column_ == arrays_.size()) {
        throw StoreError(fmt::format("more than {} values bound in one row", arrays_.size()));
    }
    std::string& a = arrays_[column_];
    if (a.size() > 1) a += ',';
    return a;
}

void PgRowWriter::add_int(int64_t v) {
    std::string& a = next_array();
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    const std::string_view text(digits, static_cast<size_t>(end - digits));
    a += text;
    if (is_key_[column_]) keys_.append(text).append(1, kKeySeparator);
    ++column_;
}

void PgRowWriter::add_text(std::string_view v) {
    std::string& a = next_array();
    a += '"';
    for (char c : v) {
        if (c == '"' || c == '\\') a += '\\';
        a += c;
    }
    a += '"';
    if (is_key_[column_]) keys_.append(v).append(1, kKeySeparator);
    ++column_;
}

void PgRowWriter::add_null() {
    next_array() += "NULL";
    ++column_;
}

void PgRowWriter::end_row() {
    if (column_ != arrays_.size()) {
        throw StoreError(fmt::format("{} values bound for a row of {} columns", column_, arrays_.size()));
    }
    column_ = 0;
    key_ends_.push_back(keys_.size());
    changed_.push_back(false);
    if (++pending_ == sql::kArrayRows) flush();
}

void PgRowWriter::flush() {
    if (pending_ == 0) return;
    std::vector<const char*> values;
    values.reserve(arrays_.size());
    for (std::string& a : arrays_) {
        a += '}';
        values.push_back(a.c_str());
    }
    ResultHandle result = conn_.exec_prepared(sql_, values);
    if (keyed_) {
        // The pending rows by key text; a key repeated in the chunk counts
        // for its first row only (the database skipped the others).
        std::unordered_multimap<std::string_view, size_t> rows;
        rows.reserve(pending_);
        size_t start = 0;
        for (size_t i = 0; i < pending_; ++i) {
            rows.emplace(std::string_view(keys_).substr(start, key_ends_[i] - start), sent_ + i);
            start = key_ends_[i];
        }
        std::string key;
        const int n = PQntuples(result.get());
        const int columns = PQnfields(result.get());
        for (int r = 0; r < n; ++r) {
            key.clear();
            for (int c = 0; c < columns; ++c) {
                key.append(PQgetvalue(result.get(), r, c), static_cast<size_t>(PQgetlength(result.get(), r, c)));
                key += kKeySeparator;
            }
            auto [first, last] = rows.equal_range(key);
            size_t best = SIZE_MAX;
            for (auto it = first; it != last; ++it) {
                if (!changed_[it->second] && it->second < best) best = it->second;
            }
            if (best == SIZE_MAX) throw StoreError("PostgreSQL returned a row key that was not sent");
            changed_[best] = true;
            ++changed_count_;
        }
    } else {
        const char* affected = PQcmdTuples(result.get());
        changed_count_ += affected != nullptr && *affected != '\0' ? std::strtoull(affected, nullptr, 10) : 0;
    }
    for (std::string& a : arrays_)
        a.assign(1, '{');
    keys_.clear();
    key_ends_.clear();
    sent_ += pending_;
    pending_ = 0;
}

uint64_t PgRowWriter::finish() {
    flush();
    return changed_count_;
}

bool PgRowWriter::changed(size_t row) const { return changed_.at(row); }

}  // namespace tokensync::store::postgres
