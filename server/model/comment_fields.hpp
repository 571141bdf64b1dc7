#pragma once

#include <array>

#include "model/field.hpp"

namespace photoflow::model {

// THE list of photoflow.v1.Comment fields, each with its column in the Prisma
// app's "task_comments" table (see task_fields.hpp).
// clang-format off
inline constexpr auto kCommentFields = std::to_array<FieldSpec>({
  // name        column         type                   flags                               max chars
  {"id",         "id",          FieldType::kInteger,   kOutputOnly},
  {"created_at", "created_at",  FieldType::kTimestamp, kOutputOnly},
  {"task_id",    "task_id",     FieldType::kInteger,   kWritable | kImmutable | kRequired},
  {"text",       "comment",     FieldType::kText,      kWritable | kRequired | kMultiline, 10000},
});
// clang-format on

using CommentRow = Record<kCommentFields>;

inline constexpr FieldIndex kCommentId = IndexOf(kCommentFields, "id");
inline constexpr FieldIndex kCommentTaskId = IndexOf(kCommentFields, "task_id");
inline constexpr FieldIndex kCommentText = IndexOf(kCommentFields, "text");

inline constexpr FieldSet kCommentColumns = StoredFields(kCommentFields);

}  // namespace photoflow::model
