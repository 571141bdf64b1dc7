#include "status_report.hpp"

#include <map>

#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>

#include "shared/status_code_name.hpp"
#include "table.hpp"

namespace photoflow::cli {

int ExitCodeFor(const grpc::Status& status) {
  return status.ok() ? 0 : kExitStatusBase + static_cast<int>(status.error_code());
}

std::string StatusCodeName(grpc::StatusCode code) { return client::StatusCodeName(code); }

std::string DescribeStatus(const grpc::Status& status) {
  std::string text =
      StatusCodeName(status.error_code()) + ": " + OneLine(status.error_message()) + "\n";
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return text;
  }
  for (const google::protobuf::Any& detail : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    google::rpc::PreconditionFailure precondition;
    google::rpc::RetryInfo retry;
    if (detail.UnpackTo(&info)) {
      text += "  reason: " + OneLine(info.reason());
      if (!info.domain().empty()) text += " (" + OneLine(info.domain()) + ")";
      text += "\n";
      // Sorted: a map's order would change from run to run.
      const std::map<std::string, std::string> metadata(info.metadata().begin(),
                                                        info.metadata().end());
      for (const auto& [key, value] : metadata) {
        text += "  " + OneLine(key) + ": " + OneLine(value) + "\n";
      }
    } else if (detail.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        text += "  field " + OneLine(violation.field()) + ": " + OneLine(violation.description()) +
                "\n";
      }
    } else if (detail.UnpackTo(&precondition)) {
      for (const auto& violation : precondition.violations()) {
        text += "  precondition " + OneLine(violation.type()) + " " + OneLine(violation.subject()) +
                ": " + OneLine(violation.description()) + "\n";
      }
    } else if (detail.UnpackTo(&retry)) {
      const auto millis =
          retry.retry_delay().seconds() * 1000 + retry.retry_delay().nanos() / 1000000;
      text += "  retry after: " + std::to_string(millis) + " ms\n";
    } else {
      text += "  detail: " + OneLine(detail.type_url()) + "\n";
    }
  }
  return text;
}

}  // namespace photoflow::cli
