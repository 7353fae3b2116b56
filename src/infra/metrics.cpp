#include "infra/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace tokensync::infra {
namespace {

bool valid_metric_name(std::string_view name) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
}

bool valid_label_name(std::string_view name) {
    return valid_metric_name(name) && name.find(':') == std::string_view::npos && !name.starts_with("__");
}

void add_atomic(std::atomic<double>& target, double by) noexcept {
    double current = target.load(std::memory_order_relaxed);
    while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
    }
}

// A sample value as Prometheus reads it.
std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", v);
}

std::string escape(std::string_view s, bool quote) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

std::string label_text(const Labels& labels, std::string_view extra_name = {}, std::string_view extra_value = {}) {
    if (labels.empty() && extra_name.empty()) return "";
    std::string out = "{";
    bool first = true;
    auto add = [&](std::string_view name, std::string_view value) {
        if (!first) out += ',';
        first = false;
        out += fmt::format("{}=\"{}\"", name, escape(value, true));
    };
    for (const auto& [name, value] : labels)
        add(name, value);
    if (!extra_name.empty()) add(extra_name, extra_value);
    out += '}';
    return out;
}

Labels sorted(Labels labels) {
    std::ranges::sort(labels);
    return labels;
}

}  // namespace

void Counter::inc(double by) noexcept {
    if (by > 0) add_atomic(value_, by);
}

void Gauge::add(double by) noexcept { add_atomic(value_, by); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_{std::move(upper_bounds)}, buckets_{std::make_unique<std::atomic<uint64_t>[]>(bounds_.size())} {}

void Histogram::observe(double v) noexcept {
    const auto it = std::ranges::lower_bound(bounds_, v);  // the first bound >= v: le is inclusive
    if (it != bounds_.end()) buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1);
    add_atomic(sum_, v);
    count_.fetch_add(1);
}

std::vector<uint64_t> Histogram::cumulative_counts() const {
    std::vector<uint64_t> out;
    out.reserve(bounds_.size() + 1);
    uint64_t running = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        out.push_back(running);
    }
    out.push_back(std::max(running, count()));
    return out;
}

Metrics::Family& Metrics::family(std::string_view name, Type type, std::string_view help,
                                 const std::vector<double>& bounds, const Labels& labels) {
    if (!valid_metric_name(name)) throw std::invalid_argument(fmt::format("invalid metric name \"{}\"", name));
    for (const auto& [label, value] : labels) {
        if (!valid_label_name(label) || label == "le" || label == "quantile") {
            throw std::invalid_argument(fmt::format("metric {}: invalid label name \"{}\"", name, label));
        }
    }
    auto it = families_.find(name);
    if (it == families_.end()) {
        if (type == Type::kHistogram &&
            (bounds.empty() || !std::ranges::is_sorted(bounds) || std::ranges::adjacent_find(bounds) != bounds.end() ||
             std::isinf(bounds.back()))) {
            throw std::invalid_argument(
                fmt::format("metric {}: histogram bounds must be finite and strictly increasing", name));
        }
        it = families_
                 .emplace(std::string(name), Family{.type = type,
                                                    .help = std::string(help),
                                                    .bounds = bounds,
                                                    .counters = {},
                                                    .gauges = {},
                                                    .histograms = {}})
                 .first;
    } else if (it->second.type != type || it->second.help != help || it->second.bounds != bounds) {
        throw std::invalid_argument(
            fmt::format("metric {} is already registered with another type, help text or buckets", name));
    }
    return it->second;
}

Counter& Metrics::counter(std::string_view name, std::string_view help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, Type::kCounter, help, {}, labels).counters[sorted(labels)];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Gauge& Metrics::gauge(std::string_view name, std::string_view help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, Type::kGauge, help, {}, labels).gauges[sorted(labels)];
    if (!slot) slot = std::make_unique<Gauge>();
    return *slot;
}

Histogram& Metrics::histogram(std::string_view name, std::string_view help, const std::vector<double>& upper_bounds,
                              const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, Type::kHistogram, help, upper_bounds, labels).histograms[sorted(labels)];
    if (!slot) slot = std::make_unique<Histogram>(upper_bounds);
    return *slot;
}

std::string Metrics::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, f] : families_) {
        static constexpr std::string_view kTypes[] = {"counter", "gauge", "histogram"};
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape(f.help, false), name,
                           kTypes[static_cast<int>(f.type)]);
        for (const auto& [labels, c] : f.counters)
            out += fmt::format("{}{} {}\n", name, label_text(labels), number(c->value()));
        for (const auto& [labels, g] : f.gauges)
            out += fmt::format("{}{} {}\n", name, label_text(labels), number(g->value()));
        for (const auto& [labels, h] : f.histograms) {
            const auto counts = h->cumulative_counts();
            for (std::size_t i = 0; i < h->upper_bounds().size(); ++i) {
                out += fmt::format("{}_bucket{} {}\n", name, label_text(labels, "le", number(h->upper_bounds()[i])),
                                   counts[i]);
            }
            out += fmt::format("{}_bucket{} {}\n", name, label_text(labels, "le", "+Inf"), counts.back());
            out += fmt::format("{}_sum{} {}\n", name, label_text(labels), number(h->sum()));
            out += fmt::format("{}_count{} {}\n", name, label_text(labels), h->count());
        }
    }
    return out;
}

}  // namespace tokensync::infra
