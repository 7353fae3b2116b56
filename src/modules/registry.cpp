#include "modules/registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/abi/parse.hpp"
#include "modules/erc1155.hpp"
#include "modules/erc721.hpp"
#include "modules/events_module.hpp"
#include "modules/token_registry.hpp"

namespace tokensync::modules {
namespace {

// The sizes of a ChangeSet's row lists, to cut it back to after a failure.
struct Mark {
    explicit Mark(const store::ChangeSet& c)
        : blocks{c.blocks.size()},
          raw_events{c.raw_events.size()},
          authors{c.authors.size()},
          tokens{c.tokens.size()},
          mint_events{c.mint_events.size()},
          transfers{c.transfers.size()},
          events{c.events.size()},
          cursors{c.cursors.size()} {}

    void restore(store::ChangeSet& c) const {
        c.blocks.resize(blocks);
        c.raw_events.resize(raw_events);
        c.authors.resize(authors);
        c.tokens.resize(tokens);
        c.mint_events.resize(mint_events);
        c.transfers.resize(transfers);
        c.events.resize(events);
        c.cursors.resize(cursors);
    }

    std::size_t blocks, raw_events, authors, tokens, mint_events, transfers, events, cursors;
};

core::abi::Event parsed(std::string_view signature) {
    auto event = core::abi::parse_event(signature);
    // The signatures below are constants checked by the tests.
    if (!event) throw std::logic_error(std::string(signature));
    return *event;
}

}  // namespace

std::vector<core::abi::Event> standard_events(infra::Module kind) {
    switch (kind) {
        case infra::Module::kTokenRegistry:
            return {
                parsed("BatchMinted(address indexed minter, address indexed promptAuthor, "
                       "uint256 indexed startTokenId, uint256 quantity)")};
        case infra::Module::kErc721:
            return {parsed("Transfer(address indexed from, address indexed to, uint256 indexed tokenId)")};
        case infra::Module::kErc1155:
            return {parsed("TransferSingle(address indexed operator, address indexed from, address indexed to, "
                           "uint256 id, uint256 value)"),
                    parsed("TransferBatch(address indexed operator, address indexed from, address indexed to, "
                           "uint256[] ids, uint256[] values)")};
        case infra::Module::kEvents:
            return {};
    }
    return {};
}

std::vector<core::abi::Event> decoder_events(const infra::ContractConfig& contract) {
    std::vector<core::abi::Event> events = contract.abi_events;
    for (infra::Module kind : contract.modules) {
        for (core::abi::Event& e : standard_events(kind)) {
            const bool known = std::ranges::any_of(events, [&](const core::abi::Event& have) {
                return !have.anonymous && have.topic0() == e.topic0() && have.indexed_count() == e.indexed_count();
            });
            if (!known) events.push_back(std::move(e));
        }
    }
    return events;
}

std::unique_ptr<Module> make_module(infra::Module kind) {
    switch (kind) {
        case infra::Module::kTokenRegistry:
            return std::make_unique<TokenRegistry>();
        case infra::Module::kErc721:
            return std::make_unique<Erc721>();
        case infra::Module::kErc1155:
            return std::make_unique<Erc1155>();
        case infra::Module::kEvents:
            return std::make_unique<EventsModule>();
    }
    return nullptr;
}

ModuleSet::ModuleSet(std::span<const infra::Module> kinds) {
    for (infra::Module kind : kinds) {
        if (auto m = make_module(kind)) modules_.push_back(std::move(m));
    }
}

std::expected<void, ModuleError> ModuleSet::handle(const DecodedLog& log, const View& view,
                                                   store::ChangeSet& out) const {
    const Mark mark(out);
    for (const auto& m : modules_) {
        if (auto r = m->handle(log, view, out); !r) {
            mark.restore(out);
            return r;
        }
    }
    return {};
}

}  // namespace tokensync::modules
