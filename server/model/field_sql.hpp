#pragma once

#include <string>

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

}  // namespace photoflow::model
