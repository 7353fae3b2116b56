#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sync/range_ingest.hpp"

namespace tokensync::cli {

// Shows a range ingest's progress: a bar redrawn in place on a terminal
// (blocks done, events/s, ETA), else an info log line every few seconds.
class ProgressDisplay {
  public:
    ProgressDisplay(std::string label, bool terminal);
    ~ProgressDisplay();
    ProgressDisplay(const ProgressDisplay&) = delete;
    ProgressDisplay& operator=(const ProgressDisplay&) = delete;

    void update(const sync::IngestProgress& p);
    // Ends the bar's line (a no-op without a terminal).
    void finish();

  private:
    std::string label_;
    bool terminal_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

// "1:02:03" or "2:03".
std::string format_duration(std::chrono::seconds s);
// The bar's text for a progress report, without the leading "\r".
std::string progress_line(const std::string& label, const sync::IngestProgress& p);

}  // namespace tokensync::cli
