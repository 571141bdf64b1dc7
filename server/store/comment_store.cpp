#include "store/comment_store.hpp"

#include <pqxx/result>

#include "db/exec.hpp"
#include "store/sql_fragments.hpp"

namespace photoflow::store::comments {
namespace {

#define PF_COMMENT_COLUMNS "id, " PF_EPOCH_MS("created_at") ", task_id, comment"

CommentRow ReadComment(const pqxx::row& row) {
  CommentRow comment;
  comment.id = row[0].as<int32_t>();
  comment.created_at_ms = row[1].as<int64_t>();
  comment.task_id = row[2].as<int32_t>();
  comment.text = row[3].as<std::string>();
  return comment;
}

std::vector<CommentRow> ReadComments(const pqxx::result& result) {
  std::vector<CommentRow> comments;
  comments.reserve(result.size());
  for (const pqxx::row& row : result) comments.push_back(ReadComment(row));
  return comments;
}

}  // namespace

std::optional<CommentRow> Insert(pqxx::transaction_base& txn, int32_t task_id,
                                 const std::string& text) {
  // The counter update runs first (the INSERT reads its output), so the task's
  // row lock is always taken before any comment row is touched: the same
  // order as DeleteComment and the cascade of DeleteTask, hence no deadlocks.
  const pqxx::result result =
      db::Exec(txn,
               "WITH task AS (UPDATE \"Tasks\" SET amount_of_comments = amount_of_comments + 1 "
               "WHERE id = $1 RETURNING id) "
               "INSERT INTO task_comments (task_id, comment) SELECT id, $2 FROM task "
               "RETURNING " PF_COMMENT_COLUMNS,
               task_id, text);
  if (result.empty()) return std::nullopt;
  return ReadComment(result[0]);
}

std::optional<CommentRow> Find(pqxx::transaction_base& txn, int32_t id) {
  const pqxx::result result =
      db::Exec(txn, "SELECT " PF_COMMENT_COLUMNS " FROM task_comments WHERE id = $1", id);
  if (result.empty()) return std::nullopt;
  return ReadComment(result[0]);
}

std::vector<CommentRow> ListAfter(pqxx::transaction_base& txn, int32_t task_id, int32_t after_id,
                                  int limit) {
  return ReadComments(db::Exec(txn,
                               "SELECT " PF_COMMENT_COLUMNS
                               " FROM task_comments WHERE task_id = $1 AND id > $2 "
                               "ORDER BY id LIMIT $3",
                               task_id, after_id, limit));
}

std::vector<CommentRow> ListForTasks(pqxx::transaction_base& txn,
                                     const std::vector<int32_t>& task_ids) {
  if (task_ids.empty()) return {};
  std::string id_array = "{";
  for (size_t i = 0; i < task_ids.size(); ++i) {
    if (i > 0) id_array += ',';
    id_array += std::to_string(task_ids[i]);
  }
  id_array += '}';
  return ReadComments(db::Exec(txn,
                               "SELECT " PF_COMMENT_COLUMNS
                               " FROM task_comments WHERE task_id = ANY($1::integer[]) "
                               "ORDER BY task_id, id",
                               id_array));
}

std::optional<CommentRow> UpdateText(pqxx::transaction_base& txn, int32_t id,
                                     const std::string& text) {
  const pqxx::result result = db::Exec(
      txn, "UPDATE task_comments SET comment = $2 WHERE id = $1 RETURNING " PF_COMMENT_COLUMNS, id,
      text);
  if (result.empty()) return std::nullopt;
  return ReadComment(result[0]);
}

bool Delete(pqxx::transaction_base& txn, int32_t id) {
  const pqxx::result owner = db::Exec(txn, "SELECT task_id FROM task_comments WHERE id = $1", id);
  if (owner.empty()) return false;
  const auto task_id = owner[0][0].as<int32_t>();
  // Lock the task first (the order every comment write uses), then delete and
  // decrement in one statement; a concurrent delete of the same comment finds
  // nothing once it gets the lock and changes nothing.
  db::Exec(txn, "SELECT 1 FROM \"Tasks\" WHERE id = $1 FOR UPDATE", task_id);
  const pqxx::result deleted = db::Exec(
      txn,
      "WITH gone AS (DELETE FROM task_comments WHERE id = $1 AND task_id = $2 RETURNING id) "
      "UPDATE \"Tasks\" SET amount_of_comments = amount_of_comments - (SELECT count(*) FROM gone) "
      "WHERE id = $2 AND EXISTS (SELECT 1 FROM gone) RETURNING id",
      id, task_id);
  return !deleted.empty();
}

}  // namespace photoflow::store::comments
