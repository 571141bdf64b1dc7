#pragma once

#include <string>
#include <utility>
#include <vector>

#include <grpcpp/support/status.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace photoflow::testing {

// What a client library decodes from grpc-status-details-bin.
struct DecodedError {
  bool parsed = false;
  int code = -1;
  std::string message;
  std::string reason;
  std::string domain;
  std::vector<std::pair<std::string, std::string>> violations;  // field, description
  int64_t retry_delay_ms = -1;                                  // from RetryInfo; -1 without
};

inline DecodedError DecodeDetails(const grpc::Status& status) {
  DecodedError decoded;
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return decoded;
  }
  decoded.parsed = true;
  decoded.code = details.code();
  decoded.message = details.message();
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      decoded.retry_delay_ms =
          retry.retry_delay().seconds() * 1000 + retry.retry_delay().nanos() / 1'000'000;
    } else if (any.UnpackTo(&info)) {
      decoded.reason = info.reason();
      decoded.domain = info.domain();
    } else if (any.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        decoded.violations.emplace_back(violation.field(), violation.description());
      }
    }
  }
  return decoded;
}

}  // namespace photoflow::testing
