#pragma once

#include <array>
#include <cstddef>
#include <string>

#include <grpcpp/support/status.h>

namespace photoflow::client {

// The canonical name of a gRPC status code ("NOT_FOUND"), as the clients
// print it; "CODE_<n>" for a code gRPC does not define.
inline std::string StatusCodeName(grpc::StatusCode code) {
  static constexpr std::array<const char*, 17> kNames = {"OK",
                                                         "CANCELLED",
                                                         "UNKNOWN",
                                                         "INVALID_ARGUMENT",
                                                         "DEADLINE_EXCEEDED",
                                                         "NOT_FOUND",
                                                         "ALREADY_EXISTS",
                                                         "PERMISSION_DENIED",
                                                         "RESOURCE_EXHAUSTED",
                                                         "FAILED_PRECONDITION",
                                                         "ABORTED",
                                                         "OUT_OF_RANGE",
                                                         "UNIMPLEMENTED",
                                                         "INTERNAL",
                                                         "UNAVAILABLE",
                                                         "DATA_LOSS",
                                                         "UNAUTHENTICATED"};
  const auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames.at(index) : "CODE_" + std::to_string(index);
}

}  // namespace photoflow::client
