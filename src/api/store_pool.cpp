#include "api/store_pool.hpp"

#include <utility>

namespace tokensync::api {

StoreLease::StoreLease(StorePool& pool, std::unique_ptr<store::Store> store) : pool_(&pool), store_(std::move(store)) {}

StoreLease::StoreLease(StoreLease&& other) noexcept
    : pool_(other.pool_), store_(std::move(other.store_)), discard_(other.discard_) {}

StoreLease::~StoreLease() {
    if (store_) pool_->give_back(std::move(store_), discard_);
}

StorePool::StorePool(std::string url, std::size_t size) : url_(std::move(url)), size_(size == 0 ? 1 : size) {}

StoreLease StorePool::lease() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
        auto store = std::move(idle_.back());
        idle_.pop_back();
        return StoreLease(*this, std::move(store));
    }
    ++open_;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    try {
        return StoreLease(*this, store::open_store(url_));
    } catch (...) {
        lock.lock();
        --open_;
        available_.notify_one();
        throw;
    }
}

void StorePool::give_back(std::unique_ptr<store::Store> store, bool discard) {
    {
        const std::lock_guard lock(mutex_);
        if (discard) {
            --open_;
        } else {
            idle_.push_back(std::move(store));
        }
    }
    available_.notify_one();
}

}  // namespace tokensync::api
