#include "data/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "data/table_writer.hpp"

namespace tokensync::data {
namespace {

// Data reaches the disk before the rename makes it visible, so a crash
// leaves the old file or the new one, never an empty one.
void sync_to_disk(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const int error = errno;
        if (fd >= 0) ::close(fd);
        throw ExportError(fmt::format("cannot sync {}: {}", path.string(), std::strerror(error)));
    }
    ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_{std::move(path)},
      temp_{path_.parent_path() / fmt::format(".{}.{}.tmp", path_.filename().string(), ::getpid())} {
    if (path_.filename().empty()) throw ExportError(fmt::format("output path '{}' names no file", path_.string()));
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_) {
        throw ExportError(fmt::format("cannot create {}: {}", temp_.string(), std::strerror(errno)));
    }
}

AtomicFile::~AtomicFile() {
    if (committed_) return;
    out_.close();
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
}

void AtomicFile::commit() {
    out_.close();
    if (!out_) throw ExportError(fmt::format("cannot write {}", temp_.string()));
    sync_to_disk(temp_);
    std::error_code ec;
    std::filesystem::rename(temp_, path_, ec);
    if (ec) throw ExportError(fmt::format("cannot rename {} to {}: {}", temp_.string(), path_.string(), ec.message()));
    committed_ = true;
}

}  // namespace tokensync::data
