#include "infra/log.hpp"

#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "infra/redact.hpp"

namespace tokensync::infra::log {
namespace {

class LogTest : public ::testing::Test {
  protected:
    void TearDown() override {
        init(Options{});  // back to stderr before out_ dies
        SecretRegistry::global().clear();
    }
    std::ostringstream out_;
};

TEST_F(LogTest, TextLineWithTimestampAndLevel) {
    init(Options{.format = Format::kText, .verbose = false}, out_);
    info("recovery.completed", {{"recovered", 15}, {"failed", 0}, {"note", "two words"}});
    const std::regex expected(
        R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  recovery\.completed recovered=15 failed=0 note="two words"\n)");
    EXPECT_TRUE(std::regex_match(out_.str(), expected)) << out_.str();
}

TEST_F(LogTest, JsonLine) {
    init(Options{.format = Format::kJson, .verbose = false}, out_);
    warn("rpc.retry", {{"attempt", 2}});
    const std::regex expected(R"(\{"ts":"[0-9T:.\-]+Z","level":"warn","event":"rpc\.retry","attempt":2\}\n)");
    EXPECT_TRUE(std::regex_match(out_.str(), expected)) << out_.str();
}

TEST_F(LogTest, DebugOnlyWhenVerbose) {
    init(Options{.format = Format::kText, .verbose = false}, out_);
    debug("hidden");
    EXPECT_FALSE(enabled(Level::kDebug));
    EXPECT_TRUE(enabled(Level::kInfo));
    EXPECT_EQ(out_.str(), "");
    init(Options{.format = Format::kText, .verbose = true}, out_);
    debug("shown");
    error("also");
    EXPECT_TRUE(enabled(Level::kDebug));
    EXPECT_NE(out_.str().find(" debug shown\n"), std::string::npos) << out_.str();
    EXPECT_NE(out_.str().find(" error also\n"), std::string::npos) << out_.str();
}

TEST_F(LogTest, SecretsNeverReachTheLine) {
    SecretRegistry::global().add("pa\"ss\"word99");
    init(Options{.format = Format::kJson, .verbose = false}, out_);
    info("db.connect", {{"url", "postgresql://u:pa\"ss\"word99@h/x"},
                        {"rpc", "https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161"},
                        {"msg", "auth failed for pa\"ss\"word99"}});
    const std::string line = out_.str();
    EXPECT_EQ(line.find("word99"), std::string::npos) << line;
    EXPECT_EQ(line.find("9aa3d95b3bc440fa88ea12eaa4456161"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("url":"postgresql://u:***@h/x")"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("msg":"auth failed for ***")"), std::string::npos) << line;
}

}  // namespace
}  // namespace tokensync::infra::log
