#pragma once

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include "model/field.hpp"

// Proto mapping derived from a field registry (model/): each registry field is
// the message field of the same name, read and written through protobuf
// reflection, so adding a field needs no mapping code.
namespace photoflow::api {

// Milliseconds since the epoch; finer fractions are truncated toward the past.
int64_t ToEpochMillis(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp FromEpochMillis(int64_t millis);

// The message fields of `registry`'s fields, by registry index. Throws
// std::logic_error listing every mismatch: a registry field the message lacks
// or whose type differs (kInteger: int32, kText: string, kBoolean: bool,
// kTimestamp: google.protobuf.Timestamp, kRelation: a repeated message), and
// a message field the registry lacks.
std::vector<const google::protobuf::FieldDescriptor*> ResolveMessageFields(
    std::span<const model::FieldSpec> registry, const google::protobuf::Descriptor& message);

template <typename Record>
class ProtoBinding {
 public:
  explicit ProtoBinding(const google::protobuf::Descriptor& message) {
    const std::vector<const google::protobuf::FieldDescriptor*> resolved =
        ResolveMessageFields(Record::kSpecs, message);
    std::copy(resolved.begin(), resolved.end(), fields_.begin());
  }

  // Sets the `fields` of `message` from `record`; relations are left alone.
  void Write(const Record& record, model::FieldSet fields,
             google::protobuf::Message* message) const {
    const google::protobuf::Reflection& reflection = *message->GetReflection();
    for (size_t i = 0; i < Record::kSize; ++i) {
      if ((fields & model::Bit(i)) == 0) continue;
      const google::protobuf::FieldDescriptor* field = fields_[i];
      switch (Record::kSpecs[i].type) {
        case model::FieldType::kInteger:
          reflection.SetInt32(message, field, record.int32(i));
          break;
        case model::FieldType::kText:
          reflection.SetString(message, field, record.text(i));
          break;
        case model::FieldType::kBoolean:
          reflection.SetBool(message, field, record.boolean(i));
          break;
        case model::FieldType::kTimestamp:
          // ResolveMessageFields checked the type: a generated Timestamp.
          *static_cast<google::protobuf::Timestamp*>(reflection.MutableMessage(message, field)) =
              FromEpochMillis(record.number(i));
          break;
        case model::FieldType::kRelation:
          break;
      }
    }
  }

  // The `fields` of `message` as a record (relations excluded).
  Record Read(const google::protobuf::Message& message, model::FieldSet fields) const {
    const google::protobuf::Reflection& reflection = *message.GetReflection();
    Record record;
    for (size_t i = 0; i < Record::kSize; ++i) {
      if ((fields & model::Bit(i)) == 0) continue;
      const google::protobuf::FieldDescriptor* field = fields_[i];
      switch (Record::kSpecs[i].type) {
        case model::FieldType::kInteger:
          record[i].number = reflection.GetInt32(message, field);
          break;
        case model::FieldType::kText:
          record[i].text = reflection.GetString(message, field);
          break;
        case model::FieldType::kBoolean:
          record[i].number = reflection.GetBool(message, field) ? 1 : 0;
          break;
        case model::FieldType::kTimestamp:
          record[i].number = ToEpochMillis(Timestamp(message, i));
          break;
        case model::FieldType::kRelation:
          break;
      }
    }
    return record;
  }

  // Whether a message-typed field (a timestamp) is set.
  bool Has(const google::protobuf::Message& message, model::FieldIndex index) const {
    return message.GetReflection()->HasField(message, fields_[index]);
  }
  const google::protobuf::Timestamp& Timestamp(const google::protobuf::Message& message,
                                               model::FieldIndex index) const {
    return static_cast<const google::protobuf::Timestamp&>(
        message.GetReflection()->GetMessage(message, fields_[index]));
  }
  const std::string& Text(const google::protobuf::Message& message, model::FieldIndex index,
                          std::string* scratch) const {
    return message.GetReflection()->GetStringReference(message, fields_[index], scratch);
  }
  int32_t Int32(const google::protobuf::Message& message, model::FieldIndex index) const {
    return message.GetReflection()->GetInt32(message, fields_[index]);
  }

 private:
  std::array<const google::protobuf::FieldDescriptor*, Record::kSize> fields_{};
};

}  // namespace photoflow::api
