#pragma once

#include <stdexcept>

// What the pool and sessions throw besides libpqxx's own exceptions. The
// transport knows how to answer each (api/database_errors.hpp); this layer
// knows nothing of gRPC.
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

}  // namespace photoflow::db
