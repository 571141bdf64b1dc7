#pragma once

#include <functional>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include "db/pool.hpp"
#include "db/pool_observer.hpp"

namespace photoflow::metrics {

// photoflow_db_pool_* counters and the acquire histogram, fed by the pool as
// it works (HikariCP's pool metrics, in Prometheus naming).
class PoolMetrics final : public db::PoolObserver {
 public:
  explicit PoolMetrics(prometheus::Registry& registry);

  void ConnectionAcquired(std::chrono::steady_clock::duration waited) override;
  void AcquireFailed(AcquireFailure failure) override;
  void ConnectionOpened() override;
  void ConnectionClosed(CloseReason reason) override;
  void ConnectFailed() override;

 private:
  // Owned by the registry, which outlives this.
  prometheus::Histogram* acquire_seconds_ = nullptr;
  prometheus::Counter* timeouts_pool_ = nullptr;
  prometheus::Counter* timeouts_deadline_ = nullptr;
  prometheus::Counter* rejected_ = nullptr;
  prometheus::Counter* unavailable_ = nullptr;
  prometheus::Counter* connect_errors_ = nullptr;
  prometheus::Counter* broken_ = nullptr;
  prometheus::Counter* opened_ = nullptr;
  prometheus::Counter* closed_broken_ = nullptr;
  prometheus::Counter* closed_stale_ = nullptr;
  prometheus::Counter* closed_max_lifetime_ = nullptr;
};

// The pool's current shape (max, open, in use, idle, waiting) read from the
// pool at scrape time: a few integers under the pool's mutex, no database.
class PoolGauges final : public prometheus::Collectable {
 public:
  explicit PoolGauges(std::function<db::ConnectionPool::Stats()> read_stats)
      : read_stats_(std::move(read_stats)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<db::ConnectionPool::Stats()> read_stats_;
};

}  // namespace photoflow::metrics
