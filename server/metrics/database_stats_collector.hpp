#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <boost/asio/any_io_executor.hpp>

#include "common/periodic_task.hpp"
#include "db/pooled_connection.hpp"
#include "log/logger.hpp"

namespace photoflow::metrics {

// Database size, per-table size and row estimates, and connection states,
// read on a timer (on the `housekeeping` executor) over a connection of its
// own and kept in gauges: a scrape
// only reads the last values and never waits on PostgreSQL (which may be slow
// or down exactly when someone looks at the dashboard).
class DatabaseStatsCollector {
 public:
  using OpenConnection = std::function<std::unique_ptr<db::PooledConnection>()>;

  DatabaseStatsCollector(prometheus::Registry& registry, OpenConnection open_connection,
                         std::string schema, const boost::asio::any_io_executor& housekeeping,
                         std::chrono::milliseconds interval, log::Logger& logger);
  ~DatabaseStatsCollector();
  DatabaseStatsCollector(const DatabaseStatsCollector&) = delete;
  DatabaseStatsCollector& operator=(const DatabaseStatsCollector&) = delete;

  // Refreshes now (so that the first scrape has values), then every interval.
  void Start();
  // Stops the timer, waiting for a refresh in progress. Idempotent.
  void Stop();
  // One refresh on the calling thread (serialised with the timer's); false
  // when PostgreSQL could not be read, in which case the gauges keep their
  // last values and photoflow_db_stats_last_success_timestamp_seconds ages.
  bool Refresh();

 private:
  struct TableGauges {
    prometheus::Gauge* size_bytes = nullptr;
    prometheus::Gauge* live_rows = nullptr;
    prometheus::Gauge* dead_rows = nullptr;
  };

  TableGauges& GaugesFor(const std::string& table);

  OpenConnection open_connection_;
  const std::string schema_;
  log::Logger& logger_;

  prometheus::Family<prometheus::Gauge>& table_size_;
  prometheus::Family<prometheus::Gauge>& table_live_rows_;
  prometheus::Family<prometheus::Gauge>& table_dead_rows_;
  prometheus::Family<prometheus::Gauge>& connections_;
  prometheus::Gauge& database_size_;
  prometheus::Gauge& last_success_;
  prometheus::Gauge& refresh_seconds_;
  prometheus::Counter& errors_;

  std::mutex refresh_mutex_;  // one refresh at a time; guards what follows
  std::unique_ptr<db::PooledConnection> connection_;
  std::map<std::string, TableGauges> tables_;
  std::map<std::string, prometheus::Gauge*> connection_states_;
  bool last_refresh_failed_ = false;

  // Last: stopped (by its destructor) before anything it uses goes away.
  common::PeriodicTask task_;
};

}  // namespace photoflow::metrics
