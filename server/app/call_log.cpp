#include "app/call_log.hpp"

#include <chrono>
#include <string>

#include "metrics/rpc_metrics.hpp"

namespace photoflow::app {

void CallLog::CallFinished(const api::FinishedCall& call) {
  const int code = static_cast<int>(call.code);
  if (callers_ != nullptr) callers_->Count(call.caller, code);
  if (!access_log_) return;
  const double millis = std::chrono::duration<double, std::milli>(call.duration).count();
  logger_.Info("rpc", {{"method", call.method},
                       {"caller", call.caller},
                       {"code", metrics::GrpcCodeLabel(code)},
                       {"duration_ms", millis}});
}

}  // namespace photoflow::app
