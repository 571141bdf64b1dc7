#include "store/comment_store.hpp"

#include <stdexcept>

#include "store/record_sql.hpp"

namespace photoflow::store::comments {
namespace {

using model::kCommentColumns;
using model::kCommentFields;

std::string Column(model::FieldIndex field) { return std::string(kCommentFields[field].column); }

// Statements whose text includes the registry's columns, built once.
struct CommentQueries {
  explicit CommentQueries(const std::string& columns)
      : insert_text(
            // The counter update runs first (the INSERT reads its output), so
            // the task's row lock is always taken before any comment row is
            // touched: the same order as DeleteComment and the cascade of
            // DeleteTask, hence no deadlocks.
            R"sql(WITH task AS (UPDATE "Tasks" SET amount_of_comments = amount_of_comments + 1
WHERE id = $1 RETURNING id)
INSERT INTO task_comments ()sql" +
            Column(model::kCommentTaskId) + ", " + Column(model::kCommentText) +
            ") SELECT id, $2 FROM task RETURNING " + columns),
        // Ids are drawn from the column's sequence before the INSERT, so that
        // the rows it returns are matched to their inputs by id and ordinal,
        // never by the order of RETURNING. The tasks are locked in id order
        // first: the UPDATE only touches rows `locked` has emitted.
        insert_many_text(
            R"sql(WITH input AS MATERIALIZED (
  SELECT task_id, body, ordinal
  FROM unnest($1::integer[], $2::text[]) WITH ORDINALITY AS rows(task_id, body, ordinal)),
locked AS MATERIALIZED (
  SELECT id FROM "Tasks" WHERE id IN (SELECT task_id FROM input) ORDER BY id FOR UPDATE),
counted AS (
  UPDATE "Tasks" SET amount_of_comments = amount_of_comments + added.n
  FROM (SELECT task_id, count(*) AS n FROM input GROUP BY task_id) AS added
  WHERE "Tasks".id = added.task_id AND "Tasks".id IN (SELECT id FROM locked)
  RETURNING "Tasks".id),
numbered AS MATERIALIZED (
  SELECT nextval(pg_catalog.pg_get_serial_sequence('task_comments', 'id'))::integer AS id,
         task_id, body, ordinal
  FROM input WHERE task_id IN (SELECT id FROM counted)),
inserted AS (
  INSERT INTO task_comments (id, )sql" +
            Column(model::kCommentTaskId) + ", " + Column(model::kCommentText) +
            ") SELECT id, task_id, body FROM numbered ORDER BY ordinal RETURNING " + columns +
            ")\nSELECT inserted.*, numbered.ordinal FROM inserted JOIN numbered USING (id)"),
        find_text("SELECT " + columns + " FROM task_comments WHERE id = $1"),
        list_after_text("SELECT " + columns +
                        " FROM task_comments WHERE task_id = $1 AND id > $2 ORDER BY id LIMIT $3"),
        list_for_tasks_text("SELECT " + columns +
                            " FROM task_comments WHERE task_id = ANY($1::integer[]) "
                            "ORDER BY task_id, id"),
        update_text_text("UPDATE task_comments SET " + Column(model::kCommentText) +
                         " = $2 WHERE id = $1 RETURNING " + columns) {}
  // The queries view the strings above.
  CommentQueries(const CommentQueries&) = delete;
  CommentQueries& operator=(const CommentQueries&) = delete;

