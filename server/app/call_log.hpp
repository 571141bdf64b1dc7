#pragma once

#include "api/call_observer.hpp"
#include "log/logger.hpp"
#include "metrics/caller_metrics.hpp"

namespace photoflow::app {

// How the services' calls ended, as operators see them: an "rpc" access log
// line per call (when turned on) and the per-caller counters (with
// authentication on). Never the token: only the caller's name.
class CallLog final : public api::CallObserver {
 public:
  // `callers` may be null.
  CallLog(log::Logger& logger, bool access_log, metrics::CallerMetrics* callers)
      : logger_(logger), access_log_(access_log), callers_(callers) {}

  void CallFinished(const api::FinishedCall& call) override;

 private:
  log::Logger& logger_;
  const bool access_log_;
  metrics::CallerMetrics* const callers_;
};

}  // namespace photoflow::app
