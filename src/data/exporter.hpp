#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <vector>

#include "core/abi/signature.hpp"
#include "core/address.hpp"
#include "data/export_kind.hpp"
#include "store/store.hpp"

namespace tokensync::data {

inline constexpr std::size_t kDefaultExportPageSize = 5'000;

// One contract's rows to export.
struct ExportRequest {
    store::ChainId chain_id = 0;
    core::Address contract;
    std::vector<core::abi::Event> abi_events;  // the contract's configured events, to name and decode logs
    ExportWhat what = ExportWhat::kEvents;
    ExportFormat format = ExportFormat::kCsv;
    std::size_t page_size = kDefaultExportPageSize;  // rows per database query
};

// Streams the rows to `out` in the export's stable order and returns how
// many were written. Throws StoreError when the database fails and
// ExportError when `out` does.
uint64_t export_table(store::Store& store, const ExportRequest& request, std::ostream& out);

}  // namespace tokensync::data
