// The streaming side of SqlStore: whole tables of one contract, read page by
// page with keyset pagination (each page starts after the key of the last row
// of the previous one), so an export holds one page in memory and every page
// costs an index seek rather than an OFFSET scan. The order is a total one on
// both back-ends: uint256 columns sort as numbers (SQLite's zero-padded hex
// text, PostgreSQL's NUMERIC) and hashes and addresses are lower-case hex text
// of one length. Pages are separate queries: rows committed by a writer
// between two pages appear only if their key lies after the current one.
#include <fmt/format.h>

#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

constexpr size_t kMaxTopics = 4;

// One keyset-paginated query: `select` ends with its WHERE conditions,
// `after` compares the ordering key with the `?` parameters that key_of()
// returns for the last row read, and `order` lists the key's columns.
struct KeysetScan {
    std::string select;
    std::string after;
    std::string order;
};

void run_scan(Connection& conn, const KeysetScan& scan, const Params& where, size_t page_size,
              const std::function<Params(const Row&)>& key_of, const std::function<void(const Row&)>& on_row) {
    if (page_size == 0) throw StoreError("scan page size must be at least 1");
    const std::string first = fmt::format("{} ORDER BY {} LIMIT ?", scan.select, scan.order);
    const std::string next = fmt::format("{} AND {} ORDER BY {} LIMIT ?", scan.select, scan.after, scan.order);
    Params key;
    for (bool first_page = true;; first_page = false) {
        Params params = where;
        params.insert(params.end(), key.begin(), key.end());
        params.emplace_back(to_db_int(page_size));
        const std::vector<Row> rows = conn.query(first_page ? first : next, params);
        for (const Row& row : rows)
            on_row(row);
        if (rows.size() < page_size) return;
        key = key_of(rows.back());
    }
}

Params where_contract(ChainId chain, const core::Address& contract) { return {to_db_int(chain), to_db(contract)}; }

TokenStandard read_standard(const Value& v) {
    const std::string& s = not_null(v);
    if (s == "erc1155") return TokenStandard::kErc1155;
    if (s == "erc721") return TokenStandard::kErc721;
    throw StoreError(fmt::format("corrupt token standard column value '{}'", s));
}

}  // namespace

void SqlStore::scan_raw_events(ChainId chain, const core::Address& contract, std::size_t page_size,
                               const std::function<void(const RawEvent&, std::optional<int64_t>)>& sink) {
    const KeysetScan scan{
        .select =
            "SELECT e.block_number, e.log_index, e.tx_hash, e.block_hash, e.topic0, e.topic1, e.topic2, e.topic3,"
            " e.data, b.block_time FROM raw_events e"
            " LEFT JOIN blocks b ON b.chain_id = e.chain_id AND b.block_number = e.block_number"
            " WHERE e.chain_id = ? AND e.contract = ?",
        .after = "(e.block_number, e.log_index) > (?, ?)",
        .order = "e.block_number, e.log_index",
    };
    run_scan(
        *conn_, scan, where_contract(chain, contract), page_size,
        [](const Row& r) {
            return Params{read_i64(r[0]), read_i64(r[1])};
        },
        [&](const Row& r) {
            RawEvent e{
                .tx_hash = read_hash(r[2]),
                .log_index = read_u64(r[1]),
                .block_number = read_u64(r[0]),
                .block_hash = read_hash(r[3]),
                .contract = contract,
                .topics = {},
                .data = read_bytes(r[8]),
            };
            for (size_t i = 0; i < kMaxTopics && r[4 + i]; ++i)
                e.topics.push_back(read_hash(r[4 + i]));
            sink(e, r[9] ? std::optional<int64_t>{read_i64(r[9])} : std::nullopt);
        });
}

