#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace tokensync::api {

class StorePool;

// A connection borrowed from a StorePool; returned when destroyed.
class StoreLease {
  public:
    StoreLease(StorePool& pool, std::unique_ptr<store::Store> store);
    ~StoreLease();
    StoreLease(StoreLease&& other) noexcept;
    StoreLease& operator=(StoreLease&&) = delete;
    StoreLease(const StoreLease&) = delete;
    StoreLease& operator=(const StoreLease&) = delete;

    store::Store& operator*() const { return *store_; }
    store::Store* operator->() const { return store_.get(); }
    // The connection failed: do not give it back to the pool (a new one is
    // opened on the next lease).
    void discard() noexcept { discard_ = true; }

  private:
    StorePool* pool_;
    std::unique_ptr<store::Store> store_;
    bool discard_ = false;
};

// Up to `size` database connections shared by the HTTP server's threads.
// Connections are opened on demand (so the server starts while the database
// is down) and a lease blocks while all are in use. lease() throws
// store::StoreError when a new connection cannot be opened.
class StorePool {
  public:
    StorePool(std::string url, std::size_t size);
    StoreLease lease();

  private:
    friend class StoreLease;
    void give_back(std::unique_ptr<store::Store> store, bool discard);

    std::string url_;
    std::size_t size_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<store::Store>> idle_;
    std::size_t open_ = 0;  // leased + idle
};

}  // namespace tokensync::api
