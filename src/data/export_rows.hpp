#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "data/export_kind.hpp"
#include "data/table_writer.hpp"
#include "modules/event_decoder.hpp"
#include "store/store.hpp"

namespace tokensync::data {

// The column names of each export, which are also the JSONL keys.
std::span<const std::string_view> export_columns(ExportWhat what) noexcept;

// One stored row as the cells of its export, in export_columns() order.
// Addresses and hashes are lower-case 0x hex as stored, uint256 values
// decimal text. An event gets its name and arguments (a JSON object) from
// `decoder` when one of the contract's configured events decodes it, and
// nulls otherwise.
std::vector<Cell> event_cells(const store::RawEvent& raw, std::optional<int64_t> block_time,
                              const modules::EventDecoder& decoder);
std::vector<Cell> transfer_cells(const store::Transfer& t);
std::vector<Cell> owner_cells(const store::OwnerRow& o);
std::vector<Cell> balance_cells(const store::BalanceRow& b);
std::vector<Cell> token_cells(const store::Token& t);

}  // namespace tokensync::data
