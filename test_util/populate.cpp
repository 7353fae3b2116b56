#include "test_util/populate.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "core/hex.hpp"
#include "core/uint256.hpp"
#include "test_util/abi_call.hpp"

namespace tokensync::test_util {
namespace {

using namespace std::chrono_literals;

// Far above what a block of populate() uses, so the node never leaves a
// transaction for the next block because of its gas limit.
constexpr uint64_t kBlockGasLimit = 4'000'000'000;

// Gas limits per transaction, so the node does not estimate each one:
// generous upper bounds (an ERC-721 mint writes about two new slots); a
// transaction that runs out reverts, and populate() then throws.
constexpr uint64_t kGasBase = 120'000;
constexpr uint64_t kGasPerToken = 60'000;

std::string quantity(uint64_t v) { return fmt::format("0x{:x}", v); }

std::string uint_list(const std::vector<uint64_t>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
        out += fmt::format("{}{}", i == 0 ? "" : ",", values[i]);
    return out + "]";
}

struct PendingTxn {
    std::size_t from;
    core::Address to;
    core::Bytes input;
    uint64_t gas;
    std::string_view what;  // the function, for error messages
};

// The generator's view of the chain: what each account holds now, and what
// each may spend in the block being built.
class Generator {
  public:
    Generator(Devnet& devnet, const TestContracts& contracts, const PopulateOptions& options)
        : devnet_(devnet), contracts_(contracts), options_(options), rng_(options.seed) {
        if (options.accounts < 2 || options.accounts > kDevAccounts.size())
            throw std::invalid_argument(fmt::format("populate: accounts must be 2..10, not {}", options.accounts));
        if (options.txns_per_block == 0 || options.txns_per_request == 0 || options.max_mint_quantity == 0 ||
            options.connections == 0 || options.multi_token_ids < 2)
            throw std::invalid_argument(
                "populate: txns_per_block, txns_per_request, max_mint_quantity and connections must be > 0, "
                "multi_token_ids >= 2");
        for (std::size_t i = 0; i < options.accounts; ++i) {
            address_args_.push_back(dev_address(i).lower_hex());
            nonces_.push_back(parse_quantity(devnet.rpc("eth_getTransactionCount", {address_args_[i], "pending"})));
        }
        const auto next =
            decode_return("nextTokenId() returns (uint256)", devnet.call(contracts.nft, calldata("nextTokenId()")));
        next_token_id_ = next.at(0).get_if<core::Uint256>()->low64();
        first_token_id_ = next_token_id_;
        owned_.resize(options.accounts);
        multi_.assign(options.accounts * options.multi_token_ids, 0);
        summary_.nft_balances.assign(options.accounts, 0);
        net::HttpClient::Options copts;
        copts.request_timeout = 120s;
        for (std::size_t i = 0; i < options.connections; ++i)
            clients_.emplace_back(devnet.url(), copts);
    }

    PopulateSummary run() {
        devnet_.set_automine(false);
        devnet_.rpc("evm_setBlockGasLimit", {quantity(kBlockGasLimit)});
        while (summary_.total_logs() < options_.target_logs)
            build_block();
        for (std::size_t a = 0; a < options_.accounts; ++a)
            for (uint64_t id = 1; id <= options_.multi_token_ids; ++id)
                if (const uint64_t v = multi_at(a, id); v != 0) summary_.multi_balances[{a, id}] = v;
        return std::move(summary_);
    }

  private:
    uint64_t pick(uint64_t n) { return rng_() % n; }  // not uniform_int_distribution: same on every library
    std::size_t other_than(std::size_t a) { return (a + 1 + pick(options_.accounts - 1)) % options_.accounts; }
    uint64_t& multi_at(std::size_t account, uint64_t id) {
        return multi_[account * options_.multi_token_ids + (id - 1)];
    }
    uint64_t& spendable_at(std::size_t account, uint64_t id) {
        return spendable_[account * options_.multi_token_ids + (id - 1)];
    }

    void build_block() {
        spendable_ = multi_;
        ++block_index_;
        block_.clear();
        hashes_.clear();
        expected_logs_ = 0;
        // The block's NFT minter sends a third of its transactions.
        const std::size_t minter = block_index_ % options_.accounts;
        for (std::size_t i = 0; i < options_.txns_per_block; ++i)
            add_transaction(pick(3) == 0 ? minter : i % options_.accounts);
        send_block();
    }

