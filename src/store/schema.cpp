// The versioned schema. Every indexed row carries the block number that
// produced it, so rollback_above can remove everything above a block.
// Hashes and addresses are "0x" + lower-case hex text in both back-ends.
#include <array>

#include "store/migrations.hpp"

namespace tokensync::store {
namespace {

constexpr std::string_view kBaseSchema = R"sql(
CREATE TABLE chains (
    chain_id BIGINT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE cursors (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    contract TEXT NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL,
    PRIMARY KEY (chain_id, contract)
);

CREATE TABLE blocks (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL,
    block_time BIGINT NOT NULL,
    PRIMARY KEY (chain_id, block_number)
);

CREATE TABLE raw_events (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL,
    contract TEXT NOT NULL,
    topic0 TEXT,
    topic1 TEXT,
    topic2 TEXT,
    topic3 TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX raw_events_by_block ON raw_events (chain_id, block_number);

CREATE TABLE authors (
    author_id {serial_key},
    wallet TEXT NOT NULL,
    prompt TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX authors_wallet_any_case ON authors (lower(wallet));

CREATE TABLE tokens (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    author TEXT,
    owner TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('detected', 'generating', 'uploading', 'ready', 'revealed', 'failed')),
    block_number BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (chain_id, contract, token_id)
);
CREATE INDEX tokens_by_block ON tokens (chain_id, block_number);
CREATE INDEX tokens_by_status ON tokens (status);

CREATE TABLE mint_events (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    minter TEXT NOT NULL,
    author TEXT,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX mint_events_by_block ON mint_events (chain_id, block_number);

CREATE TABLE transfers (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    batch_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    block_time BIGINT NOT NULL,
    contract TEXT NOT NULL,
    standard TEXT NOT NULL CHECK (standard IN ('erc721', 'erc1155')),
    operator_address TEXT NOT NULL,
    from_address TEXT NOT NULL,
    to_address TEXT NOT NULL,
    token_id {u256} NOT NULL,
    amount {u256} NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index, batch_index)
);
CREATE INDEX transfers_by_block ON transfers (chain_id, block_number);
CREATE INDEX transfers_by_token ON transfers (chain_id, contract, token_id);

CREATE TABLE balances (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    holder TEXT NOT NULL,
    amount {u256} NOT NULL,
    block_number BIGINT NOT NULL,
    PRIMARY KEY (chain_id, contract, token_id, holder)
);
CREATE INDEX balances_by_holder ON balances (chain_id, holder);

CREATE TABLE system_state (
    state_key TEXT PRIMARY KEY,
    {json_value},
    updated_at BIGINT NOT NULL
);
)sql";

// The tables of the modules layer: the generic events table, and the current
// owner of each ERC-721 token. An owner row remembers the transfer that set
// it (block, log index) so an older transfer stored later cannot win, and so
// rollback_above knows which owners to recompute.
constexpr std::string_view kModuleTables = R"sql(
CREATE TABLE events (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    block_time BIGINT NOT NULL,
    contract TEXT NOT NULL,
    event_name TEXT NOT NULL,
    signature TEXT NOT NULL,
    topic0 TEXT NOT NULL,
    {json_args},
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX events_by_block ON events (chain_id, block_number);
CREATE INDEX events_by_contract ON events (chain_id, contract, event_name);

CREATE TABLE owners (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    owner TEXT NOT NULL,
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (chain_id, contract, token_id)
);
CREATE INDEX owners_by_owner ON owners (chain_id, contract, owner);
CREATE INDEX owners_by_block ON owners (chain_id, block_number);
)sql";

// The compact layout: the hot tables are keyed by where a log sits on the
// chain, (chain, block, log index[, batch index]), so their primary key is
// also the order rollback_above and the exports walk, and the separate
// by-block indexes go. SQLite keeps every table with a composite key
// WITHOUT ROWID (one B-tree per table instead of a rowid table plus a key
// index). tokens.owner goes: the owners table is the one ERC-721 truth and
// reads join it. ERC-721 transfers no longer move balances, so the balance
// rows they made (tokens with an owner row and no ERC-1155 transfer) go too.
// Each table is rebuilt (create, copy, drop, rename) with its rows kept.
constexpr std::string_view kCompactLayout = R"sql(
CREATE TABLE cursors_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    contract TEXT NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL,
    PRIMARY KEY (chain_id, contract)
){without_rowid};
INSERT INTO cursors_v3 (chain_id, contract, block_number, block_hash)
    SELECT chain_id, contract, block_number, block_hash FROM cursors;
DROP TABLE cursors;
ALTER TABLE cursors_v3 RENAME TO cursors;

CREATE TABLE blocks_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL,
    block_time BIGINT NOT NULL,
    PRIMARY KEY (chain_id, block_number)
){without_rowid};
INSERT INTO blocks_v3 (chain_id, block_number, block_hash, parent_hash, block_time)
    SELECT chain_id, block_number, block_hash, parent_hash, block_time FROM blocks;
DROP TABLE blocks;
ALTER TABLE blocks_v3 RENAME TO blocks;

CREATE TABLE raw_events_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    block_hash TEXT NOT NULL,
    contract TEXT NOT NULL,
    topic0 TEXT,
    topic1 TEXT,
    topic2 TEXT,
    topic3 TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (chain_id, block_number, log_index)
){without_rowid};
INSERT INTO raw_events_v3 (chain_id, block_number, log_index, tx_hash, block_hash, contract,
                           topic0, topic1, topic2, topic3, data)
    SELECT chain_id, block_number, log_index, tx_hash, block_hash, contract, topic0, topic1, topic2, topic3, data
    FROM raw_events;
