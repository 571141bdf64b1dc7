#include "model/field_sql.hpp"

namespace photoflow::model {

std::string SelectSql(const FieldSpec& field) {
  if (field.type == FieldType::kTimestamp) {
    return "(extract(epoch FROM " + std::string(field.column) + ") * 1000)::bigint";
  }
  return std::string(field.column);
}

std::string ParameterSql(FieldType type, int index) {
  std::string parameter = "$" + std::to_string(index);
  switch (type) {
    case FieldType::kInteger:
      return parameter + "::integer";
    case FieldType::kBoolean:
      return parameter + "::boolean";
    case FieldType::kTimestamp:
      // Assigned to a TIMESTAMP(3) column, the value keeps its milliseconds.
      return "('epoch'::timestamp + " + parameter + "::bigint * interval '1 millisecond')";
    case FieldType::kText:
    case FieldType::kRelation:
      return parameter + "::text";
  }
  return parameter;
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
