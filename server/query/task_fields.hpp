#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace photoflow::query {

enum class FieldType { kInteger, kText, kBoolean, kTimestamp };

// A Task field that `filter` and `order_by` accept, with the SQL of its column.
struct QueryField {
  std::string_view name;    // API name, e.g. "due_at"
  std::string_view column;  // SQL, e.g. "\"dueAt\""
  FieldType type;
};

const std::vector<QueryField>& TaskQueryFields();

// nullptr when `name` is not a queryable Task field.
const QueryField* FindTaskField(std::string_view name);

// "id, title, ..." for error messages.
std::string TaskQueryFieldNames();

// SQL for parameter $index converted to the field's column type; timestamps
// travel as milliseconds since the epoch (UTC).
std::string TypedParameterSql(FieldType type, int index);

}  // namespace photoflow::query
