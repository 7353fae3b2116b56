#pragma once

#include <filesystem>
#include <fstream>

namespace tokensync::data {

// A file written whole or not at all: the text goes to a temporary file
// beside `path`, and commit() flushes it to disk and renames it over `path`.
// Destroying an uncommitted AtomicFile removes the temporary file, so a
// failed export never leaves a half-written file (nor touches an old one).
class AtomicFile {
  public:
    explicit AtomicFile(std::filesystem::path path);  // throws ExportError
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& stream() noexcept { return out_; }
    void commit();  // throws ExportError

  private:
    std::filesystem::path path_;
    std::filesystem::path temp_;
    std::ofstream out_;
    bool committed_ = false;
};

}  // namespace tokensync::data
