#include "query/task_fields.hpp"

namespace photoflow::query {

const std::vector<QueryField>& TaskQueryFields() {
  static const std::vector<QueryField> fields = {
      {"id", "id", FieldType::kInteger},
      {"title", "task", FieldType::kText},
      {"additional_information", "additional_information", FieldType::kText},
      {"status", "status", FieldType::kText},
      {"is_finished", "is_finished", FieldType::kBoolean},
      {"task_column", "\"taskColumn\"", FieldType::kText},
      {"due_at", "\"dueAt\"", FieldType::kTimestamp},
      {"created_at", "created_at", FieldType::kTimestamp},
      {"amount_of_comments", "amount_of_comments", FieldType::kInteger},
  };
  return fields;
}

const QueryField* FindTaskField(std::string_view name) {
  for (const QueryField& field : TaskQueryFields()) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::string TaskQueryFieldNames() {
  std::string names;
  for (const QueryField& field : TaskQueryFields()) {
    if (!names.empty()) names += ", ";
    names += field.name;
  }
  return names;
}

std::string TypedParameterSql(FieldType type, int index) {
  std::string parameter = "$" + std::to_string(index);
  switch (type) {
    case FieldType::kInteger:
      return parameter + "::integer";
    case FieldType::kBoolean:
      return parameter + "::boolean";
    case FieldType::kTimestamp:
      return "('epoch'::timestamp + " + parameter + "::bigint * interval '1 millisecond')";
    case FieldType::kText:
      return parameter + "::text";
  }
  return parameter;
}

}  // namespace photoflow::query
