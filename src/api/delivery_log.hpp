#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "api/store_pool.hpp"

namespace tokensync::api {

// The ids of the webhook deliveries seen lately, to answer a retried
// delivery "duplicate". Kept in memory (the oldest forgotten past
// `capacity`) and saved to the store's system_state by a background thread
// at most every `flush_every` (never on the request thread), the newest
// `persisted` of them, so a restart still recognises recent ids. A save that
// fails (database down) is retried at the next tick; the ids stay in memory.
class DeliveryLog {
  public:
    static constexpr std::string_view kStateKey = "webhooks/alchemy/recent_ids";

    DeliveryLog(StorePool* stores, std::size_t capacity, std::size_t persisted = 10'000,
                std::chrono::milliseconds flush_every = std::chrono::milliseconds(500));
    ~DeliveryLog();  // saves what is pending, then stops the thread
    DeliveryLog(const DeliveryLog&) = delete;
    DeliveryLog& operator=(const DeliveryLog&) = delete;

    // Reads the saved ids (at start-up; a database error is logged, not thrown).
    void load();
    // True when `id` was not seen before (it is remembered now).
    bool remember(std::string_view id);
    // Saves now if anything changed; false when the store failed.
    bool flush();
    std::size_t size() const;

  private:
    void run();

    StorePool* stores_;
    std::size_t capacity_;
    std::size_t persisted_;
    std::chrono::milliseconds flush_every_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::unordered_set<std::string> ids_;
    std::deque<std::string> order_;  // oldest first
    bool dirty_ = false;
    bool stopping_ = false;
    std::mutex flush_mutex_;  // one save at a time
    std::thread thread_;
};

}  // namespace tokensync::api
