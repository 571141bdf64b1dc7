#include "metrics/batch_metrics.hpp"

namespace photoflow::metrics {

BatchMetrics::BatchMetrics(prometheus::Registry& registry)
    : calls_(prometheus::BuildHistogram()
                 .Name("photoflow_db_batch_calls")
                 .Help("Calls that one batched statement served, by method (1: the call ran "
                       "alone); calls of one method that wait for a connection together share "
                       "one statement.")
                 .Register(registry)) {}

void BatchMetrics::BatchRan(std::string_view method, std::size_t calls) {
  prometheus::Histogram* histogram = nullptr;
  {
    const std::lock_guard lock(mutex_);
    auto found = by_method_.find(method);
    if (found == by_method_.end()) {
      found = by_method_
                  .emplace(std::string(method), &calls_.Add({{"method", std::string(method)}},
                                                            prometheus::Histogram::BucketBoundaries{
                                                                1, 2, 4, 8, 16, 32, 64, 128, 256}))
                  .first;
    }
    histogram = found->second;
  }
  histogram->Observe(static_cast<double>(calls));
}

}  // namespace photoflow::metrics
