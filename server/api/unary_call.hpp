#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include "api/caller_limits.hpp"
#include "auth/tokens.hpp"

namespace photoflow::api {

// The parsed messages of one unary call on a raw (ByteBuffer) method. The
// service parses the request itself (ParseRequest) so that bytes it cannot
// parse get INVALID_ARGUMENT instead of gRPC's bare UNIMPLEMENTED, and so it
// serializes the response itself. The reactor that finishes the call owns
// them: the request and response live until the call is over.
class CallMessages {
 public:
  virtual ~CallMessages() = default;
  // Writes the response into the call's response buffer; called once, just
  // before a successful call finishes.
  virtual grpc::Status SerializeResponse() = 0;

  // What the access log and the per-caller metrics say of the call.
  struct Info {
    std::string_view method;                     // "CreateTask"
    std::shared_ptr<const auth::Caller> caller;  // null until authorized
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    // The call's place among its caller's calls in flight, held to the end.
    std::optional<CallerLimits::Slot> slot;
  };
  Info info;
};

template <typename Request, typename Response>
class UnaryCall final : public CallMessages {
 public:
  // `response_buffer` is gRPC's, valid until the call finishes.
  explicit UnaryCall(grpc::ByteBuffer* response_buffer) : response_buffer_(response_buffer) {}

  grpc::Status SerializeResponse() override {
    bool own_buffer = false;
    return grpc::SerializationTraits<Response>::Serialize(response, response_buffer_, &own_buffer);
  }

  Request request;
  Response response;

 private:
  grpc::ByteBuffer* response_buffer_;
};

}  // namespace photoflow::api
