#include "metrics/statement_metrics.hpp"

namespace photoflow::metrics {

StatementMetrics::StatementMetrics(prometheus::Registry& registry)
    : durations_(prometheus::BuildHistogram()
                     .Name("photoflow_db_statement_duration_seconds")
                     .Help("Time one SQL statement took, round trip included, by the statement's "
                           "name in the code (db::Query).")
                     .Register(registry)),
      errors_(prometheus::BuildCounter()
                  .Name("photoflow_db_statement_errors_total")
                  .Help("SQL statements that failed (an error from PostgreSQL, a cancel, a broken "
                        "connection), by statement name.")
                  .Register(registry)) {}

StatementMetrics::Series& StatementMetrics::SeriesFor(std::string_view name) {
  if (auto found = series_.find(name); found != series_.end()) return found->second;
  const prometheus::Labels labels = {{"statement", std::string(name)}};
  Series series{.duration = &durations_.Add(labels,
                                            prometheus::Histogram::BucketBoundaries{
                                                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
                .errors = &errors_.Add(labels)};
  return series_.emplace(std::string(name), series).first->second;
}

void StatementMetrics::StatementFinished(std::string_view name,
                                         std::chrono::steady_clock::duration elapsed, bool failed) {
  Series series;
  {
    const std::lock_guard lock(mutex_);
    series = SeriesFor(name);
  }
  series.duration->Observe(std::chrono::duration<double>(elapsed).count());
  if (failed) series.errors->Increment();
}

}  // namespace photoflow::metrics
