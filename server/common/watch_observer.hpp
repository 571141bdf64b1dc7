#pragma once

#include <chrono>
#include <string_view>

namespace photoflow::common {

// Told what WatchTasks streams do (api/watch_stream.cpp), for the metrics
// (metrics/watch_metrics.cpp); here so that neither layer includes the other.
// Called on gRPC, worker and hub threads: must not block.
class WatchObserver {
 public:
  virtual ~WatchObserver() = default;
  virtual void StreamStarted() = 0;
  // `reason`: "cancelled", "client_gone", "slow_consumer", "token_expired",
  // "shutdown", "database_unavailable", "log_reset", "too_many_filters".
  virtual void StreamEnded(std::string_view reason) = 0;
  // `events` went out in one write; `lags` are commit-to-send delays of the
  // change events among them.
  virtual void EventsSent(int events) = 0;
  virtual void ChangeDelivered(std::chrono::microseconds lag) = 0;
};

}  // namespace photoflow::common