  std::string insert_text;
  std::string insert_many_text;
  std::string find_text;
  std::string list_after_text;
  std::string list_for_tasks_text;
  std::string update_text_text;
  db::Query insert{insert_text, "comment_insert"};
  db::Query insert_many{insert_many_text, "comment_insert_many"};
  db::Query find{find_text, "comment_find"};
  db::Query list_after{list_after_text, "comment_list_after"};
  db::Query list_for_tasks{list_for_tasks_text, "comment_list_for_tasks"};
  db::Query update_text{update_text_text, "comment_update_text"};
};

const CommentQueries& Queries() {
  static const CommentQueries queries(SelectList(kCommentFields, kCommentColumns));
  return queries;
}

// Deletes the comment and decrements its task's counter in one statement.
// The task's row is locked first (the order every comment write and the
// cascade of DeleteTask use), before the comment row is touched. A
// concurrent delete of the same comment waits for that lock, then finds the
// comment gone and changes nothing.
constexpr db::Query kDeleteAndDecrement{
    R"sql(WITH owner AS (SELECT task_id FROM task_comments WHERE id = $1),
locked AS (SELECT id FROM "Tasks" WHERE id IN (SELECT task_id FROM owner) FOR UPDATE),
gone AS (DELETE FROM task_comments WHERE id = $1 AND task_id IN (SELECT id FROM locked)
  RETURNING task_id)
UPDATE "Tasks" SET amount_of_comments = amount_of_comments - 1
WHERE id IN (SELECT task_id FROM gone) RETURNING id)sql",
    "comment_delete"};

std::optional<CommentRow> FirstComment(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return ReadRecord<CommentRow>(result[0], kCommentColumns);
}

}  // namespace

const db::Query& InsertQuery() { return Queries().insert; }
const db::Query& InsertManyQuery() { return Queries().insert_many; }
const db::Query& ListForTasksQuery() { return Queries().list_for_tasks; }

std::optional<CommentRow> Insert(db::Transaction& txn, int32_t task_id, const std::string& text) {
  return FirstComment(txn.Exec(Queries().insert, task_id, text));
}

std::vector<std::optional<CommentRow>> InsertMany(db::Transaction& txn,
                                                  const std::vector<NewComment>& comments) {
  std::vector<std::string> task_ids;
  std::vector<std::string> texts;
  task_ids.reserve(comments.size());
  texts.reserve(comments.size());
  for (const NewComment& comment : comments) {
    task_ids.push_back(std::to_string(comment.task_id));
    texts.push_back(comment.text);
  }
  const pqxx::result result =
      txn.Exec(Queries().insert_many, model::ArrayText(task_ids), model::ArrayText(texts));
  std::vector<std::optional<CommentRow>> rows(comments.size());
  for (const pqxx::row& row : result) {
    const auto ordinal = row[row.size() - 1].as<int64_t>();
    if (ordinal < 1 || ordinal > static_cast<int64_t>(comments.size()) || rows[ordinal - 1]) {
      throw std::logic_error("comment_insert_many returned ordinal " + std::to_string(ordinal));
    }
    rows[ordinal - 1] = ReadRecord<CommentRow>(row, kCommentColumns);
  }
  return rows;
}

std::optional<CommentRow> Find(db::Transaction& txn, int32_t id) {
  return FirstComment(txn.Exec(Queries().find, id));
}

std::vector<CommentRow> ListAfter(db::Transaction& txn, int32_t task_id, int32_t after_id,
                                  int limit) {
  return ReadRecords<CommentRow>(txn.Exec(Queries().list_after, task_id, after_id, limit),
                                 kCommentColumns);
}

std::vector<CommentRow> ListForTasks(db::Transaction& txn, const std::vector<int32_t>& task_ids) {
  if (task_ids.empty()) return {};
  std::string id_array = "{";
  for (size_t i = 0; i < task_ids.size(); ++i) {
    if (i > 0) id_array += ',';
    id_array += std::to_string(task_ids[i]);
  }
  id_array += '}';
  return ReadRecords<CommentRow>(txn.Exec(Queries().list_for_tasks, id_array), kCommentColumns);
}

std::optional<CommentRow> UpdateText(db::Transaction& txn, int32_t id, const std::string& text) {
  return FirstComment(txn.Exec(Queries().update_text, id, text));
}

bool Delete(db::Transaction& txn, int32_t id) { return !txn.Exec(kDeleteAndDecrement, id).empty(); }

}  // namespace photoflow::store::comments