void SqlStore::scan_transfers(ChainId chain, const core::Address& contract, std::size_t page_size,
                              const std::function<void(const Transfer&)>& sink) {
    const KeysetScan scan{
        .select =
            "SELECT block_number, log_index, batch_index, tx_hash, block_time, standard, operator_address,"
            " from_address, to_address, token_id, amount FROM transfers WHERE chain_id = ? AND contract = ?",
        .after = "(block_number, log_index, batch_index) > (?, ?, ?)",
        .order = "block_number, log_index, batch_index",
    };
    run_scan(
        *conn_, scan, where_contract(chain, contract), page_size,
        [](const Row& r) {
            return Params{read_i64(r[0]), read_i64(r[1]), read_i64(r[2])};
        },
        [&](const Row& r) {
            sink(Transfer{
                .tx_hash = read_hash(r[3]),
                .log_index = read_u64(r[1]),
                .batch_index = read_u64(r[2]),
                .block_number = read_u64(r[0]),
                .block_timestamp = read_i64(r[4]),
                .contract = contract,
                .standard = read_standard(r[5]),
                .operator_address = read_address(r[6]),
                .from = read_address(r[7]),
                .to = read_address(r[8]),
                .token_id = dialect_.decode_u256(not_null(r[9])),
                .amount = dialect_.decode_u256(not_null(r[10])),
            });
        });
}

// The uint256 key columns are handed back as the text the back-end returned
// (SQLite's hex, PostgreSQL's decimal), which is what it compares them with.
void SqlStore::scan_owners(ChainId chain, const core::Address& contract, std::size_t page_size,
                           const std::function<void(const OwnerRow&)>& sink) {
    const KeysetScan scan{
        .select = "SELECT token_id, owner, block_number, log_index FROM owners WHERE chain_id = ? AND contract = ?",
        .after = fmt::format("token_id > {}", dialect_.u256_param),
        .order = "token_id",
    };
    run_scan(
        *conn_, scan, where_contract(chain, contract), page_size, [](const Row& r) { return Params{not_null(r[0])}; },
        [&](const Row& r) {
            sink(OwnerRow{
                .token_id = dialect_.decode_u256(not_null(r[0])),
                .owner = read_address(r[1]),
                .block_number = read_u64(r[2]),
                .log_index = read_u64(r[3]),
            });
        });
}

void SqlStore::scan_balances(ChainId chain, const core::Address& contract, std::size_t page_size,
                             const std::function<void(const BalanceRow&)>& sink) {
    // ERC-721 holdings are owners rows, read as balances of one (a burned
    // token's zero owner holds nothing).
    const KeysetScan scan{
        .select =
            fmt::format("SELECT token_id, holder, amount, block_number FROM ("
                        "SELECT chain_id, contract, token_id, holder, amount, block_number FROM balances UNION ALL "
                        "SELECT chain_id, contract, token_id, owner, '{}', block_number FROM owners WHERE owner <> '{}'"
                        ") AS b WHERE chain_id = ? AND contract = ?",
                        dialect_.encode_u256(1), to_db(core::Address{})),
        .after = fmt::format("(token_id, holder) > ({}, ?)", dialect_.u256_param),
        .order = "token_id, holder",
    };
    run_scan(
        *conn_, scan, where_contract(chain, contract), page_size,
        [](const Row& r) {
            return Params{not_null(r[0]), not_null(r[1])};
        },
        [&](const Row& r) {
            sink(BalanceRow{
                .token_id = dialect_.decode_u256(not_null(r[0])),
                .holder = read_address(r[1]),
                .amount = dialect_.decode_u256(not_null(r[2])),
                .block_number = read_u64(r[3]),
            });
        });
}

void SqlStore::scan_tokens(ChainId chain, const core::Address& contract, std::size_t page_size,
                           const std::function<void(const Token&)>& sink) {
    const KeysetScan scan{
        .select =
            "SELECT t.token_id, t.author, o.owner, t.status, t.block_number, t.created_at, t.updated_at FROM tokens t"
            " LEFT JOIN owners o ON o.chain_id = t.chain_id AND o.contract = t.contract AND o.token_id = t.token_id"
            " WHERE t.chain_id = ? AND t.contract = ?",
        .after = fmt::format("t.token_id > {}", dialect_.u256_param),
        .order = "t.token_id",
    };
    run_scan(
        *conn_, scan, where_contract(chain, contract), page_size, [](const Row& r) { return Params{not_null(r[0])}; },
        [&](const Row& r) { sink(token_from_row(contract, r)); });
}

}  // namespace tokensync::store::sql
