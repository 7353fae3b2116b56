#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::test_util {

// A throwaway PostgreSQL 15 cluster for tests: initdb in a temporary
// directory, the server on a free 127.0.0.1 port with fsync off and its unix
// socket in the same directory. As root the server runs as the `postgres`
// user (initdb refuses root); otherwise as the current user. The destructor
// stops the server and removes everything.
class PostgresCluster {
  public:
    static constexpr const char* kSuperuser = "tokensync";
    static constexpr const char* kPassword = "secret";  // trust auth ignores it; tests check it is never echoed

    PostgresCluster();  // initdb only; call start()
    ~PostgresCluster();
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;

    // Starts the server and waits until it accepts connections; a stopped
    // cluster restarts with its data on the same port. Throws on failure.
    void start();
    // Fast shutdown (clients are disconnected); the data stays.
    void stop();
    bool running();

    uint16_t port() const noexcept { return port_; }
    // postgresql://tokensync:secret@127.0.0.1:PORT/NAME
    std::string url(const std::string& database) const;
    // Creates an empty database and returns its URL; "" picks a fresh name.
    std::string create_database(std::string name = "");
    // Runs one SQL command as the superuser in `database` (psql -c).
    void run_sql(const std::string& database, const std::string& sql) const;

  private:
    std::string server_log() const;

    TempDir dir_;
    std::string user_;  // OS user of the server ("" = this process's)
    uint16_t port_ = 0;
    Process server_;
    int databases_ = 0;
};

}  // namespace tokensync::test_util
