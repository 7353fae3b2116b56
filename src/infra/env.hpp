#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokensync::infra {

// ---- ${VAR} expansion -------------------------------------------------------

enum class ExpandErrorCause {
    kUnsetVariable,  // ${VAR} with VAR unset and no :- default
    kUnterminated,   // "${" without a closing "}"
    kBadName,        // ${} or a name outside [A-Za-z_][A-Za-z0-9_]*
};

struct ExpandError {
    ExpandErrorCause cause;
    std::string variable;  // the name (or the bad text) involved
};

std::string_view to_string(ExpandErrorCause cause) noexcept;
// A full sentence naming the variable, for configuration errors.
std::string describe(const ExpandError& error);

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Replaces ${VAR} with the variable's value and ${VAR:-default} with the value
// or, when unset or empty, the default. "$${" stays a literal "${"; any other
// '$' is left alone so passwords containing '$' survive.
std::expected<std::string, ExpandError> expand_variables(std::string_view text, const EnvLookup& lookup);

// ---- .env files -------------------------------------------------------------

enum class DotenvErrorCause {
    kMissingEquals,      // a line that is neither a comment nor KEY=VALUE
    kBadKey,             // KEY is not [A-Za-z_][A-Za-z0-9_]*
    kUnterminatedQuote,  // a quoted value with no closing quote on the line
    kTrailingText,       // text after a closing quote that is not a comment
};

struct DotenvError {
    DotenvErrorCause cause;
    std::size_t line;  // 1-based
};

std::string_view to_string(DotenvErrorCause cause) noexcept;

// KEY=VALUE lines; blank lines and '#' comments; an optional "export "
// prefix; 'single quotes' are literal, "double quotes" understand \n \t \"
// and \\; unquoted values end at " #" and are trimmed. Later lines win.
std::expected<std::map<std::string, std::string>, DotenvError> parse_dotenv(std::string_view text);

// ---- the environment seen by the configuration -------------------------------

// The process environment first, then .env files in the order added (the
// first file that defines a name wins).
class Environment {
  public:
    // `process` reads the real environment; tests inject their own.
    explicit Environment(EnvLookup process = process_lookup());

    void add_dotenv(std::map<std::string, std::string> values);
    std::optional<std::string> get(std::string_view name) const;
    EnvLookup lookup() const;

    static EnvLookup process_lookup();

  private:
    EnvLookup process_;
    std::vector<std::map<std::string, std::string>> dotenv_;
};

// Reads a .env file into the environment when it exists; throws
// std::runtime_error naming the file and line when it is malformed.
void load_dotenv_file(Environment& env, const std::filesystem::path& file);

}  // namespace tokensync::infra
