#pragma once

#include <initializer_list>
#include <ostream>
#include <string_view>

#include "infra/log_format.hpp"

// Structured logging: one line per event, `event.name key=value ...` in text
// mode or one JSON object per line, always on stderr (stdout is for command
// results). Every line passes through infra::redact, so registered secrets
// and URL keys never reach the output.
//
//   log::info("recovery.completed", {{"recovered", 15}, {"failed", 0}});
namespace tokensync::infra::log {

struct Options {
    Format format = Format::kText;
    bool verbose = false;  // enables debug lines
};

// Replaces the process-wide logger. Before the first call, lines go to
// stderr as text at info level.
void init(const Options& options);
// As init, but lines go to `out` (tests capture them). `out` must outlive
// the logger, i.e. until the next init.
void init(const Options& options, std::ostream& out);

bool enabled(Level level);
void write(Level level, std::string_view event, std::initializer_list<Field> fields);

inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
    write(Level::kDebug, event, fields);
}
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
    write(Level::kInfo, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
    write(Level::kWarn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
    write(Level::kError, event, fields);
}

}  // namespace tokensync::infra::log