    void add(std::string_view what, std::size_t from, const core::Address& to, core::Bytes input, uint64_t gas,
             uint64_t logs) {
        block_.push_back({from, to, std::move(input), gas, what});
        expected_logs_ += logs;
    }

    void add_transaction(std::size_t from) {
        const uint64_t roll = pick(100);
        // One account mints NFTs in each block (in turn): token ids follow the
        // order of execution, which is known only within one sender's nonces.
        if (from == block_index_ % options_.accounts) {  // this block's minter
            if (roll < 70) return batch_mint(from);
        } else if (roll < 14) {
            return multi_mint(from);
        }
        if (roll < 44 && nft_transfer(from)) return;
        if (roll < 56) return multi_mint(from);
        if (roll < 64) return multi_mint_batch(from);
        if (roll < 80 && multi_transfer(from)) return;
        if (roll < 90 && multi_batch_transfer(from)) return;
        if (roll < 100 && multi_burn(from)) return;
        multi_mint(from);  // nothing to spend yet
    }

    void batch_mint(std::size_t from) {
        const uint64_t q = 1 + pick(options_.max_mint_quantity);
        const std::size_t author = pick(options_.accounts);
        for (uint64_t id = next_token_id_; id < next_token_id_ + q; ++id) {
            received_in_.push_back(0);  // minted by its sender: spendable at once
            owned_[from].push_back(id);
        }
        next_token_id_ += q;
        summary_.nft_balances[from] += q;
        summary_.erc721_transfers += q;
        summary_.erc721_mints += q;
        summary_.batch_minted += 1;
        add("batchMint(address,uint256)", from, contracts_.nft,
            calldata("batchMint(address,uint256)", {address_args_[author], std::to_string(q)}),
            kGasBase + kGasPerToken * q, q + 1);
    }

    bool nft_transfer(std::size_t from) {
        auto& mine = owned_[from];
        for (int attempt = 0; attempt < 4 && !mine.empty(); ++attempt) {
            const std::size_t slot = pick(mine.size());
            const uint64_t id = mine[slot];
            if (received_in_[id - first_token_id_] == block_index_) continue;  // another sender's, this block
            const std::size_t to = other_than(from);
            mine[slot] = mine.back();
            mine.pop_back();
            owned_[to].push_back(id);
            received_in_[id - first_token_id_] = block_index_;
            --summary_.nft_balances[from];
            ++summary_.nft_balances[to];
            ++summary_.erc721_transfers;
            add("transferFrom(address,address,uint256)", from, contracts_.nft,
                calldata("transferFrom(address,address,uint256)",
                         {address_args_[from], address_args_[to], std::to_string(id)}),
                kGasBase, 1);
            return true;
        }
        return false;
    }

    // Mints to the sender or to another account; only the sender's own mints
    // are spendable in this block.
    void credit_mint(std::size_t from, std::size_t to, uint64_t id, uint64_t amount) {
        multi_at(to, id) += amount;
        if (to == from) spendable_at(to, id) += amount;
    }

    void multi_mint(std::size_t from) {
        const std::size_t to = pick(3) == 0 ? other_than(from) : from;
        const uint64_t id = 1 + pick(options_.multi_token_ids);
        const uint64_t amount = 1 + pick(1000);
        credit_mint(from, to, id, amount);
        ++summary_.transfer_single;
        add("mint(address,uint256,uint256)", from, contracts_.multi_token,
            calldata("mint(address,uint256,uint256)", {address_args_[to], std::to_string(id), std::to_string(amount)}),
            kGasBase, 1);
    }

    std::vector<uint64_t> distinct_ids(uint64_t n) {
        std::vector<uint64_t> ids;
        while (ids.size() < n) {
            const uint64_t id = 1 + pick(options_.multi_token_ids);
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        }
        return ids;
    }

