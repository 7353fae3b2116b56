#include "cli/global_options.hpp"

#include <exception>

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "infra/config.hpp"
#include "infra/redact.hpp"

namespace tokensync::cli {

void add_global_options(CLI::App& app, GlobalOptions& options) {
    app.set_version_flag("--version", fmt::format("tokensync {}", TOKENSYNC_VERSION));
    app.add_option("-c,--config", options.config_path, "Configuration file")
        ->envname("TOKENSYNC_CONFIG")
        ->capture_default_str();
    app.add_flag("-v,--verbose", options.verbose, "Log debug lines too");
    app.add_option_function<std::string>(
           "--log-format",
           [&options](const std::string& name) {
               options.log_format = infra::log::parse_format(name).value_or(infra::log::Format::kText);
           },
           "Log line format on stderr: text or json (default text)")
        ->check(CLI::IsMember({"text", "json"}));
    app.parse_complete_callback([&options] {
        infra::log::init(infra::log::Options{.format = options.log_format, .verbose = options.verbose});
    });
}

int run_guarded(const std::function<int()>& body) {
    try {
        return body();
    } catch (const infra::ConfigError& e) {
        fmt::print(stderr, "{}\n", e.what());  // already redacted and prefixed
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", infra::redact(e.what()));
    }
    return kExitConfig;
}

}  // namespace tokensync::cli
