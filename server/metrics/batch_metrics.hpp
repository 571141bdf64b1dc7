#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "db/batch_observer.hpp"

namespace photoflow::metrics {

// photoflow_db_batch_calls: how many calls each batched statement served, by
// method (1: the call ran alone). Its _count is the statements run for the
// method and its _sum the calls they served.
class BatchMetrics final : public db::BatchObserver {
 public:
  explicit BatchMetrics(prometheus::Registry& registry);

  void BatchRan(std::string_view method, std::size_t calls) override;

 private:
  prometheus::Family<prometheus::Histogram>& calls_;
  std::mutex mutex_;
  std::map<std::string, prometheus::Histogram*, std::less<>> by_method_;
};

}  // namespace photoflow::metrics
