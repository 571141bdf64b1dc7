#pragma once

#include <memory>

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include "api/call_authorizer.hpp"
#include "api/call_runner.hpp"
#include "api/caller_limits.hpp"
#include "api/request_parsing.hpp"
#include "api/rpc_status.hpp"
#include "api/unary_call.hpp"

namespace photoflow::api {

namespace watch {
class WatchHub;
}  // namespace watch

// A call's parsed messages, as the services' handlers take them.
template <typename Request, typename Response>
using ParsedCall = std::unique_ptr<UnaryCall<Request, Response>>;

// What every method of the services shares: who may call, how much at once,
// and where calls run.
struct MethodContext {
  CallRunner& runner;
  const CallAuthorizer& authorizer;
  // Calls in flight per token caller; null: no limit.
  CallerLimits* limits = nullptr;
  // WatchTasks' fan-out; null: WatchTasks answers UNAVAILABLE.
  watch::WatchHub* watch = nullptr;
};

// How long a caller over its limit is asked to wait before it tries again.
constexpr std::chrono::milliseconds kCallerLimitRetryDelay{100};

// Serves a raw (ByteBuffer) unary method `method` that needs `scope`: checks
// the caller's token, parses the request and hands the call to
// `(service->*handler)(context, ParsedCall)`. A caller without the scope, or
// bytes it cannot parse (INVALID_ARGUMENT, ParseRequest), are answered on
// the spot; an unauthenticated caller learns nothing of the request's shape.
template <typename Service, typename Request, typename Response>
grpc::ServerUnaryReactor* ServeParsed(
    const MethodContext& methods, std::string_view method, auth::Scope scope, Service* service,
    grpc::ServerUnaryReactor* (Service::*handler)(grpc::CallbackServerContext*,
                                                  ParsedCall<Request, Response>),
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes,
    grpc::ByteBuffer* response_bytes) {
  auto call = std::make_unique<UnaryCall<Request, Response>>(response_bytes);
  call->info.method = method;
  const grpc::Status authorized = methods.authorizer.Authorize(*context, scope, &call->info.caller);
  if (!authorized.ok()) return methods.runner.Reject(context, *call, authorized);
  if (methods.limits != nullptr) {
    call->info.slot = methods.limits->TryAcquire(call->info.caller->name);
    if (!call->info.slot) {
      return methods.runner.Reject(
          context, *call,
          MakeRetryStatus(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "caller '" + call->info.caller->name + "' has " +
                              std::to_string(methods.limits->max_per_caller()) +
                              " calls in flight already (PHOTOFLOW_MAX_CALLS_PER_CALLER)",
                          "CALLER_LIMIT_EXCEEDED", kCallerLimitRetryDelay));
    }
  }
  const grpc::Status parsed = ParseRequest(*request_bytes, &call->request);
  if (!parsed.ok()) return methods.runner.Reject(context, *call, parsed);
  return (service->*handler)(context, std::move(call));
}

}  // namespace photoflow::api
