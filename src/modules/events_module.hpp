#pragma once

#include <string_view>

#include "modules/module.hpp"

namespace tokensync::modules {

// The catch-all: every decoded event of the contract becomes one row of the
// generic events table, its arguments as a JSON object keyed by parameter
// name (core::abi::to_json), for contracts no other module understands.
class EventsModule final : public Module {
  public:
    std::string_view name() const noexcept override { return "events"; }
    std::expected<void, ModuleError> handle(const DecodedLog& log, const View& view,
                                            store::ChangeSet& out) const override;
};

}  // namespace tokensync::modules
