#pragma once

#include <string>
#include <string_view>

#include "model/task_fields.hpp"

// The Task fields that `filter` and `order_by` accept: the registry's rows
// flagged kFilterable and kSortable (model/task_fields.hpp).
namespace photoflow::query {

using model::FieldSpec;
using model::FieldType;

// nullptr when `name` is not a field `filter` may compare.
const FieldSpec* FindFilterableTaskField(std::string_view name);
// nullptr when `name` is not a field `order_by` may name.
const FieldSpec* FindSortableTaskField(std::string_view name);

// "id, created_at, ..." for error messages.
std::string FilterableTaskFieldNames();
std::string SortableTaskFieldNames();

// The registry index of a field FindFilterableTaskField or
// FindSortableTaskField returned.
model::FieldIndex TaskFieldIndex(const FieldSpec* field);

}  // namespace photoflow::query
