#pragma once

#include <string>

// One writing process per SQLite file. SQLite itself would let a second
// process in, serialising each transaction, so two followers of one file
// would both ingest (PostgreSQL instead splits the work: docs/service.md,
// "Running two instances"). Commands that write hold this lock for their
// whole life; readers (export, audit without --fix) do not take it.
namespace tokensync::store {

class WriterLock {
  public:
    // For a SQLite file URL: an exclusive flock on "<file>.lock", holding
    // this process's pid. Throws StoreError naming the file and the holder's
    // pid when another process has it. PostgreSQL and ":memory:" take nothing.
    explicit WriterLock(const std::string& database_url);
    ~WriterLock();
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace tokensync::store
