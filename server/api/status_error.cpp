#include "api/status_error.hpp"

namespace photoflow::api {

void ThrowInvalidArgument(std::string_view field, std::string_view problem) {
  throw StatusError(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 std::string(field) + ": " + std::string(problem)));
}

void ThrowStaleEtag(std::string_view field) {
  throw StatusError(grpc::Status(grpc::StatusCode::ABORTED,
                                 std::string(field) + ": the task has changed since it was read"));
}

void ThrowUnsupported(std::string_view field, std::string_view what) {
  throw StatusError(grpc::Status(
      grpc::StatusCode::UNIMPLEMENTED,
      std::string(field) + ": " + std::string(what) + " is not supported by this server version"));
}

void ThrowNotFound(std::string_view what, int64_t id) {
  throw StatusError(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                 std::string(what) + " " + std::to_string(id) + " not found"));
}

}  // namespace photoflow::api
