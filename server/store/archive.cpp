#include "store/archive.hpp"

#include <pqxx/result>

namespace photoflow::store::archive {
namespace {

// $1: due before (text, '' for any), $2: ids (int[], '{}' for any), $3: limit.
constexpr db::Query kLockTasksToArchive{
    R"sql(SELECT id FROM "Tasks"
WHERE is_finished
  AND ($1 = '' OR "dueAt" < $1::timestamp)
  AND (pg_catalog.cardinality($2::int[]) = 0 OR id = ANY ($2::int[]))
ORDER BY id LIMIT $3
FOR UPDATE SKIP LOCKED)sql",
    "archive_lock_tasks"};

constexpr db::Query kMoveToArchive{
    R"sql(WITH moved_comments AS (
  DELETE FROM task_comments WHERE task_id = ANY ($1::int[])
  RETURNING id, created_at, task_id, comment),
archived_comments AS (
  INSERT INTO photoflow_archived_task_comments (id, created_at, task_id, comment)
  SELECT id, created_at, task_id, comment FROM moved_comments RETURNING 1),
moved_tasks AS (
  DELETE FROM "Tasks" WHERE id = ANY ($1::int[])
  RETURNING id, created_at, "dueAt", task, additional_information, status, is_finished,
            amount_of_comments, "taskColumn"),
archived_tasks AS (
  INSERT INTO photoflow_archived_tasks (id, created_at, "dueAt", task, additional_information,
                                        status, is_finished, amount_of_comments, "taskColumn")
  SELECT * FROM moved_tasks RETURNING 1)
SELECT (SELECT pg_catalog.count(*) FROM archived_tasks),
       (SELECT pg_catalog.count(*) FROM archived_comments),
       (SELECT COALESCE(pg_catalog.sum(amount_of_comments), 0) FROM moved_tasks))sql",
    "archive_move_tasks"};

constexpr db::Query kLockArchivedTasks{
    R"sql(SELECT id FROM photoflow_archived_tasks
WHERE ($1 = '' OR "dueAt" < $1::timestamp)
  AND (pg_catalog.cardinality($2::int[]) = 0 OR id = ANY ($2::int[]))
ORDER BY id LIMIT $3
FOR UPDATE SKIP LOCKED)sql",
    "unarchive_lock_tasks"};

// The comments' foreign key is checked at the end of the statement, when
// every part of it has run (PostgreSQL runs the parts in no set order).
constexpr db::Query kMoveFromArchive{
    R"sql(WITH moved_tasks AS (
  DELETE FROM photoflow_archived_tasks WHERE id = ANY ($1::int[])
  RETURNING id, created_at, "dueAt", task, additional_information, status, is_finished,
            amount_of_comments, "taskColumn"),
restored_tasks AS (
  INSERT INTO "Tasks" (id, created_at, "dueAt", task, additional_information, status,
                       is_finished, amount_of_comments, "taskColumn")
  SELECT * FROM moved_tasks RETURNING 1),
moved_comments AS (
  DELETE FROM photoflow_archived_task_comments WHERE task_id = ANY ($1::int[])
  RETURNING id, created_at, task_id, comment),
restored_comments AS (
  INSERT INTO task_comments (id, created_at, task_id, comment)
  SELECT id, created_at, task_id, comment FROM moved_comments RETURNING 1)
SELECT (SELECT pg_catalog.count(*) FROM restored_tasks),
       (SELECT pg_catalog.count(*) FROM restored_comments),
       (SELECT COALESCE(pg_catalog.sum(amount_of_comments), 0) FROM moved_tasks))sql",
    "unarchive_move_tasks"};

// Tasks, their comments, and their amount_of_comments added up.
constexpr db::Query kCountToArchive{
    R"sql(WITH matching AS (
  SELECT id, amount_of_comments FROM "Tasks"
  WHERE is_finished
    AND ($1 = '' OR "dueAt" < $1::timestamp)
    AND (pg_catalog.cardinality($2::int[]) = 0 OR id = ANY ($2::int[])))
SELECT (SELECT pg_catalog.count(*) FROM matching),
       (SELECT pg_catalog.count(*) FROM task_comments WHERE task_id IN (SELECT id FROM matching)),
       (SELECT COALESCE(pg_catalog.sum(amount_of_comments), 0) FROM matching))sql",
    "archive_count"};

constexpr db::Query kCountArchived{
    R"sql(WITH matching AS (
  SELECT id, amount_of_comments FROM photoflow_archived_tasks
  WHERE ($1 = '' OR "dueAt" < $1::timestamp)
    AND (pg_catalog.cardinality($2::int[]) = 0 OR id = ANY ($2::int[])))
SELECT (SELECT pg_catalog.count(*) FROM matching),
       (SELECT pg_catalog.count(*) FROM photoflow_archived_task_comments
        WHERE task_id IN (SELECT id FROM matching)),
       (SELECT COALESCE(pg_catalog.sum(amount_of_comments), 0) FROM matching))sql",
    "archive_count_archived"};

// An int[] parameter in PostgreSQL's array text form ("{1,2,3}"): libpqxx 6
// binds no containers. Only numbers go in, as a parameter, never into SQL.
std::string IntArray(const std::vector<int>& values) {
  std::string text = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(values[i]);
  }
  return text + "}";
}

constexpr db::Query kInstalled{
    R"sql(SELECT pg_catalog.to_regclass('photoflow_archived_tasks') IS NOT NULL)sql",
    "archive_installed"};

std::vector<int> Ids(const pqxx::result& result) {
  std::vector<int> ids;
  ids.reserve(result.size());
  for (const pqxx::row& row : result) ids.push_back(row[0].as<int>());
  return ids;
}

Moved Counts(const pqxx::result& result) {
  return Moved{.tasks = result[0][0].as<int64_t>(),
               .comments = result[0][1].as<int64_t>(),
               .counted_comments = result[0][result.columns() - 1].as<int64_t>()};
}

}  // namespace

std::vector<int> LockTasksToArchive(db::Transaction& txn, const Selection& selection, int limit) {
  return Ids(
      txn.Exec(kLockTasksToArchive, selection.due_before, IntArray(selection.task_ids), limit));
}

Moved MoveToArchive(db::Transaction& txn, const std::vector<int>& task_ids) {
  return Counts(txn.Exec(kMoveToArchive, IntArray(task_ids)));
}

std::vector<int> LockArchivedTasks(db::Transaction& txn, const Selection& selection, int limit) {
  return Ids(
      txn.Exec(kLockArchivedTasks, selection.due_before, IntArray(selection.task_ids), limit));
}

Moved MoveFromArchive(db::Transaction& txn, const std::vector<int>& task_ids) {
  return Counts(txn.Exec(kMoveFromArchive, IntArray(task_ids)));
}

bool Installed(db::Transaction& txn) { return txn.Exec(kInstalled)[0][0].as<bool>(); }

Moved CountToArchive(db::Transaction& txn, const Selection& selection) {
  return Counts(txn.Exec(kCountToArchive, selection.due_before, IntArray(selection.task_ids)));
}

Moved CountArchived(db::Transaction& txn, const Selection& selection) {
  return Counts(txn.Exec(kCountArchived, selection.due_before, IntArray(selection.task_ids)));
}

}  // namespace photoflow::store::archive
