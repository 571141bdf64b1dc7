#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <string>

#include "common/watch_observer.hpp"

namespace photoflow::metrics {

// WatchTasks: photoflow_watch_streams (open now), photoflow_watch_streams_ended_total{reason}
// (reason "slow_consumer" counts the drops), photoflow_watch_events_sent_total and
// photoflow_watch_delivery_lag_seconds (commit to send, per change event).
class WatchMetrics final : public common::WatchObserver {
 public:
  explicit WatchMetrics(prometheus::Registry& registry);

  void StreamStarted() override;
  void StreamEnded(std::string_view reason) override;
  void EventsSent(int events) override;
  void ChangeDelivered(std::chrono::microseconds lag) override;

 private:
  prometheus::Gauge& streams_;
  prometheus::Family<prometheus::Counter>& ended_;
  prometheus::Counter& events_;
  prometheus::Histogram& lag_;
  std::mutex mutex_;
  std::map<std::string, prometheus::Counter*, std::less<>> ended_by_reason_;
};

}  // namespace photoflow::metrics
