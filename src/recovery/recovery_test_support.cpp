#include "recovery/recovery_test_support.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "app/chain_indexer.hpp"
#include "app/engine.hpp"
#include "store/database_url.hpp"
#include "sync/range_ingest.hpp"
#include "test_util/abi_call.hpp"

namespace tokensync::recovery::testing {

core::Address author_address(std::size_t i) {
    core::ByteArray<20> b{};
    b[0] = 0xa7;
    b[18] = 0x10;
    b[19] = static_cast<uint8_t>(i);
    return core::Address(b);
}

core::Address default_author() { return *core::Address::from_hex("0x00000000000000000000000000000000000d3fa1"); }

MintedChain mint_chain(const MintPlan& plan) {
    MintedChain out;
    out.first_id = plan.first_id;
    out.devnet = std::make_unique<test_util::Devnet>(app::testing::quiet_devnet());
    test_util::TestContractOptions nft_options;
    nft_options.first_token_id = plan.first_id;
    out.contracts = out.devnet->deploy_test_contracts(nft_options);
    out.multicall = out.devnet->deploy("TestMulticall");
    std::mt19937_64 rng(plan.seed);
    out.devnet->set_automine(false);
    uint64_t minted = 0;
    while (minted < plan.tokens) {
        std::vector<std::string> hashes;
        for (int t = 0; t < 10 && minted < plan.tokens; ++t) {
            const uint64_t quantity = std::min<uint64_t>(plan.tokens - minted, 1 + rng() % 40);
            const std::size_t author = rng() % plan.authors;
            const core::Address minter = test_util::dev_address(1 + rng() % 8);
            hashes.push_back(out.devnet->send_async(
                minter, out.contracts.nft,
                test_util::calldata("batchMint(address,uint256)",
                                    {author_address(author).lower_hex(), std::to_string(quantity)}),
                200'000 + 60'000 * quantity));
            out.author_of.insert(out.author_of.end(), quantity, author);
            minted += quantity;
        }
        out.devnet->mine();
        for (const auto& h : hashes)
            out.devnet->wait_for_receipt(h);
    }
    out.devnet->set_automine(true);
    return out;
}

std::string attributed_author(const MintedChain& chain, uint64_t id, std::size_t known) {
    const std::size_t a = chain.author_of.at(id - chain.first_id);
    return a < known ? author_address(a).checksum() : default_author().lower_hex();
}

std::string recovery_yaml(uint64_t first_id, const std::string& multicall) {
    return fmt::format(
        "recovery:\n"
        "  contract: nft\n"
        "  counter: \"function nextTokenId() view returns (uint256)\"\n"
        "  author_of: \"function tokenPromptAuthor(uint256) view returns (address)\"\n"
        "  first_token_id: {}\n"
        "  default_author: \"{}\"\n"
        "  batch_size: 1000\n"
        "  multicall: \"{}\"\n",
        first_id, default_author().lower_hex(), multicall);
}

void add_authors(store::Store& store, store::ChainId chain_id, std::size_t known) {
    store::ChangeSet c;
    c.chain_id = chain_id;
    for (std::size_t i = 0; i < known; ++i)
        c.authors.push_back({author_address(i).checksum(), fmt::format("prompt {}", i), 1});
    c.authors.push_back({default_author().lower_hex(), "the default", 1});
    store.apply(c);
}

IndexedDatabase index_chain(const MintedChain& chain, Backend backend, const std::filesystem::path& dir,
                            std::size_t known_authors, const std::string& multicall) {
    IndexedDatabase db;
    db.url = app::testing::fresh_database(backend, dir);
    db.config =
        app::testing::devnet_config(*chain.devnet, chain.contracts, db.url, recovery_yaml(chain.first_id, multicall));
    db.store = store::open_store(db.url);
    db.store->migrate();
    add_authors(*db.store, db.chain_id(), known_authors);
    const auto& chain_config = db.config.chains.front();
    app::ChainIndexer indexer(db.config, chain_config);
    indexer.refresh(*db.store);
    sync::IngestOptions options = app::ingest_options(db.config.sync);
    for (const auto& c : app::contract_starts(db.config, chain_config))
        options.cursors.push_back({c.address, c.start_block});
    sync::ingest_range(app::chain_target(chain_config), *db.store, indexer, 0, chain.devnet->block_number(), options);
    return db;
}

RawDatabase::RawDatabase(const std::string& url) {
    const auto parsed = *store::parse_database_url(url);
    dialect_ = &store::sql::dialect_for(parsed.kind);
    conn_ = store::sql::open_connection(parsed);
}

int64_t RawDatabase::execute(const std::string& sql, const store::sql::Params& params) {
    return conn_->execute(sql, params);
}

}  // namespace tokensync::recovery::testing
