#include "metrics/caller_metrics.hpp"

#include "metrics/rpc_metrics.hpp"

namespace photoflow::metrics {

CallerMetrics::CallerMetrics(prometheus::Registry& registry)
    : calls_(prometheus::BuildCounter()
                 .Name("photoflow_caller_calls_total")
                 .Help("Calls by the caller of the tokens file (empty: no or an unknown token) "
                       "and their gRPC code.")
                 .Register(registry)) {}

void CallerMetrics::Count(std::string_view caller, int grpc_code) {
  prometheus::Counter* counter = nullptr;
  {
    const std::lock_guard lock(mutex_);
    auto key = std::make_pair(std::string(caller), grpc_code);
    auto found = series_.find(key);
    if (found == series_.end()) {
      prometheus::Counter& added =
          calls_.Add({{"caller", key.first}, {"grpc_code", std::string(GrpcCodeLabel(grpc_code))}});
      found = series_.emplace(std::move(key), &added).first;
    }
    counter = found->second;
  }
  counter->Increment();
}

}  // namespace photoflow::metrics
