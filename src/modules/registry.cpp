#include "modules/registry.hpp"

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

}  // namespace

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
