#include "cli/progress.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "infra/log.hpp"

namespace tokensync::cli {
namespace {

constexpr int kBarWidth = 24;
constexpr auto kTerminalEvery = std::chrono::milliseconds(100);
constexpr auto kLogEvery = std::chrono::seconds(5);

double seconds_of(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::string format_duration(std::chrono::seconds s) {
    const auto total = s.count() < 0 ? 0 : s.count();
    const auto h = total / 3600;
    const auto m = (total / 60) % 60;
    const auto sec = total % 60;
    if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, sec);
    return fmt::format("{}:{:02}", m, sec);
}

std::string progress_line(const std::string& label, const sync::IngestProgress& p) {
    const uint64_t total = p.to - p.from + 1;
    const double fraction = total == 0 ? 1.0 : static_cast<double>(p.blocks_done) / static_cast<double>(total);
    const int filled = static_cast<int>(fraction * kBarWidth);
    const double secs = seconds_of(p.elapsed);
    const double rate = secs > 0 ? static_cast<double>(p.logs_done) / secs : 0;
    std::string eta = "--:--";
    if (p.blocks_done > 0 && secs > 0 && p.blocks_done < total) {
        const double left = secs * static_cast<double>(total - p.blocks_done) / static_cast<double>(p.blocks_done);
        eta = format_duration(std::chrono::seconds(static_cast<int64_t>(left)));
    } else if (p.blocks_done >= total) {
        eta = "0:00";
    }
    return fmt::format("{} [{}{}] {:3.0f}% blocks {}/{}  events {}  {:.0f} ev/s  ETA {}", label,
                       std::string(static_cast<std::size_t>(filled), '#'),
                       std::string(static_cast<std::size_t>(kBarWidth - filled), '.'), fraction * 100, p.blocks_done,
                       total, p.logs_done, rate, eta);
}

ProgressDisplay::ProgressDisplay(std::string label, bool terminal) : label_(std::move(label)), terminal_(terminal) {}

ProgressDisplay::~ProgressDisplay() { finish(); }

void ProgressDisplay::update(const sync::IngestProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.done_to >= p.to;
    if (terminal_) {
        if (!last && now - last_ < kTerminalEvery) return;
        last_ = now;
        fmt::print(stderr, "\r{}\x1b[K", progress_line(label_, p));
        std::fflush(stderr);
        drawn_ = true;
        return;
    }
    if (!last && now - last_ < kLogEvery) return;
    last_ = now;
    const double secs = seconds_of(p.elapsed);
    infra::log::info("sync.progress",
                     {{"job", label_},
                      {"done_to", p.done_to},
                      {"to", p.to},
                      {"blocks_done", p.blocks_done},
                      {"events", p.logs_done},
                      {"events_per_s", secs > 0 ? static_cast<uint64_t>(static_cast<double>(p.logs_done) / secs) : 0}});
}

void ProgressDisplay::finish() {
    if (terminal_ && drawn_) {
        fmt::print(stderr, "\n");
        drawn_ = false;
    }
}

}  // namespace tokensync::cli
