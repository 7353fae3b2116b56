#pragma once

#include <memory>
#include <span>
#include <vector>

#include "infra/config.hpp"
#include "modules/module.hpp"

namespace tokensync::modules {

// The events a built-in module handles, in the standard form (ERC-721
// Transfer, ERC-1155 TransferSingle/TransferBatch, BatchMinted). A contract
// whose config names no ABI is decoded with these. Empty for `events`.
std::vector<core::abi::Event> standard_events(infra::Module kind);

// The contract's configured events plus the standard events of its modules
// that the configuration does not already give (same topic0 and indexed
// count).
std::vector<core::abi::Event> decoder_events(const infra::ContractConfig& contract);

// The built-in module for a `modules:` entry of the config.
std::unique_ptr<Module> make_module(infra::Module kind);

// The modules of one contract, run as one: every module sees the log, and
// if any fails nothing of the log reaches `out`.
class ModuleSet {
  public:
    explicit ModuleSet(std::span<const infra::Module> kinds);

    std::expected<void, ModuleError> handle(const DecodedLog& log, const View& view, store::ChangeSet& out) const;
    std::size_t size() const noexcept { return modules_.size(); }

  private:
    std::vector<std::unique_ptr<Module>> modules_;
};

}  // namespace tokensync::modules
