#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "calls.hpp"
#include "options.hpp"

namespace photoflow::bench {

struct LoadResult {
  std::string scenario;
  int in_flight = 0;
  int channels = 0;
  double seconds = 0;      // the measured window
  uint64_t calls = 0;      // calls that finished inside the window
  uint64_t all_calls = 0;  // every finished call, warm-up included (for costs per call)
  uint64_t ok = 0;
  std::map<std::string, uint64_t> errors;  // by status code name
  std::vector<uint32_t> latencies_us;      // of every measured call, sorted
};

// What the run has done so far, for a progress line.
struct Progress {
  double elapsed_seconds = 0;
  uint64_t completed = 0;  // every finished call, warm-up included
  uint64_t failed = 0;
};
using ProgressSink = std::function<void(const Progress&)>;

// Keeps options.in_flight calls of options.scenario in flight, each starting
// when the one before it in its slot ends (closed loop), for warm-up then
// duration; measures the calls that end between the warm-up's end and the
// end. `progress` is called about once a second from this thread.
LoadResult RunLoad(const Options& options, std::vector<std::unique_ptr<Connection>>& connections,
                   const Board& board, const ProgressSink& progress);

// Makes `count` calls of `scenario` as fast as options.in_flight allows (for
// --seed); returns how many failed.
uint64_t RunCount(const Options& options, const std::string& scenario, uint64_t count,
                  std::vector<std::unique_ptr<Connection>>& connections, const Board& board);

// Up to `max` task ids, by paging ListTasks with read_mask id.
std::vector<int32_t> ReadTaskIds(Connection& connection, int max,
                                 std::chrono::milliseconds deadline);

// The page token of page `page` (1-based) of scenario "list", found by
// walking the pages before it; throws when the board has fewer pages.
std::string ListPageToken(Connection& connection, int page, std::chrono::milliseconds deadline);

// Calls health Check until it answers SERVING or `timeout` passes.
bool WaitUntilServing(Connection& connection, std::chrono::milliseconds timeout);

}  // namespace photoflow::bench
