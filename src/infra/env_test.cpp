#include "infra/env.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

#include <gtest/gtest.h>

#include "test_util/temp_dir.hpp"

namespace tokensync::infra {
namespace {

EnvLookup map_lookup(std::map<std::string, std::string> values) {
    return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        if (auto it = values.find(std::string(name)); it != values.end()) return it->second;
        return std::nullopt;
    };
}

const EnvLookup test_env = map_lookup({{"HOST", "db.local"}, {"EMPTY", ""}, {"PORT", "5432"}});

TEST(ExpandVariables, PlainTextUnchanged) {
    EXPECT_EQ(expand_variables("", test_env).value(), "");
    EXPECT_EQ(expand_variables("no variables", test_env).value(), "no variables");
    EXPECT_EQ(expand_variables("pa$$word$", test_env).value(), "pa$$word$");
}

TEST(ExpandVariables, SubstitutesValues) {
    EXPECT_EQ(expand_variables("${HOST}", test_env).value(), "db.local");
    EXPECT_EQ(expand_variables("postgresql://${HOST}:${PORT}/x", test_env).value(), "postgresql://db.local:5432/x");
    EXPECT_EQ(expand_variables("[${EMPTY}]", test_env).value(), "[]");
}

TEST(ExpandVariables, Defaults) {
    EXPECT_EQ(expand_variables("${HOST:-other}", test_env).value(), "db.local");
    EXPECT_EQ(expand_variables("${MISSING:-fallback value}", test_env).value(), "fallback value");
    EXPECT_EQ(expand_variables("${EMPTY:-used when empty}", test_env).value(), "used when empty");
    EXPECT_EQ(expand_variables("${MISSING:-}", test_env).value(), "");
}

TEST(ExpandVariables, EscapedDollarBrace) { EXPECT_EQ(expand_variables("$${HOST}", test_env).value(), "${HOST}"); }

TEST(ExpandVariables, UnsetVariableNamesIt) {
    const auto result = expand_variables("x${ALCHEMY_KEY}y", test_env);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().cause, ExpandErrorCause::kUnsetVariable);
    EXPECT_EQ(result.error().variable, "ALCHEMY_KEY");
    EXPECT_EQ(describe(result.error()),
              "environment variable ALCHEMY_KEY is not set (give a default with ${ALCHEMY_KEY:-value})");
    EXPECT_EQ(to_string(ExpandErrorCause::kUnsetVariable), "variable is not set");
}

TEST(ExpandVariables, Unterminated) {
    const auto result = expand_variables("${HOST", test_env);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().cause, ExpandErrorCause::kUnterminated);
    EXPECT_EQ(describe(result.error()), "unterminated \"${HOST\" (missing '}')");
    EXPECT_EQ(to_string(ExpandErrorCause::kUnterminated), "unterminated ${");
}

TEST(ExpandVariables, BadNames) {
    for (const char* text : {"${}", "${1X}", "${A-B}", "${:-x}"}) {
        const auto result = expand_variables(text, test_env);
        ASSERT_FALSE(result) << text;
        EXPECT_EQ(result.error().cause, ExpandErrorCause::kBadName) << text;
    }
    EXPECT_EQ(describe(expand_variables("${A-B}", test_env).error()), "\"${A-B}\" is not a valid variable name");
    EXPECT_EQ(to_string(ExpandErrorCause::kBadName), "bad variable name");
}

TEST(ParseDotenv, Forms) {
    const auto result = parse_dotenv(
        "# a comment\n"
        "\n"
        "PLAIN=value\n"
        "  SPACED = padded value  \n"
        "export EXPORTED=yes\n"
        "SINGLE='literal $x \\n # not a comment'\n"
        "DOUBLE=\"line\\nnext \\\"q\\\" \\\\\"  # comment\n"
        "INLINE=abc # trailing comment\n"
        "HASH=a#b\n"
        "EMPTY=\n"
        "WITH_EQ=a=b\r\n"
        "PLAIN=overridden\n");
    ASSERT_TRUE(result) << to_string(result.error().cause);
    const auto& v = *result;
    EXPECT_EQ(v.at("PLAIN"), "overridden");
    EXPECT_EQ(v.at("SPACED"), "padded value");
    EXPECT_EQ(v.at("EXPORTED"), "yes");
    EXPECT_EQ(v.at("SINGLE"), "literal $x \\n # not a comment");
    EXPECT_EQ(v.at("DOUBLE"), "line\nnext \"q\" \\");
    EXPECT_EQ(v.at("INLINE"), "abc");
    EXPECT_EQ(v.at("HASH"), "a#b");
    EXPECT_EQ(v.at("EMPTY"), "");
    EXPECT_EQ(v.at("WITH_EQ"), "a=b");
    EXPECT_EQ(v.size(), 9U);
}

