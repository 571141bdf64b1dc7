#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <google/protobuf/field_mask.pb.h>

#include "api/field_masks.hpp"
#include "api/mapping.hpp"
#include "db/session.hpp"
#include "query/filter.hpp"
#include "store/rows.hpp"

// What the TaskService methods that read tasks share: read masks, a filter
// compiled for a request, and tasks read with or without their comments.
namespace photoflow::api {

ReadMask ParseTaskReadMask(const google::protobuf::FieldMask& mask);

bool IncludesComments(const ReadMask& mask);

// `filter` compiled with parameters from $first_parameter; INVALID_ARGUMENT
// naming `field` when it cannot be used.
query::SqlCondition CompileFilter(const std::string& filter, int first_parameter,
                                  std::string_view field = "filter");

// Tasks with their comments are two statements that must see one snapshot: a
// read-only transaction. Without comments the read is one statement, run
// without BEGIN and COMMIT: one round trip.
template <typename Work>
auto ReadTasks(db::Session& session, const ReadMask& mask, Work&& work) {
  return IncludesComments(mask) ? session.Read(work) : session.ReadStatement(work);
}

// Rows read for a response. Messages are built from them only after the
// transaction has committed, because a Session may run its work twice.
struct TaskRows {
  std::vector<store::TaskRow> tasks;
  std::vector<store::CommentRow> comments;  // of all `tasks`, when requested
};

// `tasks` and, when `include_comments`, their comments (one query for all).
TaskRows ReadComments(db::Transaction& txn, std::vector<store::TaskRow> tasks,
                      bool include_comments);

// Writes each task's masked fields (with its comments) into the message
// `next_task()` returns.
template <typename NextTask>
void EmitTasks(const TaskRows& rows, const ReadMask& mask, NextTask next_task) {
  std::unordered_map<int32_t, v1::Task*> by_id;
  for (const store::TaskRow& row : rows.tasks) {
    v1::Task* task = next_task();
    ToProto(row, mask.fields, task);
    by_id[row.int32(model::kTaskId)] = task;
  }
  for (const store::CommentRow& comment : rows.comments) {
    ToProto(comment, by_id.at(comment.int32(model::kCommentTaskId))->add_comments());
  }
}

}  // namespace photoflow::api
