#include "data/exporter.hpp"

#include "data/export_rows.hpp"
#include "data/table_writer.hpp"
#include "modules/event_decoder.hpp"

namespace tokensync::data {

uint64_t export_table(store::Store& store, const ExportRequest& request, std::ostream& out) {
    TableWriter writer(out, request.format, export_columns(request.what));
    const store::ChainId chain = request.chain_id;
    const core::Address& contract = request.contract;
    const std::size_t page = request.page_size;
    switch (request.what) {
        case ExportWhat::kEvents: {
            const modules::EventDecoder decoder(request.abi_events);
            store.scan_raw_events(chain, contract, page, [&](const store::RawEvent& e, std::optional<int64_t> time) {
                writer.write(event_cells(e, time, decoder));
            });
            break;
        }
        case ExportWhat::kTransfers:
            store.scan_transfers(chain, contract, page,
                                 [&](const store::Transfer& t) { writer.write(transfer_cells(t)); });
            break;
        case ExportWhat::kOwners:
            store.scan_owners(chain, contract, page, [&](const store::OwnerRow& o) { writer.write(owner_cells(o)); });
            break;
        case ExportWhat::kBalances:
            store.scan_balances(chain, contract, page,
                                [&](const store::BalanceRow& b) { writer.write(balance_cells(b)); });
            break;
        case ExportWhat::kTokens:
            store.scan_tokens(chain, contract, page, [&](const store::Token& t) { writer.write(token_cells(t)); });
            break;
    }
    out.flush();
    if (!out) throw ExportError("cannot write the export output");
    return writer.rows();
}

}  // namespace tokensync::data
