#include "test_util/postgres.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tokensync::test_util {
namespace {

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";
constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kStopTimeout = std::chrono::seconds(30);

std::string tool(const char* name) { return fmt::format("{}/{}", kBinDir, name); }

// A directory the server's user owns, mode 0700 as PostgreSQL requires.
void make_owned_dir(const std::filesystem::path& path, const std::string& user) {
    std::filesystem::create_directory(path);
    ::chmod(path.c_str(), 0700);
    if (user.empty()) return;
    passwd* pw = ::getpwnam(user.c_str());
    if (pw == nullptr) throw std::runtime_error("PostgresCluster: no user " + user);
    if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("PostgresCluster: cannot chown " + path.string());
    }
}

}  // namespace

PostgresCluster::PostgresCluster() : dir_("tokensync-pg"), user_{::geteuid() == 0 ? "postgres" : ""} {
    make_owned_dir(dir_ / "data", user_);
    make_owned_dir(dir_ / "socket", user_);
    CommandResult init = run_command({tool("initdb"), "-D", (dir_ / "data").string(), "-U", kSuperuser, "-A", "trust",
                                      "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                                     user_);
    if (init.status != 0) throw std::runtime_error("initdb failed:\n" + init.output);
}

PostgresCluster::~PostgresCluster() { stop(); }

std::string PostgresCluster::server_log() const {
    std::ifstream in(dir_ / "server.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void PostgresCluster::start() {
    if (running()) return;
    if (port_ == 0) port_ = free_port();
    server_ = Process({.argv = {tool("postgres"), "-D", (dir_ / "data").string(), "-p", std::to_string(port_), "-c",
                                "listen_addresses=127.0.0.1", "-c",
                                "unix_socket_directories=" + (dir_ / "socket").string(), "-c", "fsync=off", "-c",
                                "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50"},
                       .stdout_path = (dir_ / "server.log").string(),
                       .stderr_path = "",
                       .run_as_user = user_,
                       .env = {}});
    auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!server_.running()) throw std::runtime_error("PostgreSQL exited at start:\n" + server_log());
        CommandResult ready =
            run_command({tool("pg_isready"), "-q", "-h", "127.0.0.1", "-p", std::to_string(port_), "-d", "postgres"});
        if (ready.status == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    server_.stop();
    throw std::runtime_error("PostgreSQL did not accept connections in time:\n" + server_log());
}

void PostgresCluster::stop() {
    if (!server_.running()) return;
    // SIGINT to the postmaster alone is PostgreSQL's fast shutdown: it ends
    // the sessions and checkpoints, unlike SIGTERM, which waits for clients.
    ::kill(server_.pid(), SIGINT);
    auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    while (server_.running() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    server_.stop();
}

bool PostgresCluster::running() { return server_.running(); }

std::string PostgresCluster::url(const std::string& database) const {
    return fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}", kSuperuser, kPassword, port_, database);
}

std::string PostgresCluster::create_database(std::string name) {
    if (name.empty()) name = fmt::format("test_{}", ++databases_);
    // FILE_COPY copies the small template directly; PostgreSQL 15's default
    // (WAL_LOG) writes it through the WAL and is slower for per-test databases.
    run_sql("postgres", fmt::format("CREATE DATABASE \"{}\" STRATEGY = FILE_COPY", name));
    return url(name);
}

void PostgresCluster::run_sql(const std::string& database, const std::string& sql) const {
    CommandResult r = run_command({tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                                   std::to_string(port_), "-U", kSuperuser, "-d", database, "-c", sql});
    if (r.status != 0) throw std::runtime_error(fmt::format("psql -c '{}' failed:\n{}", sql, r.output));
}

}  // namespace tokensync::test_util
