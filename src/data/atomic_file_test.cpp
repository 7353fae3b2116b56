// An export file appears whole on commit and never half-written.
#include "data/atomic_file.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "data/table_writer.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::data {
namespace {

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t entries(const std::filesystem::path& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir))
        ++n;
    return n;
}

TEST(AtomicFile, CommitReplacesTheFile) {
    test_util::TempDir dir;
    const auto path = dir / "out.csv";
    std::ofstream(path) << "old";
    {
        AtomicFile f(path);
        f.stream() << "new text";
        EXPECT_EQ(read(path), "old");  // not visible before commit
        f.commit();
    }
    EXPECT_EQ(read(path), "new text");
    EXPECT_EQ(entries(dir.path()), 1u);  // no temporary file left
}

TEST(AtomicFile, UncommittedLeavesNothing) {
    test_util::TempDir dir;
    {
        AtomicFile f(dir / "out.csv");
        f.stream() << "half";
    }
    EXPECT_EQ(entries(dir.path()), 0u);
}

TEST(AtomicFile, MissingFolderIsAnExportError) {
    test_util::TempDir dir;
    EXPECT_THROW(AtomicFile(dir / "no" / "such" / "out.csv"), ExportError);
}

}  // namespace
}  // namespace tokensync::data
