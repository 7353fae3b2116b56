#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "test_util/devnet.hpp"

namespace tokensync::test_util {

// How populate() fills a devnet with token activity.
struct PopulateOptions {
    uint64_t seed = 1;
    uint64_t target_logs = 5'000;       // stops at the end of the block that reaches it
    std::size_t accounts = 10;          // dev accounts 0..accounts-1 send and receive (2..10)
    std::size_t txns_per_block = 500;   // sent with automine off, then one evm_mine
    uint64_t max_mint_quantity = 60;    // batchMint sizes are 1..this
    uint64_t multi_token_ids = 32;      // ERC-1155 ids 1..this
    std::size_t txns_per_request = 50;  // eth_sendTransaction calls per JSON-RPC batch
    std::size_t connections = 2;        // batches in flight at once
};

// What populate() made, and the balances it expects the contracts to hold.
struct PopulateSummary {
    uint64_t first_block = 0;  // first and last block populate() mined
    uint64_t last_block = 0;
    uint64_t blocks = 0;
    uint64_t transactions = 0;

    // Logs by kind. nft: Transfer (mints included) and BatchMinted;
    // multi_token: TransferSingle (mint, transfer, burn) and TransferBatch.
    uint64_t erc721_transfers = 0;
    uint64_t erc721_mints = 0;  // the part of erc721_transfers that are mints
    uint64_t batch_minted = 0;
    uint64_t transfer_single = 0;
    uint64_t transfer_batch = 0;
    uint64_t erc1155_burns = 0;  // TransferSingle/TransferBatch logs that burn

    // The generator's bookkeeping, by dev account index.
    std::vector<uint64_t> nft_balances;
    std::map<std::pair<std::size_t, uint64_t>, uint64_t> multi_balances;  // (account, id) -> amount, non-zero only

    uint64_t nft_logs() const { return erc721_transfers + batch_minted; }
    uint64_t multi_token_logs() const { return transfer_single + transfer_batch; }
    uint64_t total_logs() const { return nft_logs() + multi_token_logs(); }
};

// Fills the devnet with a deterministic (for a seed, on a fresh devnet with
// the same contracts) mix of token activity among the first dev accounts:
// PromptNFT batch mints and ERC-721 transfers; TestMultiToken mints,
// mintBatch, transfers, batch transfers and burns. Transfers and burns only
// spend what the sender held at the start of the block (or minted itself in
// it), and one account per block (in turn) mints NFTs, since the node may
// order different senders' transactions freely.
// Turns automine off, raises the block gas limit, sends each block's
// transactions with explicit nonces and gas in JSON-RPC batches, mines, and
// checks that every transaction of the block succeeded; throws otherwise.
// Leaves automine off.
PopulateSummary populate(Devnet& devnet, const TestContracts& contracts, const PopulateOptions& options = {});

}  // namespace tokensync::test_util
