#pragma once

#include <exception>
#include <string_view>

#include <grpcpp/support/status.h>

#include "log/logger.hpp"

namespace photoflow::api {

// Maps an exception thrown while talking to PostgreSQL (libpqxx's, or the
// pool's from db/errors.hpp) to the gRPC status a client sees. This is the one
// place where SQLSTATEs become gRPC codes. Details that could leak internals
// (SQL text, server messages) are logged, with the failing statement's name
// (`query`, empty when unknown), not returned.
grpc::Status StatusFromException(std::exception_ptr error, log::Logger& logger,
                                 std::string_view query = {});

// True when `error` is PostgreSQL rejecting data (a data exception, an
// integrity violation, an error raised by a trigger): one row of a
// multi-row statement may have caused it, and the statement changed nothing.
bool IsRejectedData(const std::exception_ptr& error);

}  // namespace photoflow::api
