#pragma once

#include <array>

#include "model/field.hpp"

namespace photoflow::model {

// THE list of photoflow.v1.Task fields: one row per field of the proto
// message, in its field-number order, each with its column in the Prisma
// app's "Tasks" table. Adding a field is adding a row here (plus the proto
// field, the migration and schema.prisma: docs/adding-a-field.md). Unit tests
// check this list against the proto message; the schema test against the
// migrated table.
// clang-format off
inline constexpr auto kTaskFields = std::to_array<FieldSpec>({
  // name                      column                     type                   flags                                                  max chars  empty means
  {"id",                     "id",                      FieldType::kInteger,   kOutputOnly | kFilterable | kSortable},
  {"created_at",             "created_at",              FieldType::kTimestamp, kOutputOnly | kFilterable | kSortable},
  {"due_at",                 "\"dueAt\"",               FieldType::kTimestamp, kWritable | kRequired | kFilterable | kSortable},
  {"title",                  "task",                    FieldType::kText,      kWritable | kRequired | kFilterable | kSortable,       500},
  {"additional_information", "additional_information",  FieldType::kText,      kWritable | kFilterable | kSortable | kMultiline,      10000},
  {"status",                 "status",                  FieldType::kText,      kWritable | kRequired | kFilterable | kSortable,       500},
  {"is_finished",            "is_finished",             FieldType::kBoolean,   kWritable | kFilterable | kSortable},
  {"task_column",            "\"taskColumn\"",          FieldType::kText,      kWritable | kFilterable | kSortable,                   500,       "1"},
  {"amount_of_comments",     "amount_of_comments",      FieldType::kInteger,   kOutputOnly | kFilterable | kSortable},
  {"comments",               "",                        FieldType::kRelation,  kOutputOnly},
  // PostgreSQL's row version: changes with every write to the row, by any
  // program, without a column of our own in "Tasks".
  {"etag",                   "xmin::text",              FieldType::kText,      kOutputOnly},
});
// clang-format on

using TaskRow = Record<kTaskFields>;

// The fields that code refers to by name (checked at compile time).
inline constexpr FieldIndex kTaskId = IndexOf(kTaskFields, "id");
inline constexpr FieldIndex kTaskComments = IndexOf(kTaskFields, "comments");
inline constexpr FieldIndex kTaskEtag = IndexOf(kTaskFields, "etag");

inline constexpr FieldSet kAllTaskFields = AllFields(kTaskFields);
// What a row read selects by default: every column.
inline constexpr FieldSet kTaskColumns = StoredFields(kTaskFields);
inline constexpr FieldSet kWritableTaskFields = FieldsWith(kTaskFields, kWritable);

}  // namespace photoflow::model
