#include "store/sql/row_writer.hpp"

namespace tokensync::store::sql {

std::string RowStatement::head() const {
    std::string out = "INSERT INTO ";
    out += table;
    out += " (";
    for (size_t c = 0; c < columns.size(); ++c) {
        if (c != 0) out += ", ";
        out += columns[c].name;
    }
    out += ") ";
    return out;
}

}  // namespace tokensync::store::sql
