#include "api/delivery_log.hpp"

#include <vector>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "infra/log.hpp"
#include "infra/redact.hpp"

namespace tokensync::api {

DeliveryLog::DeliveryLog(StorePool* stores, std::size_t capacity, std::size_t persisted,
                         std::chrono::milliseconds flush_every)
    : stores_(stores),
      capacity_(capacity == 0 ? 1 : capacity),
      persisted_(std::min(persisted, capacity_)),
      flush_every_(flush_every) {
    // Sized up front, so no request waits on a rehash of a large set.
    ids_.reserve(std::min<std::size_t>(capacity_, 1'000'000));
    if (stores_ != nullptr) thread_ = std::thread([this] { run(); });
}

DeliveryLog::~DeliveryLog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (stores_ != nullptr) flush();
}

void DeliveryLog::load() {
    if (stores_ == nullptr) return;
    std::optional<std::string> saved;
    try {
        auto lease = stores_->lease();
        saved = lease->get_state(kStateKey);
    } catch (const std::exception& e) {
        infra::log::warn("webhook.ids_not_loaded", {{"error", infra::redact(e.what())}});
        return;
    }
    if (!saved) return;
    boost::system::error_code ec;
    const auto value = boost::json::parse(*saved, ec);
    if (ec || !value.is_array()) return;
    std::lock_guard lock(mutex_);
    for (const auto& id : value.as_array()) {
        if (!id.is_string()) continue;
        std::string text(id.as_string());
        if (ids_.insert(text).second) order_.push_back(std::move(text));
    }
    while (order_.size() > capacity_) {
        ids_.erase(order_.front());
        order_.pop_front();
    }
}

bool DeliveryLog::remember(std::string_view id) {
    std::lock_guard lock(mutex_);
    std::string text(id);
    if (!ids_.insert(text).second) return false;
    order_.push_back(std::move(text));
    if (order_.size() > capacity_) {
        ids_.erase(order_.front());
        order_.pop_front();
    }
    dirty_ = true;
    return true;
}

std::size_t DeliveryLog::size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
}

bool DeliveryLog::flush() {
    std::lock_guard flushing(flush_mutex_);
    boost::json::array newest;
    {
        std::lock_guard lock(mutex_);
        if (!dirty_) return true;
        dirty_ = false;
        const std::size_t skip = order_.size() > persisted_ ? order_.size() - persisted_ : 0;
        newest.reserve(order_.size() - skip);
        for (std::size_t i = skip; i < order_.size(); ++i)
            newest.emplace_back(order_[i]);
    }
    try {
        auto lease = stores_->lease();
        try {
            lease->set_state(kStateKey, boost::json::serialize(newest));
        } catch (...) {
            lease.discard();
            throw;
        }
        return true;
    } catch (const std::exception& e) {
        std::lock_guard lock(mutex_);
        dirty_ = true;  // try again at the next tick
        infra::log::warn("webhook.ids_not_saved", {{"error", infra::redact(e.what())}});
        return false;
    }
}

void DeliveryLog::run() {
    // Saving the ids is background work: serialising and writing 10,000 of
    // them every half second competed with the request threads for the
    // CPU and showed as webhook p99 spikes of 25 to 85 ms under wrk on two
    // cores (docs/performance.md). A lower priority for this thread only
    // (Linux nice values are per thread) lets requests go first.
    constexpr int kBackgroundNice = 10;
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kBackgroundNice) != 0) {
        infra::log::debug("webhook.ids_priority_unchanged", {});
    }
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, flush_every_, [this] { return stopping_; });
        if (stopping_ || !dirty_) continue;
        lock.unlock();
        flush();
        lock.lock();
    }
}

}  // namespace tokensync::api
