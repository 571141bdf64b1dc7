#pragma once

#include <string>
#include <vector>

#include "model/field.hpp"

// The SQL of a registry field, shared by the statements (store/) and the
// filter and order_by compiler (query/). Column expressions come from the
// registry and parameters are $n placeholders: no client text ever.
namespace photoflow::model {

// The field's column as a statement selects it: timestamps as milliseconds
// since the Unix epoch (bigint), everything else as stored.
std::string SelectSql(const FieldSpec& field);

// Parameter $index (sent as text) converted to the field type's column type;
// timestamps travel as milliseconds since the Unix epoch, UTC.
std::string ParameterSql(FieldType type, int index);

// A value of `type` as a text parameter for ParameterSql.
std::string ParameterText(FieldType type, const FieldValue& value);

// For statements that take one array per field (a multi-row INSERT from
// unnest): parameter $index as an array of the type ParameterText values
// travel as ("$3::bigint[]" for timestamps), ...
std::string ArrayParameterSql(FieldType type, int index);
// ... an element of it converted to the column type, as ParameterSql does.
std::string ElementSql(FieldType type, const std::string& element);
// ... and the text of such an array parameter: a PostgreSQL array literal of
// `elements` (ParameterText values), each quoted and escaped.
std::string ArrayText(const std::vector<std::string>& elements);

}  // namespace photoflow::model
