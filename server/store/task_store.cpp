#include "store/task_store.hpp"

#include <pqxx/prepared_statement>
#include <pqxx/result>

#include "db/exec.hpp"
#include "store/sql_fragments.hpp"

namespace photoflow::store::tasks {
namespace {

// The selectable columns; statements select them in this order.
struct Column {
  TaskField field;
  const char* sql;
};
constexpr Column kColumns[] = {
    {kTaskId, "id"},
    {kTaskCreatedAt, PF_EPOCH_MS("created_at")},
    {kTaskDueAt, PF_EPOCH_MS("\"dueAt\"")},
    {kTaskTitle, "task"},
    {kTaskAdditionalInformation, "additional_information"},
    {kTaskStatus, "status"},
    {kTaskIsFinished, "is_finished"},
    {kTaskTaskColumn, "\"taskColumn\""},
    {kTaskAmountOfComments, "amount_of_comments"},
    {kTaskEtag, "xmin::text"},
};

std::string SelectList(TaskFieldSet fields) {
  std::string list;
  for (const Column& column : kColumns) {
    if ((fields & column.field) == 0) continue;
    if (!list.empty()) list += ", ";
    list += column.sql;
  }
  return list;
}

// Reads the `fields` columns (selected in kColumns order); the others keep
// their defaults.
TaskRow ReadTask(const pqxx::row& row, TaskFieldSet fields = kAllTaskFields) {
  TaskRow task;
  pqxx::row::size_type index = 0;
  for (const Column& column : kColumns) {
    if ((fields & column.field) == 0) continue;
    const pqxx::field value = row[index++];
    switch (column.field) {
      case kTaskId:
        task.id = value.as<int32_t>();
        break;
      case kTaskCreatedAt:
        task.created_at_ms = value.as<int64_t>();
        break;
      case kTaskDueAt:
        task.values.due_at_ms = value.as<int64_t>();
        break;
      case kTaskTitle:
        task.values.title = value.as<std::string>();
        break;
      case kTaskAdditionalInformation:
        task.values.additional_information = value.as<std::string>();
        break;
      case kTaskStatus:
        task.values.status = value.as<std::string>();
        break;
      case kTaskIsFinished:
        task.values.is_finished = value.as<bool>();
        break;
      case kTaskTaskColumn:
        task.values.task_column = value.as<std::string>();
        break;
      case kTaskAmountOfComments:
        task.amount_of_comments = value.as<int32_t>();
        break;
      case kTaskEtag:
        task.etag = value.as<std::string>();
        break;
    }
  }
  return task;
}

}  // namespace

TaskRow Insert(pqxx::transaction_base& txn, const TaskValues& values) {
  const pqxx::result result = db::Exec(txn, 
      "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, is_finished, "
      "\"taskColumn\") VALUES (" PF_FROM_EPOCH_MS("$1") ", $2, $3, $4, $5, $6) "
      "RETURNING " + SelectList(kAllTaskFields),
      values.due_at_ms, values.title, values.additional_information, values.status,
      values.is_finished, values.task_column);
  return ReadTask(result.at(0));
}

std::optional<TaskRow> Find(pqxx::transaction_base& txn, int32_t id, TaskFieldSet fields) {
  const pqxx::result result =
      db::Exec(txn, "SELECT " + SelectList(fields | kTaskId) + " FROM \"Tasks\" WHERE id = $1", id);
  if (result.empty()) return std::nullopt;
  return ReadTask(result[0], fields | kTaskId);
}

bool Exists(pqxx::transaction_base& txn, int32_t id) {
  return !db::Exec(txn, "SELECT 1 FROM \"Tasks\" WHERE id = $1", id).empty();
}

std::string ListSql(const std::string& where, const std::string& order_by, size_t limit_parameter,
                    TaskFieldSet fields) {
  return "SELECT " + SelectList(fields) + " FROM \"Tasks\" WHERE " + where + " ORDER BY " +
         order_by + " LIMIT $" + std::to_string(limit_parameter);
}

std::vector<TaskRow> List(pqxx::transaction_base& txn, const std::string& where,
                          const std::vector<std::string>& parameters, const std::string& order_by,
                          int limit, TaskFieldSet fields) {
  std::vector<std::string> values = parameters;
  values.push_back(std::to_string(limit));
  const pqxx::result result = db::Exec(txn, ListSql(where, order_by, values.size(), fields),
                                       pqxx::prepare::make_dynamic_params(values));
  std::vector<TaskRow> tasks;
  tasks.reserve(result.size());
  for (const pqxx::row& row : result) tasks.push_back(ReadTask(row, fields));
  return tasks;
}

UpdateResult Update(pqxx::transaction_base& txn, int32_t id, const TaskValues& values,
                    const TaskColumns& columns, const std::string& expected_etag) {
  const pqxx::result result = db::Exec(txn, 
      "UPDATE \"Tasks\" SET "
      "\"dueAt\" = CASE WHEN $2::boolean THEN " PF_FROM_EPOCH_MS("$3") " ELSE \"dueAt\" END, "
      "task = CASE WHEN $4::boolean THEN $5 ELSE task END, "
      "additional_information = CASE WHEN $6::boolean THEN $7 ELSE additional_information END, "
      "status = CASE WHEN $8::boolean THEN $9 ELSE status END, "
      "is_finished = CASE WHEN $10::boolean THEN $11::boolean ELSE is_finished END, "
      "\"taskColumn\" = CASE WHEN $12::boolean THEN $13 ELSE \"taskColumn\" END "
      "WHERE id = $1 AND ($14 = '' OR xmin::text = $14) "
      "RETURNING " + SelectList(kAllTaskFields),
      id, columns.due_at, values.due_at_ms, columns.title, values.title,
      columns.additional_information, values.additional_information, columns.status,
      values.status, columns.is_finished, values.is_finished, columns.task_column,
      values.task_column, expected_etag);
  if (!result.empty()) return {WriteOutcome::kDone, ReadTask(result[0])};
  return {Exists(txn, id) ? WriteOutcome::kStaleEtag : WriteOutcome::kNotFound, std::nullopt};
}

WriteOutcome Delete(pqxx::transaction_base& txn, int32_t id, const std::string& expected_etag) {
  const pqxx::result result = db::Exec(
      txn, "DELETE FROM \"Tasks\" WHERE id = $1 AND ($2 = '' OR xmin::text = $2) RETURNING id", id,
      expected_etag);
  if (!result.empty()) return WriteOutcome::kDone;
  return Exists(txn, id) ? WriteOutcome::kStaleEtag : WriteOutcome::kNotFound;
}

}  // namespace photoflow::store::tasks