TEST(ParseDotenv, Errors) {
    struct Case {
        const char* text;
        DotenvErrorCause cause;
        std::size_t line;
    };
    const Case cases[] = {
        {"A=1\nJUSTTEXT\n", DotenvErrorCause::kMissingEquals, 2},
        {"1BAD=x", DotenvErrorCause::kBadKey, 1},
        {"\n\nA-B=x", DotenvErrorCause::kBadKey, 3},
        {"=x", DotenvErrorCause::kBadKey, 1},
        {"A=\"open", DotenvErrorCause::kUnterminatedQuote, 1},
        {"A='open", DotenvErrorCause::kUnterminatedQuote, 1},
        {"A=\"x\" y", DotenvErrorCause::kTrailingText, 1},
    };
    for (const auto& c : cases) {
        const auto result = parse_dotenv(c.text);
        ASSERT_FALSE(result) << c.text;
        EXPECT_EQ(result.error().cause, c.cause) << c.text;
        EXPECT_EQ(result.error().line, c.line) << c.text;
    }
    EXPECT_EQ(to_string(DotenvErrorCause::kMissingEquals), "expected KEY=VALUE");
    EXPECT_EQ(to_string(DotenvErrorCause::kUnterminatedQuote), "unterminated quote");
    EXPECT_EQ(to_string(DotenvErrorCause::kTrailingText), "unexpected text after the closing quote");
    EXPECT_EQ(to_string(DotenvErrorCause::kBadKey), "KEY must be letters, digits and '_', not starting with a digit");
}

TEST(Environment, ProcessWinsOverDotenvAndFirstFileWins) {
    Environment env(map_lookup({{"SHARED", "from-process"}}));
    env.add_dotenv({{"SHARED", "from-file-1"}, {"ONLY_FILE", "file-1"}});
    env.add_dotenv({{"ONLY_FILE", "file-2"}, {"SECOND", "file-2"}});
    EXPECT_EQ(env.get("SHARED"), "from-process");
    EXPECT_EQ(env.get("ONLY_FILE"), "file-1");
    EXPECT_EQ(env.get("SECOND"), "file-2");
    EXPECT_EQ(env.get("NOWHERE"), std::nullopt);
    EXPECT_EQ(env.lookup()("SECOND"), "file-2");
}

TEST(Environment, ProcessLookupReadsRealEnvironment) {
    ::setenv("TOKENSYNC_ENV_TEST_VAR", "real", 1);
    EXPECT_EQ(Environment::process_lookup()("TOKENSYNC_ENV_TEST_VAR"), "real");
    ::unsetenv("TOKENSYNC_ENV_TEST_VAR");
    EXPECT_EQ(Environment::process_lookup()("TOKENSYNC_ENV_TEST_VAR"), std::nullopt);
}

TEST(LoadDotenvFile, MissingFileIsFineBadFileThrows) {
    test_util::TempDir dir;
    Environment env(map_lookup({}));
    load_dotenv_file(env, dir / ".env");
    EXPECT_EQ(env.get("X"), std::nullopt);
    std::ofstream(dir / ".env") << "X=1\nbroken line\n";
    try {
        load_dotenv_file(env, dir / ".env");
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), (dir / ".env").string() + ":2: expected KEY=VALUE");
    }
    std::ofstream(dir / ".env") << "X=1\n";
    load_dotenv_file(env, dir / ".env");
    EXPECT_EQ(env.get("X"), "1");
}

}  // namespace
}  // namespace tokensync::infra
