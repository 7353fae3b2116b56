#include "data/table_writer.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace tokensync::data {

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

TableWriter::TableWriter(std::ostream& out, ExportFormat format, std::span<const std::string_view> columns)
    : out_{out}, format_{format}, columns_{columns.size()} {
    if (format_ == ExportFormat::kJsonl) {
        for (std::string_view name : columns)
            json_keys_.push_back(boost::json::serialize(boost::json::string_view(name.data(), name.size())) + ':');
        return;
    }
    std::string header;
    for (std::string_view name : columns)
        header += (header.empty() ? "" : ",") + csv_field(name);
    out_ << header << "\r\n";
    check_stream();
}

void TableWriter::write(std::span<const Cell> row) {
    if (row.size() != columns_) {
        throw std::logic_error(fmt::format("export row has {} cells for {} columns", row.size(), columns_));
    }
    line_.clear();
    if (format_ == ExportFormat::kCsv) {
        for (size_t i = 0; i < row.size(); ++i) {
            if (i != 0) line_ += ',';
            line_ += csv_field(row[i].text);
        }
        line_ += "\r\n";
    } else {
        line_ += '{';
        for (size_t i = 0; i < row.size(); ++i) {
            if (i != 0) line_ += ',';
            line_ += json_keys_[i];
            const Cell& cell = row[i];
            switch (cell.kind) {
                case Cell::Kind::kNull:
                    line_ += "null";
                    break;
                case Cell::Kind::kText:
                    line_ += boost::json::serialize(boost::json::string_view(cell.text.data(), cell.text.size()));
                    break;
                case Cell::Kind::kNumber:
                case Cell::Kind::kJson:
                    line_ += cell.text;
                    break;
            }
        }
        line_ += "}\n";
    }
    out_ << line_;
    check_stream();
    ++rows_;
}

void TableWriter::check_stream() const {
    if (!out_) throw ExportError("cannot write the export output");
}

}  // namespace tokensync::data
