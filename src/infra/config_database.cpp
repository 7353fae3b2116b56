#include <fmt/format.h>

#include "infra/config_sections.hpp"
#include "infra/redact.hpp"

namespace tokensync::infra {

void parse_database_section(const ConfigNode& node, Config& config) {
    std::string url = node.as_nonempty_string();
    const bool known = url.starts_with("sqlite://") || url == "sqlite::memory:" || url.starts_with("postgresql://") ||
                       url.starts_with("postgres://");
    if (!known) {
        node.fail(fmt::format("\"{}\" is not a sqlite:// or postgresql:// URL", redact_url(url)));
    }
    config.database = std::move(url);
}

}  // namespace tokensync::infra
