#include "query/task_fields.hpp"

namespace photoflow::query {
namespace {

using model::kTaskFields;

const FieldSpec* FindWith(std::string_view name, model::FieldFlag flag) {
  const model::FieldIndex index = model::FindField(kTaskFields, name);
  if (index == kTaskFields.size() || !kTaskFields[index].Has(flag)) return nullptr;
  return &kTaskFields[index];
}

std::string NamesWith(model::FieldFlag flag) {
  std::string names;
  for (const FieldSpec& field : kTaskFields) {
    if (!field.Has(flag)) continue;
    if (!names.empty()) names += ", ";
    names += field.name;
  }
  return names;
}

}  // namespace

const FieldSpec* FindFilterableTaskField(std::string_view name) {
  return FindWith(name, model::kFilterable);
}

const FieldSpec* FindSortableTaskField(std::string_view name) {
  return FindWith(name, model::kSortable);
}

std::string FilterableTaskFieldNames() { return NamesWith(model::kFilterable); }
std::string SortableTaskFieldNames() { return NamesWith(model::kSortable); }

model::FieldIndex TaskFieldIndex(const FieldSpec* field) {
  return static_cast<model::FieldIndex>(field - kTaskFields.data());
}

}  // namespace photoflow::query
