#include "metrics/pool_metrics.hpp"

#include <string>

namespace photoflow::metrics {
namespace {

prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& registry,
                                                       const std::string& name,
                                                       const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::MetricFamily Gauge(const std::string& name, const std::string& help, int value) {
  prometheus::MetricFamily family{name, help, prometheus::MetricType::Gauge, {}};
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  family.metric.push_back(metric);
  return family;
}

}  // namespace

PoolMetrics::PoolMetrics(prometheus::Registry& registry) {
  acquire_seconds_ =
      &prometheus::BuildHistogram()
           .Name("photoflow_db_pool_acquire_seconds")
           .Help(
               "Time calls waited for a pooled database connection, opening one included "
               "(successful acquisitions only).")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                            0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                            0.5, 1, 2.5, 5, 10});
  auto& timeouts = CounterFamily(registry, "photoflow_db_pool_acquire_timeouts_total",
                                 "Waits for a connection that ran out of time: limit=pool_timeout "
                                 "(RESOURCE_EXHAUSTED) or limit=deadline (DEADLINE_EXCEEDED).");
  timeouts_pool_ = &timeouts.Add({{"limit", "pool_timeout"}});
  timeouts_deadline_ = &timeouts.Add({{"limit", "deadline"}});
  rejected_ = &CounterFamily(registry, "photoflow_db_pool_acquire_rejected_total",
                             "Calls refused at once (RESOURCE_EXHAUSTED) because "
                             "PHOTOFLOW_POOL_MAX_WAITERS calls were already waiting.")
                   .Add({});
  unavailable_ = &CounterFamily(registry, "photoflow_db_pool_acquire_unavailable_total",
                                "Calls that needed a new connection while PostgreSQL could not be "
                                "reached (UNAVAILABLE).")
                      .Add({});
  auto& errors = CounterFamily(registry, "photoflow_db_pool_connection_errors_total",
                               "Connection failures: kind=connect (an attempt to connect failed) "
                               "or kind=broken (an open connection broke).");
  connect_errors_ = &errors.Add({{"kind", "connect"}});
  broken_ = &errors.Add({{"kind", "broken"}});
  opened_ = &CounterFamily(registry, "photoflow_db_pool_connections_opened_total",
                           "Pooled connections opened.")
                 .Add({});
  auto& closed = CounterFamily(registry, "photoflow_db_pool_connections_closed_total",
                               "Pooled connections closed, by reason: broken, stale (idle when "
                               "another broke) or max_lifetime.");
  closed_broken_ = &closed.Add({{"reason", "broken"}});
  closed_stale_ = &closed.Add({{"reason", "stale"}});
  closed_max_lifetime_ = &closed.Add({{"reason", "max_lifetime"}});
}

void PoolMetrics::ConnectionAcquired(std::chrono::steady_clock::duration waited) {
  acquire_seconds_->Observe(std::chrono::duration<double>(waited).count());
}

void PoolMetrics::AcquireFailed(AcquireFailure failure) {
  switch (failure) {
    case AcquireFailure::kPoolTimeout:
      timeouts_pool_->Increment();
      break;
    case AcquireFailure::kDeadline:
      timeouts_deadline_->Increment();
      break;
    case AcquireFailure::kTooManyWaiters:
      rejected_->Increment();
      break;
    case AcquireFailure::kUnavailable:
      unavailable_->Increment();
      break;
  }
}

void PoolMetrics::ConnectionOpened() { opened_->Increment(); }

void PoolMetrics::ConnectionClosed(CloseReason reason) {
  switch (reason) {
    case CloseReason::kBroken:
      broken_->Increment();
      closed_broken_->Increment();
      break;
    case CloseReason::kStale:
      closed_stale_->Increment();
      break;
    case CloseReason::kMaxLifetime:
      closed_max_lifetime_->Increment();
      break;
  }
}

void PoolMetrics::ConnectFailed() { connect_errors_->Increment(); }

std::vector<prometheus::MetricFamily> PoolGauges::Collect() const {
  const db::ConnectionPool::Stats stats = read_stats_();
  return {
      Gauge("photoflow_db_pool_max_connections",
            "Most connections the pool may open "
            "(connection_limit).",
            stats.max),
      Gauge("photoflow_db_pool_open_connections",
            "Connections open or being opened (in use plus idle).", stats.open),
      Gauge("photoflow_db_pool_in_use_connections",
            "Connections leased to calls (or being opened for one).", stats.in_use),
      Gauge("photoflow_db_pool_idle_connections", "Open connections waiting for a call.",
            stats.idle),
      Gauge("photoflow_db_pool_waiting_calls", "Calls waiting for a connection.", stats.waiting),
  };
}

}  // namespace photoflow::metrics
