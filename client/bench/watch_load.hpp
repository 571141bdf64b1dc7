#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "calls.hpp"
#include "options.hpp"

namespace photoflow::bench {

struct WatchResult {
  int watchers = 0;
  int channels = 0;
  double seconds = 0;            // the measured window
  double writes_per_second = 0;  // UpdateTask calls that succeeded, per second
  uint64_t write_errors = 0;
  uint64_t events = 0;                          // change events received in the window
  std::vector<uint32_t> delivery_us;            // commit to receipt, per event, sorted
  std::map<std::string, uint64_t> stream_ends;  // streams the server ended early, by code
};

// Opens options.watchers WatchTasks streams (no filter, from now on) spread
// over `watch_connections`, waits until each is live (CURRENT), then for
// warm-up and duration makes options.write_rate UpdateTask calls a second on
// `writer` (open loop) and measures, per change event received, the time from
// its commit (TaskEvent.commit_time, the database's clock on this machine) to
// its arrival.
WatchResult RunWatchLoad(const Options& options,
                         std::vector<std::unique_ptr<Connection>>& watch_connections,
                         Connection& writer, const Board& board);

void PrintWatchTable(const WatchResult& result, std::ostream& out);
void PrintWatchJson(const WatchResult& result, std::ostream& out);

}  // namespace photoflow::bench
