#pragma once

#include <filesystem>
#include <string>

namespace tokensync::test_util {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents by the
// destructor. Mode 0755 so a fixture may hand it to another user (postgres).
class TempDir {
  public:
    explicit TempDir(const std::string& prefix = "tokensync");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

}  // namespace tokensync::test_util
