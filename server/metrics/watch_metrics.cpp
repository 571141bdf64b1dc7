#include "metrics/watch_metrics.hpp"

namespace photoflow::metrics {

WatchMetrics::WatchMetrics(prometheus::Registry& registry)
    : streams_(prometheus::BuildGauge()
                   .Name("photoflow_watch_streams")
                   .Help("WatchTasks streams open now.")
                   .Register(registry)
                   .Add({})),
      ended_(prometheus::BuildCounter()
                 .Name("photoflow_watch_streams_ended_total")
                 .Help("WatchTasks streams ended, by reason: cancelled, client_gone, "
                       "slow_consumer (the drops), token_expired, log_reset, shutdown, "
                       "database_unavailable, too_many_filters.")
                 .Register(registry)),
      events_(prometheus::BuildCounter()
                  .Name("photoflow_watch_events_sent_total")
                  .Help("WatchTasks events written to clients (initial state and bookmarks "
                        "included).")
                  .Register(registry)
                  .Add({})),
      lag_(prometheus::BuildHistogram()
               .Name("photoflow_watch_delivery_lag_seconds")
               .Help("From the commit of a change to the write that sends it, per stream.")
               .Register(registry)
               .Add({},
                    prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1, 0.25, 0.5, 1, 2.5, 5, 10})) {
  // The drops are there from the start, at zero, for rate() and alerts.
  ended_by_reason_.emplace("slow_consumer", &ended_.Add({{"reason", "slow_consumer"}}));
}

void WatchMetrics::StreamStarted() { streams_.Increment(); }

void WatchMetrics::StreamEnded(std::string_view reason) {
  streams_.Decrement();
  const std::lock_guard lock(mutex_);
  auto found = ended_by_reason_.find(reason);
  if (found == ended_by_reason_.end()) {
    found = ended_by_reason_
                .emplace(std::string(reason), &ended_.Add({{"reason", std::string(reason)}}))
                .first;
  }
  found->second->Increment();
}

void WatchMetrics::EventsSent(int events) { events_.Increment(events); }

void WatchMetrics::ChangeDelivered(std::chrono::microseconds lag) {
  lag_.Observe(std::chrono::duration<double>(lag).count());
}

}  // namespace photoflow::metrics
