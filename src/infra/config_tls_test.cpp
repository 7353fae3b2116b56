// chains[].tls_ca_file: resolved against the config file's folder and
// checked when the configuration is loaded.
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "infra/config.hpp"
#include "infra/config_loader.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::infra {
namespace {

class ConfigTlsTest : public ::testing::Test {
  protected:
    Config parse(const std::string& ca_line) {
        const Environment env([](std::string_view) -> std::optional<std::string> { return std::nullopt; });
        return parse_config(
            "chains:\n  - name: private\n    chain_id: 1\n    rpc: https://node.internal:8545/v2/KEY\n" + ca_line, env,
            dir_.path());
    }
    std::string error_of(const std::string& ca_line) {
        try {
            parse(ca_line);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "(no error)";
    }
    void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

    test_util::TempDir dir_;
};

TEST_F(ConfigTlsTest, AbsentMeansTheSystemStoreOnly) { EXPECT_EQ(parse("").chains.at(0).tls_ca_file, std::nullopt); }

TEST_F(ConfigTlsTest, RelativePathResolvesAgainstTheConfigFolder) {
    write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const auto config = parse("    tls_ca_file: ./ca.pem\n");
    EXPECT_EQ(config.chains.at(0).tls_ca_file, (dir_.path() / "ca.pem").lexically_normal());
    EXPECT_EQ(parse("    tls_ca_file: " + (dir_ / "ca.pem").string() + "\n").chains.at(0).tls_ca_file, dir_ / "ca.pem");
}

TEST_F(ConfigTlsTest, UnreadableOrNotPemIsAnError) {
    const auto missing = (dir_ / "missing.pem").string();
    EXPECT_EQ(
        error_of("    tls_ca_file: missing.pem\n"),
        "config error: chains[0].tls_ca_file: cannot read the CA file \"" + missing + "\": No such file or directory");
    EXPECT_EQ(error_of("    tls_ca_file: .\n"), "config error: chains[0].tls_ca_file: cannot read the CA file \"" +
                                                    dir_.path().string() + "/\": not a regular file");
    write("key.pem", "-----BEGIN PRIVATE KEY-----\n");
    EXPECT_EQ(error_of("    tls_ca_file: key.pem\n"), "config error: chains[0].tls_ca_file: \"" +
                                                          (dir_ / "key.pem").string() +
                                                          "\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    EXPECT_EQ(error_of("    tls_ca_file: \"\"\n").find("config error: chains[0].tls_ca_file: "), 0u);
}

}  // namespace
}  // namespace tokensync::infra
