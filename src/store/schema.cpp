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

constexpr std::array<Migration, 2> kMigrations{{
    {1, "base schema", kBaseSchema},
    {2, "events and ERC-721 owners", kModuleTables},
}};

}  // namespace

std::span<const Migration> builtin_migrations() { return kMigrations; }

}  // namespace tokensync::store
