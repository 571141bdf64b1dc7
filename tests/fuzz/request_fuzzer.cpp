// Any bytes as a request of any method: ParseRequest must agree with
// libprotobuf on what parses, answer everything else with a short
// INVALID_ARGUMENT carrying details, never name a field in a request that
// parses, and log nothing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include <google/protobuf/message.h>

#include "api/protobuf_log.hpp"
#include "api/request_parsing.hpp"
#include "photoflow/v1/comment_service.pb.h"
#include "photoflow/v1/task_service.pb.h"

namespace {

const google::protobuf::Message* const kRequestTypes[] = {
    &photoflow::v1::CreateTaskRequest::default_instance(),
    &photoflow::v1::GetTaskRequest::default_instance(),
    &photoflow::v1::ListTasksRequest::default_instance(),
    &photoflow::v1::UpdateTaskRequest::default_instance(),
    &photoflow::v1::DeleteTaskRequest::default_instance(),
    &photoflow::v1::CreateCommentRequest::default_instance(),
    &photoflow::v1::GetCommentRequest::default_instance(),
    &photoflow::v1::ListCommentsRequest::default_instance(),
    &photoflow::v1::UpdateCommentRequest::default_instance(),
    &photoflow::v1::DeleteCommentRequest::default_instance(),
};
constexpr std::size_t kTypes = sizeof(kRequestTypes) / sizeof(kRequestTypes[0]);

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static std::ostringstream log_output;
  static photoflow::log::Logger logger(log_output);
  static photoflow::api::ProtobufLogRoute route(logger);

  const google::protobuf::Message& type = *kRequestTypes[data[0] % kTypes];
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  grpc::Slice slice(bytes);
  const grpc::ByteBuffer buffer(&slice, 1);

  const std::unique_ptr<google::protobuf::Message> request(type.New());
  const grpc::Status status = photoflow::api::ParseRequest(buffer, request.get());
  const std::unique_ptr<google::protobuf::Message> reference(type.New());
  bool parses = false;
  {
    const photoflow::api::ProtobufLogMute mute;
    parses = reference->ParseFromString(bytes);
  }
  Check(status.ok() == parses);
  if (parses) {
    Check(request->SerializeAsString() == reference->SerializeAsString());
    Check(!photoflow::api::FindInvalidUtf8Field(*type.GetDescriptor(), bytes).has_value());
  } else {
    Check(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    Check(!status.error_details().empty());
    Check(status.error_message().size() < 200);
  }
  Check(log_output.tellp() == 0);
  return 0;
}