DROP TABLE raw_events;
ALTER TABLE raw_events_v3 RENAME TO raw_events;

CREATE TABLE tokens_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    author TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('detected', 'generating', 'uploading', 'ready', 'revealed', 'failed')),
    block_number BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (chain_id, contract, token_id)
){without_rowid};
INSERT INTO tokens_v3 (chain_id, contract, token_id, author, status, block_number, created_at, updated_at)
    SELECT chain_id, contract, token_id, author, status, block_number, created_at, updated_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_v3 RENAME TO tokens;
CREATE INDEX tokens_by_block ON tokens (chain_id, block_number);
CREATE INDEX tokens_by_status ON tokens (status);

CREATE TABLE mint_events_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    minter TEXT NOT NULL,
    author TEXT,
    PRIMARY KEY (chain_id, block_number, log_index)
){without_rowid};
INSERT INTO mint_events_v3 (chain_id, block_number, log_index, tx_hash, contract, token_id, minter, author)
    SELECT chain_id, block_number, log_index, tx_hash, contract, token_id, minter, author FROM mint_events;
DROP TABLE mint_events;
ALTER TABLE mint_events_v3 RENAME TO mint_events;

CREATE TABLE balances_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    holder TEXT NOT NULL,
    amount {u256} NOT NULL,
    block_number BIGINT NOT NULL,
    PRIMARY KEY (chain_id, contract, token_id, holder)
){without_rowid};
INSERT INTO balances_v3 (chain_id, contract, token_id, holder, amount, block_number)
    SELECT b.chain_id, b.contract, b.token_id, b.holder, b.amount, b.block_number FROM balances b
    WHERE NOT EXISTS (SELECT 1 FROM owners o WHERE o.chain_id = b.chain_id AND o.contract = b.contract
                      AND o.token_id = b.token_id)
       OR EXISTS (SELECT 1 FROM transfers t WHERE t.chain_id = b.chain_id AND t.contract = b.contract
                  AND t.token_id = b.token_id AND t.standard = 'erc1155');
DROP TABLE balances;
ALTER TABLE balances_v3 RENAME TO balances;
CREATE INDEX balances_by_holder ON balances (chain_id, holder);

CREATE TABLE transfers_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    batch_index BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    block_time BIGINT NOT NULL,
    contract TEXT NOT NULL,
    standard TEXT NOT NULL CHECK (standard IN ('erc721', 'erc1155')),
    operator_address TEXT NOT NULL,
    from_address TEXT NOT NULL,
    to_address TEXT NOT NULL,
    token_id {u256} NOT NULL,
    amount {u256} NOT NULL,
    PRIMARY KEY (chain_id, block_number, log_index, batch_index)
){without_rowid};
INSERT INTO transfers_v3 (chain_id, block_number, log_index, batch_index, tx_hash, block_time, contract, standard,
                          operator_address, from_address, to_address, token_id, amount)
    SELECT chain_id, block_number, log_index, batch_index, tx_hash, block_time, contract, standard,
           operator_address, from_address, to_address, token_id, amount FROM transfers;
