#pragma once

#include <exception>
#include <stdexcept>
#include <string>

#include <grpcpp/support/status.h>

#include "log/logger.hpp"

namespace photoflow::db {

// No connection became free within the pool timeout.
class PoolTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The call's deadline passed while waiting for a free connection.
class DeadlineExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The client cancelled the call while it waited for a connection.
class CallCancelled : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// PostgreSQL could not be reached (connect failed, or the connection broke).
class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Maps an exception thrown while talking to PostgreSQL to the gRPC status a
// client sees. This is the one place where SQLSTATEs become gRPC codes.
// Details that could leak internals (SQL text, server messages) are logged,
// not returned.
grpc::Status StatusFromException(std::exception_ptr error, log::Logger& logger);

}  // namespace photoflow::db
