#include "infra/log.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "infra/redact.hpp"

namespace tokensync::infra::log {
namespace {

struct State {
    std::shared_ptr<spdlog::logger> logger;
    Format format = Format::kText;
};

std::mutex g_mutex;
State g_state;  // guarded by g_mutex; replaced whole by init()

spdlog::level::level_enum to_spdlog(Level level) noexcept {
    switch (level) {
        case Level::kDebug:
            return spdlog::level::debug;
        case Level::kInfo:
            return spdlog::level::info;
        case Level::kWarn:
            return spdlog::level::warn;
        case Level::kError:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

void install(const Options& options, spdlog::sink_ptr sink) {
    // We format the whole line ourselves (timestamp included, so JSON lines
    // can carry it as a field); spdlog only filters, locks and writes.
    sink->set_pattern("%v");
    auto logger = std::make_shared<spdlog::logger>("tokensync", std::move(sink));
    logger->set_level(options.verbose ? spdlog::level::debug : spdlog::level::info);
    logger->flush_on(spdlog::level::trace);
    const std::lock_guard lock(g_mutex);
    g_state = State{std::move(logger), options.format};
}

State current() {
    const std::lock_guard lock(g_mutex);
    if (!g_state.logger) {
        auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        sink->set_pattern("%v");
        g_state.logger = std::make_shared<spdlog::logger>("tokensync", std::move(sink));
        g_state.logger->set_level(spdlog::level::info);
    }
    return g_state;
}

}  // namespace

void init(const Options& options) { install(options, std::make_shared<spdlog::sinks::stderr_sink_mt>()); }

void init(const Options& options, std::ostream& out) {
    install(options, std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true));
}

bool enabled(Level level) { return current().logger->should_log(to_spdlog(level)); }

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
    const State state = current();
    if (!state.logger->should_log(to_spdlog(level))) return;
    // Redact values one by one before quoting, so a secret is found even when
    // escaping would have changed how it is spelt in the line.
    std::vector<Field> clean(fields);
    for (auto& field : clean) {
        if (auto* text = std::get_if<std::string>(&field.value)) *text = redact(*text);
    }
    const std::string line = redact(
        format_line(state.format, format_timestamp(std::chrono::system_clock::now()), level, redact(event), clean));
    state.logger->log(to_spdlog(level), "{}", line);
}

}  // namespace tokensync::infra::log
