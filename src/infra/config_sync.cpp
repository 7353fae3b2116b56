#include "infra/config_sections.hpp"

namespace tokensync::infra {
namespace {

std::uint64_t positive(const ConfigNode& node) {
    const std::uint64_t value = node.as_uint();
    if (value == 0) node.fail("must be greater than 0");
    return value;
}

}  // namespace

void parse_sync_section(const ConfigNode& node, Config& config) {
    const ConfigMap map = node.as_map({"workers", "checkpoint_every", "batch_logs", "max_span", "lease_retry_ms"});
    SyncConfig& sync = config.sync;
    if (auto v = map.optional("workers")) {
        sync.workers = positive(*v);
        if (sync.workers > 64) v->fail("must be at most 64");
    }
    if (auto v = map.optional("checkpoint_every")) sync.checkpoint_every = positive(*v);
    if (auto v = map.optional("batch_logs")) sync.batch_logs = positive(*v);
    if (auto v = map.optional("max_span")) sync.max_span = positive(*v);
    if (auto v = map.optional("lease_retry_ms")) {
        sync.lease_retry_ms = positive(*v);
        if (sync.lease_retry_ms > 60'000) v->fail("must be at most 60000 (a standby would take over too late)");
    }
}

}  // namespace tokensync::infra
