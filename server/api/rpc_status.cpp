#include "api/rpc_status.hpp"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace photoflow::api {

grpc::Status MakeStatus(grpc::StatusCode code, const std::string& message, std::string_view reason,
                        const std::vector<FieldViolation>& violations) {
  google::rpc::Status status;
  status.set_code(static_cast<int32_t>(code));
  status.set_message(message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  status.add_details()->PackFrom(info);
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

}  // namespace photoflow::api
