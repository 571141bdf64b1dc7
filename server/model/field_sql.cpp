#include "model/field_sql.hpp"

namespace photoflow::model {

std::string SelectSql(const FieldSpec& field) {
  if (field.type == FieldType::kTimestamp) {
    return "(extract(epoch FROM " + std::string(field.column) + ") * 1000)::bigint";
  }
  return std::string(field.column);
}

namespace {

// The type a value of `type` travels as (ParameterText).
std::string_view WireType(FieldType type) {
  switch (type) {
    case FieldType::kInteger:
      return "integer";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kTimestamp:
      return "bigint";  // milliseconds since the epoch
    case FieldType::kText:
    case FieldType::kRelation:
      return "text";
  }
  return "text";
}

}  // namespace

std::string ElementSql(FieldType type, const std::string& element) {
  // Assigned to a TIMESTAMP(3) column, the value keeps its milliseconds.
  if (type == FieldType::kTimestamp) {
    return "('epoch'::timestamp + " + element + " * interval '1 millisecond')";
  }
  return element;
}

std::string ParameterSql(FieldType type, int index) {
  return ElementSql(type, "$" + std::to_string(index) + "::" + std::string(WireType(type)));
}

std::string ArrayParameterSql(FieldType type, int index) {
  return "$" + std::to_string(index) + "::" + std::string(WireType(type)) + "[]";
}

std::string ArrayText(const std::vector<std::string>& elements) {
  std::string text = "{";
  for (const std::string& element : elements) {
    if (text.size() > 1) text += ',';
    text += '"';
    for (const char c : element) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    text += '"';
  }
  text += '}';
  return text;
}

std::string ParameterText(FieldType type, const FieldValue& value) {
  switch (type) {
    case FieldType::kInteger:
    case FieldType::kTimestamp:
      return std::to_string(value.number);
    case FieldType::kBoolean:
      return value.number != 0 ? "true" : "false";
    case FieldType::kText:
    case FieldType::kRelation:
      return value.text;
  }
  return value.text;
}

}  // namespace photoflow::model
