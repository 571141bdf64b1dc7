#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

// The service parses its requests itself (raw ByteBuffer methods): gRPC 1.51's
// callback handler answers a request it cannot parse with a bare
// UNIMPLEMENTED, which no client can act on.
namespace photoflow::api {

// Parses `bytes` into `request`. A request that is not a valid message of its
// type gets INVALID_ARGUMENT: for a string field holding invalid UTF-8
// (which proto3 forbids), naming the field (reason INVALID_FIELD, as for any
// bad text); otherwise with reason MALFORMED_REQUEST. libprotobuf's own
// complaint about it is not logged: the client hears it, and a client must not
// be able to fill the log.
grpc::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request);

// The path ("task.title", "read_mask.paths[1]") of the first string field of
// the `type` message encoded in `wire` that holds invalid UTF-8, if it can be
// found (the walk stops at the first malformed byte).
std::optional<std::string> FindInvalidUtf8Field(const google::protobuf::Descriptor& type,
                                                std::string_view wire);

}  // namespace photoflow::api
