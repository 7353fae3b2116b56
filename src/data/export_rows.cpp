#include "data/export_rows.hpp"

#include <array>

#include "core/abi/json.hpp"
#include "core/hex.hpp"
#include "store/token_status.hpp"

namespace tokensync::data {
namespace {

constexpr std::array<std::string_view, 12> kEventColumns{"block_number", "block_hash", "block_time", "tx_hash",
                                                         "log_index",    "event",      "args",       "topic0",
                                                         "topic1",       "topic2",     "topic3",     "data"};
constexpr std::array<std::string_view, 11> kTransferColumns{"block_number", "block_time", "tx_hash",  "log_index",
                                                            "batch_index",  "standard",   "operator", "from",
                                                            "to",           "token_id",   "amount"};
constexpr std::array<std::string_view, 4> kOwnerColumns{"token_id", "owner", "block_number", "log_index"};
constexpr std::array<std::string_view, 4> kBalanceColumns{"token_id", "holder", "amount", "block_number"};
constexpr std::array<std::string_view, 7> kTokenColumns{"token_id",     "owner",      "status",    "wallet",
                                                        "block_number", "created_at", "updated_at"};

Cell text(const core::Address& a) { return Cell::of(a.lower_hex()); }
Cell text(const core::Hash32& h) { return Cell::of(h.hex()); }
Cell text(const core::Uint256& v) { return Cell::of(v.to_decimal()); }

}  // namespace

std::span<const std::string_view> export_columns(ExportWhat what) noexcept {
    switch (what) {
        case ExportWhat::kEvents:
            return kEventColumns;
        case ExportWhat::kTransfers:
            return kTransferColumns;
        case ExportWhat::kOwners:
            return kOwnerColumns;
        case ExportWhat::kBalances:
            return kBalanceColumns;
        case ExportWhat::kTokens:
            return kTokenColumns;
    }
    return {};
}

std::vector<Cell> event_cells(const store::RawEvent& raw, std::optional<int64_t> block_time,
                              const modules::EventDecoder& decoder) {
    Cell name;
    Cell args;
    if (auto decoded = decoder.decode(raw, block_time.value_or(0), "")) {
        name = Cell::of(decoded->event->name);
        args = Cell::json(core::abi::to_json(decoded->event->inputs, decoded->args));
    }
    std::vector<Cell> cells{
        Cell::number(raw.block_number),
        text(raw.block_hash),
        block_time ? Cell::number(*block_time) : Cell::null(),
        text(raw.tx_hash),
        Cell::number(raw.log_index),
        std::move(name),
        std::move(args),
    };
    for (size_t i = 0; i < 4; ++i)
        cells.push_back(i < raw.topics.size() ? text(raw.topics[i]) : Cell::null());
    cells.push_back(Cell::of(core::to_hex(raw.data)));
    return cells;
}

std::vector<Cell> transfer_cells(const store::Transfer& t) {
    return {
        Cell::number(t.block_number),
        Cell::number(t.block_timestamp),
        text(t.tx_hash),
        Cell::number(t.log_index),
        Cell::number(t.batch_index),
        Cell::of(t.standard == store::TokenStandard::kErc1155 ? "erc1155" : "erc721"),
        text(t.operator_address),
        text(t.from),
        text(t.to),
        text(t.token_id),
        text(t.amount),
    };
}

std::vector<Cell> owner_cells(const store::OwnerRow& o) {
    return {text(o.token_id), text(o.owner), Cell::number(o.block_number), Cell::number(o.log_index)};
}

std::vector<Cell> balance_cells(const store::BalanceRow& b) {
    return {text(b.token_id), text(b.holder), text(b.amount), Cell::number(b.block_number)};
}

std::vector<Cell> token_cells(const store::Token& t) {
    return {
        text(t.token_id),
        text(t.owner),
        Cell::of(std::string(store::to_string(t.status))),
        t.author ? Cell::of(*t.author) : Cell::null(),
        Cell::number(t.block_number),
        Cell::number(t.created_at),
        Cell::number(t.updated_at),
    };
}

}  // namespace tokensync::data
