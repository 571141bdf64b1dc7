#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/support/status.h>

namespace photoflow::api {

// ErrorInfo.domain of every error this service returns.
constexpr std::string_view kErrorDomain = "photoflow.v1";

struct FieldViolation {
  std::string field;
  std::string description;
};

// A gRPC status whose details (the grpc-status-details-bin trailer) carry a
// google.rpc.Status with an ErrorInfo {reason, domain "photoflow.v1"} and, for
// bad input, a BadRequest listing the offending fields (AIP-193).
grpc::Status MakeStatus(grpc::StatusCode code, const std::string& message, std::string_view reason,
                        const std::vector<FieldViolation>& violations = {});

// MakeStatus with a google.rpc.RetryInfo: the client may try again after
// `retry_delay`.
grpc::Status MakeRetryStatus(grpc::StatusCode code, const std::string& message,
                             std::string_view reason, std::chrono::milliseconds retry_delay);

}  // namespace photoflow::api
