#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace photoflow::api::watch {

// WatchTasks' settings (PHOTOFLOW_WATCH_*, config/config.cpp).
struct WatchOptions {
  // Without streams, how often the hub numbers new changes and reads the log
  // (other servers' runs NOTIFY it sooner).
  std::chrono::milliseconds poll_interval{1000};
  // With streams, the hub numbers and reads the log once per this: changes
  // committed within it go out together, in fewer and larger writes to each
  // stream.
  std::chrono::milliseconds batch_window{20};
  // An idle stream gets a CURRENT event with a newer token this often.
  std::chrono::milliseconds bookmark_interval{10000};
  // The log keeps changes this long, and at most this many.
  std::chrono::milliseconds retention{std::chrono::hours(1)};
  int64_t retention_rows = 1'000'000;
  // Events a live stream may have waiting for its client; one more ends it
  // with RESOURCE_EXHAUSTED.
  size_t max_buffered_events = 10'000;
};

}  // namespace photoflow::api::watch
