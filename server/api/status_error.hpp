#pragma once

#include <exception>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

namespace photoflow::api {

// Ends a call with a specific gRPC status. Thrown inside a transaction it also
// rolls the transaction back, so a rejected call changes nothing.
class StatusError : public std::exception {
 public:
  explicit StatusError(grpc::Status status) : status_(std::move(status)) {}
  const grpc::Status& status() const { return status_; }
  const char* what() const noexcept override { return status_.error_message().c_str(); }

 private:
  grpc::Status status_;
};

// INVALID_ARGUMENT whose message starts with the offending field's path, e.g.
// "task.title: must not be empty".
[[noreturn]] void ThrowInvalidArgument(std::string_view field, std::string_view problem);

// ABORTED: the etag sent in `field` no longer matches the row.
[[noreturn]] void ThrowStaleEtag(std::string_view field);

// UNIMPLEMENTED for a request field whose behaviour this version lacks: a
// client relying on it must know, rather than have it silently ignored.
[[noreturn]] void ThrowUnsupported(std::string_view field, std::string_view what);

[[noreturn]] void ThrowNotFound(std::string_view what, int64_t id);

}  // namespace photoflow::api
