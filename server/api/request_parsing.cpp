#include "api/request_parsing.hpp"

#include <cstdint>
#include <map>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include "api/protobuf_log.hpp"
#include "api/rpc_status.hpp"
#include "api/status_error.hpp"
#include "model/quoting.hpp"

namespace photoflow::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

// Requests nest two levels deep (a request, its task, a timestamp); anything
// deeper is not ours to look into.
constexpr int kMaxDepth = 8;

std::optional<std::string> FindInvalidUtf8(const google::protobuf::Descriptor& type,
                                           std::string_view wire, const std::string& prefix,
                                           int depth) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(wire.data()),
                                               static_cast<int>(wire.size()));
  std::map<int, int> occurrences;  // of each repeated field, for its index in the path
  // A singular message field sent several times is one message, merged: its
  // pieces are walked together, as one encoding, once this one is done.
  std::map<const FieldDescriptor*, std::string> singular_messages;
  while (const uint32_t tag = input.ReadTag()) {
    const FieldDescriptor* field = type.FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    const bool text_or_message =
        field != nullptr &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED &&
        (field->type() == FieldDescriptor::TYPE_STRING ||
         field->type() == FieldDescriptor::TYPE_MESSAGE);
    if (!text_or_message) {
      if (!WireFormatLite::SkipField(&input, tag)) return std::nullopt;
      continue;
    }
    uint32_t length = 0;
    std::string value;
    if (!input.ReadVarint32(&length) || !input.ReadString(&value, static_cast<int>(length))) {
      return std::nullopt;
    }
    if (field->type() == FieldDescriptor::TYPE_MESSAGE && !field->is_repeated()) {
      singular_messages[field] += value;
      continue;
    }
    std::string path = prefix + field->name();
    if (field->is_repeated()) path += "[" + std::to_string(occurrences[field->number()]++) + "]";
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (model::Utf8Length(value) == SIZE_MAX) return path;
    } else if (depth < kMaxDepth) {
      if (auto inner = FindInvalidUtf8(*field->message_type(), value, path + ".", depth + 1)) {
        return inner;
      }
    }
  }
  for (const auto& [field, value] : singular_messages) {
    if (depth >= kMaxDepth) break;
    if (auto inner = FindInvalidUtf8(*field->message_type(), value, prefix + field->name() + ".",
                                     depth + 1)) {
      return inner;
    }
  }
  return std::nullopt;
}

// The request's bytes in one piece (they usually arrive as one slice).
std::string Flatten(const grpc::ByteBuffer& bytes) {
  std::vector<grpc::Slice> slices;
  std::string flat;
  if (!bytes.Dump(&slices).ok()) return flat;
  for (const grpc::Slice& slice : slices) {
    flat.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return flat;
}

}  // namespace

std::optional<std::string> FindInvalidUtf8Field(const google::protobuf::Descriptor& type,
                                                std::string_view wire) {
  return FindInvalidUtf8(type, wire, "", 0);
}

grpc::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request) {
  bool parsed = false;
  {
    const ProtobufLogMute mute;  // this thread's parse only
    // ProtoBufferReader only reads the buffer, whatever its signature says.
    grpc::ProtoBufferReader reader(const_cast<grpc::ByteBuffer*>(&bytes));
    parsed = request->ParseFromZeroCopyStream(&reader);
  }
  if (parsed) return grpc::Status::OK;
  const google::protobuf::Descriptor& type = *request->GetDescriptor();
  request->Clear();
  if (const std::optional<std::string> field = FindInvalidUtf8Field(type, Flatten(bytes))) {
    return InvalidArgumentStatus(*field, "must be valid UTF-8");
  }
  return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT,
                    "the request is not a valid " + type.full_name() + " message",
                    "MALFORMED_REQUEST");
}

}  // namespace photoflow::api
