#pragma once

#include <string>

#include <grpcpp/support/status.h>

namespace photoflow::cli {

// Exit codes: 0 when the call succeeded, kExitFailure for a failure on this
// side (an unreadable answer), kExitUsage for a command line that is wrong,
// and kExitStatusBase + the gRPC status code when the call failed (13 for
// INVALID_ARGUMENT, 15 for NOT_FOUND, 20 for ABORTED, 24 for UNAVAILABLE).
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitStatusBase = 10;

int ExitCodeFor(const grpc::Status& status);

// "NOT_FOUND", "INVALID_ARGUMENT", ...
std::string StatusCodeName(grpc::StatusCode code);

// A failed call, readably: the code and message on the first line, then one
// line per detail of the google.rpc.Status the server sent (the reason, each
// field violation). The server's message is printed as it came (it quotes
// client input only in bounded form); control characters are made spaces.
std::string DescribeStatus(const grpc::Status& status);

}  // namespace photoflow::cli
