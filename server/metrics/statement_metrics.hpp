#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "db/statement_observer.hpp"

namespace photoflow::metrics {

// photoflow_db_statement_duration_seconds and photoflow_db_statement_errors_total
// by statement name (db::Query's name: "task_find", "comment_insert", ...). The
// names are the code's own constants, so the label set stays small.
class StatementMetrics final : public db::StatementObserver {
 public:
  explicit StatementMetrics(prometheus::Registry& registry);

  void StatementFinished(std::string_view name, std::chrono::steady_clock::duration elapsed,
                         bool failed) override;

 private:
  struct Series {
    prometheus::Histogram* duration = nullptr;
    prometheus::Counter* errors = nullptr;
  };
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };

  Series& SeriesFor(std::string_view name);  // requires mutex_

  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Counter>& errors_;
  std::mutex mutex_;
  std::unordered_map<std::string, Series, NameHash, std::equal_to<>> series_;
};

}  // namespace photoflow::metrics