DROP TABLE transfers;
ALTER TABLE transfers_v3 RENAME TO transfers;
CREATE INDEX transfers_by_token ON transfers (chain_id, contract, token_id);

CREATE TABLE events_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    block_time BIGINT NOT NULL,
    contract TEXT NOT NULL,
    event_name TEXT NOT NULL,
    signature TEXT NOT NULL,
    topic0 TEXT NOT NULL,
    {json_args},
    PRIMARY KEY (chain_id, block_number, log_index)
){without_rowid};
INSERT INTO events_v3 (chain_id, block_number, log_index, tx_hash, block_time, contract, event_name, signature,
                       topic0, args)
    SELECT chain_id, block_number, log_index, tx_hash, block_time, contract, event_name, signature, topic0, args
    FROM events;
DROP TABLE events;
ALTER TABLE events_v3 RENAME TO events;
CREATE INDEX events_by_contract ON events (chain_id, contract, event_name);

CREATE TABLE owners_v3 (
    chain_id BIGINT NOT NULL REFERENCES chains (chain_id),
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    owner TEXT NOT NULL,
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (chain_id, contract, token_id)
){without_rowid};
INSERT INTO owners_v3 (chain_id, contract, token_id, owner, block_number, log_index)
    SELECT chain_id, contract, token_id, owner, block_number, log_index FROM owners;
DROP TABLE owners;
ALTER TABLE owners_v3 RENAME TO owners;
CREATE INDEX owners_by_owner ON owners (chain_id, contract, owner);
CREATE INDEX owners_by_block ON owners (chain_id, block_number);

CREATE TABLE system_state_v3 (
    state_key TEXT PRIMARY KEY,
    {json_value},
    updated_at BIGINT NOT NULL
){without_rowid};
INSERT INTO system_state_v3 (state_key, value, updated_at) SELECT state_key, value, updated_at FROM system_state;
DROP TABLE system_state;
ALTER TABLE system_state_v3 RENAME TO system_state;
)sql";

// Every indexed table referenced chains (chain_id), so each inserted row
// cost a look-up in chains: 1.1 million of them in a 200,000-log
// PostgreSQL backfill. Store::apply inserts the chain row first in the same
// transaction, so the reference always holds without the check. PostgreSQL
// drops the constraints (whatever names the table rebuilds gave them);
// SQLite cannot drop a constraint without rebuilding every table again, so
// its connection no longer enforces them (sqlite_connection.cpp).
constexpr std::string_view kNoChainForeignKeys = "{drop_chain_foreign_keys}";

// Claims of units of work by one of several processes on the database
// (sql_store_claims.cpp): a claim is a row locked FOR UPDATE by the
// claimant's open transaction, so the table holds only ids being worked on.
constexpr std::string_view kWorkClaims = R"sql(
CREATE TABLE work_claims (
    kind TEXT NOT NULL,
    chain_id BIGINT NOT NULL,
    contract TEXT NOT NULL,
    token_id {u256} NOT NULL,
    claimed_at BIGINT NOT NULL,
    PRIMARY KEY (kind, chain_id, contract, token_id)
){without_rowid};
)sql";

constexpr std::array<Migration, 5> kMigrations{{
    {1, "base schema", kBaseSchema},
    {2, "events and ERC-721 owners", kModuleTables},
    {3, "compact layout", kCompactLayout},
    {4, "no foreign keys to chains", kNoChainForeignKeys},
    {5, "work claims", kWorkClaims},
}};

// Every non-unique secondary index the migrations above leave on the
// indexed tables (a test compares this list with the database's own).
// A migration that adds or drops one updates this list.
constexpr std::array<SecondaryIndex, 7> kSecondaryIndexes{{
    {"tokens_by_block", "tokens", "chain_id, block_number"},
    {"tokens_by_status", "tokens", "status"},
    {"balances_by_holder", "balances", "chain_id, holder"},
    {"transfers_by_token", "transfers", "chain_id, contract, token_id"},
    {"events_by_contract", "events", "chain_id, contract, event_name"},
    {"owners_by_owner", "owners", "chain_id, contract, owner"},
    {"owners_by_block", "owners", "chain_id, block_number"},
}};

}  // namespace

std::span<const Migration> builtin_migrations() { return kMigrations; }

std::span<const SecondaryIndex> secondary_indexes() { return kSecondaryIndexes; }

}  // namespace tokensync::store