    void multi_mint_batch(std::size_t from) {
        const std::size_t to = pick(3) == 0 ? other_than(from) : from;
        const auto ids = distinct_ids(std::min<uint64_t>(2 + pick(5), options_.multi_token_ids));
        std::vector<uint64_t> amounts;
        amounts.reserve(ids.size());
        for (const uint64_t id : ids) {
            amounts.push_back(1 + pick(500));
            credit_mint(from, to, id, amounts.back());
        }
        ++summary_.transfer_batch;
        add("mintBatch(address,uint256[],uint256[])", from, contracts_.multi_token,
            calldata("mintBatch(address,uint256[],uint256[])", {address_args_[to], uint_list(ids), uint_list(amounts)}),
            kGasBase + kGasPerToken * ids.size(), 1);
    }

    // An id the sender may spend now, or 0.
    uint64_t spendable_id(std::size_t from) {
        for (int attempt = 0; attempt < 6; ++attempt) {
            const uint64_t id = 1 + pick(options_.multi_token_ids);
            if (spendable_at(from, id) > 0) return id;
        }
        return 0;
    }

    uint64_t spend(std::size_t from, std::size_t to, uint64_t id, bool burn) {
        const uint64_t amount = 1 + pick(spendable_at(from, id));
        spendable_at(from, id) -= amount;
        multi_at(from, id) -= amount;
        if (!burn) multi_at(to, id) += amount;
        return amount;
    }

    bool multi_transfer(std::size_t from) {
        const uint64_t id = spendable_id(from);
        if (id == 0) return false;
        const std::size_t to = other_than(from);
        const uint64_t amount = spend(from, to, id, false);
        ++summary_.transfer_single;
        add("safeTransferFrom(address,address,uint256,uint256,bytes)", from, contracts_.multi_token,
            calldata("safeTransferFrom(address,address,uint256,uint256,bytes)",
                     {address_args_[from], address_args_[to], std::to_string(id), std::to_string(amount), "0x"}),
            kGasBase, 1);
        return true;
    }

    bool multi_batch_transfer(std::size_t from) {
        std::vector<uint64_t> ids;
        for (int i = 0; i < 4; ++i)
            if (const uint64_t id = spendable_id(from); id != 0 && std::find(ids.begin(), ids.end(), id) == ids.end())
                ids.push_back(id);
        if (ids.size() < 2) return false;
        const std::size_t to = other_than(from);
        std::vector<uint64_t> amounts;
        amounts.reserve(ids.size());
        for (const uint64_t id : ids)
            amounts.push_back(spend(from, to, id, false));
        ++summary_.transfer_batch;
        add("safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)", from, contracts_.multi_token,
            calldata("safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
                     {address_args_[from], address_args_[to], uint_list(ids), uint_list(amounts), "0x"}),
            kGasBase + kGasPerToken * ids.size(), 1);
        return true;
    }

    bool multi_burn(std::size_t from) {
        const uint64_t id = spendable_id(from);
        if (id == 0) return false;
        const uint64_t amount = spend(from, from, id, true);
        ++summary_.transfer_single;
        ++summary_.erc1155_burns;
        add("burn(address,uint256,uint256)", from, contracts_.multi_token,
            calldata("burn(address,uint256,uint256)",
                     {address_args_[from], std::to_string(id), std::to_string(amount)}),
            kGasBase, 1);
        return true;
    }

    void send_block() {
        std::vector<std::string> bodies;
        for (std::size_t start = 0; start < block_.size(); start += options_.txns_per_request) {
            const std::size_t end = std::min(block_.size(), start + options_.txns_per_request);
            boost::json::array batch;
            for (std::size_t i = start; i < end; ++i) {
                const auto& txn = block_[i];
                boost::json::object fields{{"from", address_args_[txn.from]},
                                           {"to", txn.to.lower_hex()},
                                           {"input", core::to_hex(txn.input)},
                                           {"gas", quantity(txn.gas)},
                                           {"nonce", quantity(nonces_[txn.from]++)}};
                batch.push_back(boost::json::object{{"jsonrpc", "2.0"},
                                                    {"id", i},
                                                    {"method", "eth_sendTransaction"},
                                                    {"params", boost::json::array{std::move(fields)}}});
            }
            bodies.push_back(boost::json::serialize(batch));
        }
        // Several connections at once: the node signs and checks them in parallel.
        std::vector<net::HttpResponse> answers(bodies.size());
        std::atomic<std::size_t> next{0};
        std::vector<std::exception_ptr> errors(clients_.size());
        {
            std::vector<std::jthread> threads;
            for (std::size_t c = 0; c < clients_.size(); ++c) {
                threads.emplace_back([&, c] {
                    try {
                        for (std::size_t i = next++; i < bodies.size(); i = next++)
                            answers[i] = clients_[c].post("", bodies[i]);
                    } catch (...) {
                        errors[c] = std::current_exception();
                    }
                });
            }
        }
        for (const auto& error : errors)
            if (error) std::rethrow_exception(error);
        for (const auto& answer : answers)
            check_batch_answer(answer);
        devnet_.rpc("evm_mine");
        check_mined_block();
    }

