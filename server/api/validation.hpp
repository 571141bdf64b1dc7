#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include "api/proto_binding.hpp"

// Input rules of the API (docs/api.md, "Limits"). Each check throws
// StatusError(INVALID_ARGUMENT) naming the field.
namespace photoflow::api {

enum class Presence { kRequired, kOptional };

enum class Lines { kOne, kMany };

// Valid UTF-8 without NUL (PostgreSQL TEXT cannot hold NUL) or other control
// characters (kMany allows tabs and line breaks), at most `max_chars`
// characters, and not blank (empty or only spaces) when required.
void CheckText(std::string_view field, std::string_view value, Presence presence, size_t max_chars,
               Lines lines = Lines::kOne);

// A positive resource id.
void CheckId(std::string_view field, int64_t id);

// A set, valid timestamp (0001-01-01 to 9999-12-31, nanos in range).
void CheckTimestamp(std::string_view field, bool present,
                    const google::protobuf::Timestamp& timestamp);

// Checks the `fields` of `message` against their registry rules (required,
// longest text; integers are ids and must be positive when required), naming
// each as `prefix` + its name, e.g. "task.title". Stops at the first problem.
template <typename Record>
void CheckFields(const ProtoBinding<Record>& binding, const google::protobuf::Message& message,
                 model::FieldSet fields, std::string_view prefix);

template <typename Record>
void CheckFields(const ProtoBinding<Record>& binding, const google::protobuf::Message& message,
                 model::FieldSet fields, std::string_view prefix) {
  std::string scratch;
  for (size_t i = 0; i < Record::kSize; ++i) {
    if ((fields & model::Bit(i)) == 0) continue;
    const model::FieldSpec& spec = Record::kSpecs[i];
    const bool required = spec.Has(model::kRequired);
    const std::string name = std::string(prefix) + std::string(spec.name);
    switch (spec.type) {
      case model::FieldType::kText:
        CheckText(name, binding.Text(message, i, &scratch),
                  required ? Presence::kRequired : Presence::kOptional, spec.max_chars,
                  spec.Has(model::kMultiline) ? Lines::kMany : Lines::kOne);
        break;
      case model::FieldType::kTimestamp:
        if (required || binding.Has(message, i)) {
          CheckTimestamp(name, binding.Has(message, i), binding.Timestamp(message, i));
        }
        break;
      case model::FieldType::kInteger:
        if (required) CheckId(name, binding.Int32(message, i));
        break;
      case model::FieldType::kBoolean:
      case model::FieldType::kRelation:
        break;
    }
  }
}

}  // namespace photoflow::api
