#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokensync::infra {

// Label names and values of one time series, e.g. {{"chain", "base"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
  public:
    void inc(double by = 1.0) noexcept;  // negative amounts are ignored: a counter only goes up
    double value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0.0};
};

class Gauge {
  public:
    void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(double by) noexcept;
    double value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0.0};
};

class Histogram {
  public:
    explicit Histogram(std::vector<double> upper_bounds);
    void observe(double v) noexcept;

    const std::vector<double>& upper_bounds() const noexcept { return bounds_; }
    // Cumulative counts per bound (le), then the +Inf bucket (= count).
    std::vector<uint64_t> cumulative_counts() const;
    double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
    uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // one per bound, not cumulative
    std::atomic<double> sum_{0.0};
    std::atomic<uint64_t> count_{0};
};

// The process's metrics, rendered in the Prometheus text exposition format
// (version 0.0.4) for GET /metrics. Getting a series registers it on first
// use and returns the same object afterwards; references stay valid for the
// registry's life, so hot paths look a series up once and keep it.
// Registration throws std::invalid_argument for a name or label name
// Prometheus would reject, or a name reused with another type, help text or
// histogram buckets.
class Metrics {
  public:
    Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
    Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
    Histogram& histogram(std::string_view name, std::string_view help, const std::vector<double>& upper_bounds,
                         const Labels& labels = {});

    // Families sorted by name, series by labels.
    std::string render() const;

  private:
    enum class Type { kCounter, kGauge, kHistogram };
    struct Family {
        Type type;
        std::string help;
        std::vector<double> bounds;  // histograms
        std::map<Labels, std::unique_ptr<Counter>> counters;
        std::map<Labels, std::unique_ptr<Gauge>> gauges;
        std::map<Labels, std::unique_ptr<Histogram>> histograms;
    };
    Family& family(std::string_view name, Type type, std::string_view help, const std::vector<double>& bounds,
                   const Labels& labels);

    mutable std::mutex mutex_;
    std::map<std::string, Family, std::less<>> families_;
};

}  // namespace tokensync::infra
