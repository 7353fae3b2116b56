#include "store/writer_lock.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include "store/database_url.hpp"
#include "store/store.hpp"

namespace tokensync::store {
namespace {

// The pid the holder wrote, or "" when unreadable.
std::string holder_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0) return "";
    std::string pid(buf, static_cast<std::size_t>(n));
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
        pid.pop_back();
    return pid;
}

}  // namespace

WriterLock::WriterLock(const std::string& database_url) {
    const auto url = parse_database_url(database_url);
    if (!url || url->kind != DatabaseUrl::Kind::kSqlite || url->path == ":memory:") return;
    const std::string path = url->path + ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw StoreError(fmt::format("cannot open the writer lock {}: {}", path, std::strerror(errno)));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const std::string pid = holder_pid(fd);
        ::close(fd);
        if (err == EWOULDBLOCK) {
            throw StoreError(fmt::format(
                "the SQLite database {} is in use by another tokensync process{} that writes to it (lock file {}); "
                "stop that process first, or use PostgreSQL to run two instances (read-only commands such as export "
                "keep working)",
                url->path, pid.empty() ? "" : " (pid " + pid + ")", path));
        }
        throw StoreError(fmt::format("cannot lock {}: {}", path, std::strerror(err)));
    }
    const std::string pid = fmt::format("{}\n", ::getpid());
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The lock holds without the pid; a refused process just cannot name us.
    }
    fd_ = fd;
}

WriterLock::~WriterLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace tokensync::store
