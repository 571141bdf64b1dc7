#pragma once

#include <memory>

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include "api/call_runner.hpp"
#include "api/request_parsing.hpp"
#include "api/unary_call.hpp"

namespace photoflow::api {

// A call's parsed messages, as the services' handlers take them.
template <typename Request, typename Response>
using ParsedCall = std::unique_ptr<UnaryCall<Request, Response>>;

// Serves a raw (ByteBuffer) unary method: parses the request and hands the
// call to `(service->*handler)(context, ParsedCall)`, or answers bytes it
// cannot parse with INVALID_ARGUMENT (ParseRequest) on the spot.
template <typename Service, typename Request, typename Response>
grpc::ServerUnaryReactor* ServeParsed(
    Service* service,
    grpc::ServerUnaryReactor* (Service::*handler)(grpc::CallbackServerContext*,
                                                  ParsedCall<Request, Response>),
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes,
    grpc::ByteBuffer* response_bytes) {
  auto call = std::make_unique<UnaryCall<Request, Response>>(response_bytes);
  const grpc::Status parsed = ParseRequest(*request_bytes, &call->request);
  if (!parsed.ok()) return CallRunner::Reject(context, parsed);
  return (service->*handler)(context, std::move(call));
}

}  // namespace photoflow::api
