#pragma once

#include <chrono>
#include <string_view>

#include <grpcpp/support/status.h>

namespace photoflow::api {

// One call of the services as it ended, for the access log and the
// per-caller metrics.
struct FinishedCall {
  std::string_view method;  // "CreateTask"
  std::string_view caller;  // the token's name; "anonymous" without authentication, "" unknown
  grpc::StatusCode code;
  std::chrono::steady_clock::duration duration;
};

// Told of every call the services end (implemented by the app, which owns the
// log and the metrics). Called on the thread that ends the call: it must not
// block.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  virtual void CallFinished(const FinishedCall& call) = 0;
};

}  // namespace photoflow::api
