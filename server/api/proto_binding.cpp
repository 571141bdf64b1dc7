#include "api/proto_binding.hpp"

#include <algorithm>
#include <stdexcept>

namespace photoflow::api {
namespace {

using google::protobuf::FieldDescriptor;

int64_t FloorDiv(int64_t value, int64_t divisor) {
  const int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

// Empty when the message field can hold the registry field's values.
std::string TypeMismatch(const model::FieldSpec& spec, const FieldDescriptor& field) {
  const bool repeated = field.is_repeated();
  switch (spec.type) {
    case model::FieldType::kInteger:
      if (!repeated && field.cpp_type() == FieldDescriptor::CPPTYPE_INT32) return {};
      return "is kInteger but the message field is not a singular int32";
    case model::FieldType::kText:
      if (!repeated && field.cpp_type() == FieldDescriptor::CPPTYPE_STRING) return {};
      return "is kText but the message field is not a singular string";
    case model::FieldType::kBoolean:
      if (!repeated && field.cpp_type() == FieldDescriptor::CPPTYPE_BOOL) return {};
      return "is kBoolean but the message field is not a singular bool";
    case model::FieldType::kTimestamp:
      if (!repeated && field.message_type() == google::protobuf::Timestamp::descriptor()) {
        return {};
      }
      return "is kTimestamp but the message field is not a google.protobuf.Timestamp";
    case model::FieldType::kRelation:
      if (repeated && field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) return {};
      return "is kRelation but the message field is not a repeated message";
  }
  return "has an unknown type";
}

}  // namespace

int64_t ToEpochMillis(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() * 1000 + timestamp.nanos() / 1'000'000;
}

google::protobuf::Timestamp FromEpochMillis(int64_t millis) {
  google::protobuf::Timestamp timestamp;
  const int64_t seconds = FloorDiv(millis, 1000);
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>((millis - seconds * 1000) * 1'000'000));
  return timestamp;
}

std::vector<const FieldDescriptor*> ResolveMessageFields(
    std::span<const model::FieldSpec> registry, const google::protobuf::Descriptor& message) {
  std::vector<const FieldDescriptor*> fields;
  std::string problems;
  for (const model::FieldSpec& spec : registry) {
    const FieldDescriptor* field = message.FindFieldByName(std::string(spec.name));
    fields.push_back(field);
    if (field == nullptr) {
      problems +=
          "; registry field '" + std::string(spec.name) + "' is not in " + message.full_name();
    } else if (const std::string mismatch = TypeMismatch(spec, *field); !mismatch.empty()) {
      problems += "; registry field '" + std::string(spec.name) + "' " + mismatch;
    }
  }
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor* field = message.field(i);
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      problems += "; " + field->full_name() + " has no registry row";
    }
  }
  if (!problems.empty()) {
    throw std::logic_error("field registry and " + message.full_name() +
                           " disagree: " + problems.substr(2));
  }
  return fields;
}

}  // namespace photoflow::api
