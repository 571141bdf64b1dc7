#include "api/rpc_status.hpp"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace photoflow::api {

namespace {

google::rpc::Status StatusWithInfo(grpc::StatusCode code, const std::string& message,
                                   std::string_view reason) {
  google::rpc::Status status;
  status.set_code(static_cast<int32_t>(code));
  status.set_message(message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  status.add_details()->PackFrom(info);
  return status;
}

}  // namespace

grpc::Status MakeStatus(grpc::StatusCode code, const std::string& message, std::string_view reason,
                        const std::vector<FieldViolation>& violations) {
  google::rpc::Status status = StatusWithInfo(code, message, reason);
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const FieldViolation& violation : violations) {
      google::rpc::BadRequest::FieldViolation* field = bad_request.add_field_violations();
      field->set_field(violation.field);
      field->set_description(violation.description);
    }
    status.add_details()->PackFrom(bad_request);
  }
  return {code, message, status.SerializeAsString()};
}

grpc::Status MakeRetryStatus(grpc::StatusCode code, const std::string& message,
                             std::string_view reason, std::chrono::milliseconds retry_delay) {
  google::rpc::Status status = StatusWithInfo(code, message, reason);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(retry_delay.count() / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(retry_delay.count() % 1000) *
                                         1'000'000);
  status.add_details()->PackFrom(retry);
  return {code, message, status.SerializeAsString()};
}

}  // namespace photoflow::api
