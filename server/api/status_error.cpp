#include "api/status_error.hpp"

#include "api/rpc_status.hpp"

namespace photoflow::api {
namespace {

// ErrorInfo.reason for bad input in `field`.
std::string_view InvalidReason(std::string_view field) {
  if (field == "filter") return "INVALID_FILTER";
  if (field == "order_by") return "INVALID_ORDER_BY";
  if (field == "page_token") return "INVALID_PAGE_TOKEN";
  if (field == "page_size") return "INVALID_PAGE_SIZE";
  if (field == "read_mask" || field == "update_mask") return "INVALID_FIELD_MASK";
  if (field == "request_id") return "INVALID_REQUEST_ID";
  return "INVALID_FIELD";
}

}  // namespace

void ThrowInvalidArgument(std::string_view field, std::string_view problem) {
  throw StatusError(InvalidArgumentStatus(field, problem));
}

grpc::Status InvalidArgumentStatus(std::string_view field, std::string_view problem) {
  const std::string message = std::string(field) + ": " + std::string(problem);
  return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT, message, InvalidReason(field),
                    {{std::string(field), std::string(problem)}});
}

void ThrowStaleEtag(std::string_view field) {
  throw StatusError(MakeStatus(grpc::StatusCode::ABORTED,
                               std::string(field) + ": the task has changed since it was read",
                               "STALE_ETAG"));
}

void ThrowNotFound(Resource resource, int64_t id, std::string_view qualifier) {
  throw StatusError(NotFoundStatus(resource, id, qualifier));
}

grpc::Status NotFoundStatus(Resource resource, int64_t id, std::string_view qualifier) {
  const bool comment = resource == Resource::kComment;
  std::string message = comment ? "comment" : "task";
  if (!qualifier.empty()) message += " " + std::string(qualifier);
  message += " " + std::to_string(id) + " not found";
  return MakeStatus(grpc::StatusCode::NOT_FOUND, message,
                    comment ? "COMMENT_NOT_FOUND" : "TASK_NOT_FOUND");
}

grpc::Status NotFoundStatus(Resource resource, const std::vector<int64_t>& ids) {
  if (ids.size() == 1) return NotFoundStatus(resource, ids[0]);
  const bool comment = resource == Resource::kComment;
  constexpr size_t kNamed = 10;
  std::string message = comment ? "comments " : "tasks ";
  for (size_t i = 0; i < ids.size() && i < kNamed; ++i) {
    if (i > 0) message += ", ";
    message += std::to_string(ids[i]);
  }
  if (ids.size() > kNamed) message += " and " + std::to_string(ids.size() - kNamed) + " more";
  message += " not found";
  return MakeStatus(grpc::StatusCode::NOT_FOUND, message,
                    comment ? "COMMENT_NOT_FOUND" : "TASK_NOT_FOUND");
}

}  // namespace photoflow::api
