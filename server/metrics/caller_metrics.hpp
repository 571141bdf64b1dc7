#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace photoflow::metrics {

// photoflow_caller_calls_total{caller, grpc_code}: the calls of each caller
// of the tokens file (with authentication on), by outcome. Bounded: callers
// are the file's names, and "" for calls whose token was missing or unknown.
class CallerMetrics {
 public:
  explicit CallerMetrics(prometheus::Registry& registry);

  void Count(std::string_view caller, int grpc_code);

 private:
  prometheus::Family<prometheus::Counter>& calls_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int>, prometheus::Counter*, std::less<>> series_;
};

}  // namespace photoflow::metrics