    void check_batch_answer(const net::HttpResponse& response) {
        if (!response.ok())
            throw std::runtime_error(
                fmt::format("populate: HTTP {} from anvil: {}", response.status, response.body.substr(0, 500)));
        const auto answer = boost::json::parse(response.body);
        if (!answer.is_array())
            throw std::runtime_error("populate: anvil answered a batch with " + response.body.substr(0, 500));
        for (const auto& item : answer.as_array()) {
            const auto& obj = item.as_object();
            if (const auto* error = obj.if_contains("error"))
                throw std::runtime_error("populate: eth_sendTransaction failed: " + boost::json::serialize(*error));
            hashes_[std::string(obj.at("result").as_string())] = obj.at("id").to_number<std::size_t>();
        }
    }

    std::string describe(const boost::json::value& receipt) const {
        const auto it = hashes_.find(std::string(receipt.at("transactionHash").as_string()));
        if (it == hashes_.end()) return " (first: a transaction populate did not send)";
        const auto& txn = block_.at(it->second);
        return fmt::format(" (first: {} from account {}, gas used {} of {})", txn.what, txn.from,
                           parse_quantity(receipt.at("gasUsed")), txn.gas);
    }

    // Every transaction sent for the block is in it and succeeded, with the logs expected.
    void check_mined_block() {
        const uint64_t number = devnet_.block_number();
        const auto receipts = devnet_.rpc("eth_getBlockReceipts", {quantity(number)});
        std::size_t failed = 0;
        uint64_t logs = 0;
        std::string first_failure;
        for (const auto& receipt : receipts.as_array()) {
            if (parse_quantity(receipt.at("status")) != 1 && failed++ == 0) first_failure = describe(receipt);
            logs += receipt.at("logs").as_array().size();
        }
        const std::size_t mined = receipts.as_array().size();
        if (mined != block_.size() || failed != 0 || logs != expected_logs_)
            throw std::runtime_error(
                fmt::format("populate: block {} holds {} of {} transactions sent, {} reverted{}, {} logs instead of {}",
                            number, mined, block_.size(), failed, first_failure, logs, expected_logs_));
        if (summary_.blocks == 0) summary_.first_block = number;
        summary_.last_block = number;
        ++summary_.blocks;
        summary_.transactions += mined;
    }

    Devnet& devnet_;
    const TestContracts& contracts_;
    const PopulateOptions& options_;
    std::mt19937_64 rng_;
    std::vector<net::HttpClient> clients_;   // the batches; Devnet::rpc for single calls
    std::vector<std::string> address_args_;  // dev accounts as calldata arguments and "from"
    std::vector<uint64_t> nonces_;

    uint64_t first_token_id_ = 0;
    uint64_t next_token_id_ = 0;
    std::vector<uint64_t>
        received_in_;  // by token id - first_token_id_: block index when another sender gave it, else 0
    std::vector<std::vector<uint64_t>> owned_;  // token ids by account
    std::vector<uint64_t> multi_;               // ERC-1155 balances, account-major
    std::vector<uint64_t> spendable_;           // what each may still spend in this block

    uint64_t block_index_ = 0;
    std::vector<PendingTxn> block_;
    std::unordered_map<std::string, std::size_t> hashes_;  // transaction hash -> index in block_
    uint64_t expected_logs_ = 0;
    PopulateSummary summary_;
};

}  // namespace

PopulateSummary populate(Devnet& devnet, const TestContracts& contracts, const PopulateOptions& options) {
    return Generator(devnet, contracts, options).run();
}

}  // namespace tokensync::test_util
