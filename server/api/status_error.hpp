#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/support/status.h>

namespace photoflow::api {

// Ends a call with a specific gRPC status. Thrown inside a transaction it also
// rolls the transaction back, so a rejected call changes nothing.
class StatusError : public std::exception {
 public:
  explicit StatusError(grpc::Status status)
      : status_(std::move(status)), message_(status_.error_message()) {}
  const grpc::Status& status() const { return status_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  grpc::Status status_;
  // grpc::Status::error_message() returns a copy: what() needs its own.
  std::string message_;
};

// INVALID_ARGUMENT whose message starts with the offending field's path, e.g.
// "task.title: is required", with ErrorInfo (INVALID_FIELD, INVALID_FILTER, ...)
// and a BadRequest field violation in the details.
[[noreturn]] void ThrowInvalidArgument(std::string_view field, std::string_view problem);
// The status ThrowInvalidArgument throws.
grpc::Status InvalidArgumentStatus(std::string_view field, std::string_view problem);

// ABORTED: the etag sent in `field` no longer matches the row.
[[noreturn]] void ThrowStaleEtag(std::string_view field);

enum class Resource { kTask, kComment };

// NOT_FOUND with reason TASK_NOT_FOUND or COMMENT_NOT_FOUND: "task 7 not
// found", or with a `qualifier`, "task (created by ...) 7 not found".
[[noreturn]] void ThrowNotFound(Resource resource, int64_t id, std::string_view qualifier = {});
// The status ThrowNotFound throws, for work that answers several calls.
grpc::Status NotFoundStatus(Resource resource, int64_t id, std::string_view qualifier = {});

// NOT_FOUND for several ids at once (batch methods): "tasks 4, 9 not found",
// naming at most the first 10.
grpc::Status NotFoundStatus(Resource resource, const std::vector<int64_t>& ids);

}  // namespace photoflow::api
