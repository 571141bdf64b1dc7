#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/transaction.hpp"
#include "store/rows.hpp"

// Every SQL statement that touches "task_comments" on behalf of CommentService
// (and TaskService's read_mask "comments"). Column lists derive from the
// Comment registry (model/comment_fields.hpp).
namespace photoflow::store::comments {

// Inserts a comment and increments its task's amount_of_comments, in that
// task's row-lock order; nullopt when the task does not exist.
std::optional<CommentRow> Insert(db::Transaction& txn, int32_t task_id, const std::string& text);

// A comment to insert: its task and its text.
struct NewComment {
  int32_t task_id = 0;
  std::string text;
};

// Inserts every comment of `comments` in one statement, each task's
// amount_of_comments raised by its new comments, the tasks locked in id order
// (so that concurrent batches cannot deadlock). Element i of the result is
// the new row of comments[i], matched by an explicit ordinal, or nullopt when
// its task does not exist.
std::vector<std::optional<CommentRow>> InsertMany(db::Transaction& txn,
                                                  const std::vector<NewComment>& comments);

std::optional<CommentRow> Find(db::Transaction& txn, int32_t id);

// Up to `limit` comments of a task with id > after_id, oldest first.
std::vector<CommentRow> ListAfter(db::Transaction& txn, int32_t task_id, int32_t after_id,
                                  int limit);

// Every comment of the given tasks, oldest first, in one query.
std::vector<CommentRow> ListForTasks(db::Transaction& txn, const std::vector<int32_t>& task_ids);

std::optional<CommentRow> UpdateText(db::Transaction& txn, int32_t id, const std::string& text);

// Deletes a comment and decrements its task's amount_of_comments; false when
// the comment does not exist.
bool Delete(db::Transaction& txn, int32_t id);

// Statements for tools that replay them: Insert's ($1 task id, $2 text) and
// ListForTasks' ($1 an integer[] of task ids).
const db::Query& InsertQuery();
const db::Query& InsertManyQuery();  // $1 integer[] of task ids, $2 text[] of texts
const db::Query& ListForTasksQuery();

}  // namespace photoflow::store::comments
