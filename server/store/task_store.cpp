#include "store/task_store.hpp"

#include <pqxx/prepared_statement>
#include <pqxx/result>

#include "store/sql_fragments.hpp"

namespace photoflow::store::tasks {
namespace {

#define PF_TASK_COLUMNS \
  "id, " PF_EPOCH_MS("created_at") ", " PF_EPOCH_MS("\"dueAt\"") ", task, "              \
  "additional_information, status, is_finished, \"taskColumn\", amount_of_comments, " \
  "xmin::text"

TaskRow ReadTask(const pqxx::row& row) {
  TaskRow task;
  task.id = row[0].as<int32_t>();
  task.created_at_ms = row[1].as<int64_t>();
  task.values.due_at_ms = row[2].as<int64_t>();
  task.values.title = row[3].as<std::string>();
  task.values.additional_information = row[4].as<std::string>();
  task.values.status = row[5].as<std::string>();
  task.values.is_finished = row[6].as<bool>();
  task.values.task_column = row[7].as<std::string>();
  task.amount_of_comments = row[8].as<int32_t>();
  task.etag = row[9].as<std::string>();
  return task;
}

}  // namespace

TaskRow Insert(pqxx::transaction_base& txn, const TaskValues& values) {
  const pqxx::result result = txn.exec_params(
      "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, is_finished, "
      "\"taskColumn\") VALUES (" PF_FROM_EPOCH_MS("$1") ", $2, $3, $4, $5, $6) "
      "RETURNING " PF_TASK_COLUMNS,
      values.due_at_ms, values.title, values.additional_information, values.status,
      values.is_finished, values.task_column);
  return ReadTask(result.at(0));
}

std::optional<TaskRow> Find(pqxx::transaction_base& txn, int32_t id) {
  const pqxx::result result =
      txn.exec_params("SELECT " PF_TASK_COLUMNS " FROM \"Tasks\" WHERE id = $1", id);
  if (result.empty()) return std::nullopt;
  return ReadTask(result[0]);
}

bool Exists(pqxx::transaction_base& txn, int32_t id) {
  return !txn.exec_params("SELECT 1 FROM \"Tasks\" WHERE id = $1", id).empty();
}

std::string ListSql(const std::string& where, const std::string& order_by, size_t limit_parameter) {
  return "SELECT " PF_TASK_COLUMNS " FROM \"Tasks\" WHERE " + where + " ORDER BY " + order_by +
         " LIMIT $" + std::to_string(limit_parameter);
}

std::vector<TaskRow> List(pqxx::transaction_base& txn, const std::string& where,
                          const std::vector<std::string>& parameters, const std::string& order_by,
                          int limit) {
  std::vector<std::string> values = parameters;
  values.push_back(std::to_string(limit));
  const pqxx::result result = txn.exec_params(ListSql(where, order_by, values.size()),
                                              pqxx::prepare::make_dynamic_params(values));
  std::vector<TaskRow> tasks;
  tasks.reserve(result.size());
  for (const pqxx::row& row : result) tasks.push_back(ReadTask(row));
  return tasks;
}

UpdateResult Update(pqxx::transaction_base& txn, int32_t id, const TaskValues& values,
                    const TaskColumns& columns, const std::string& expected_etag) {
  const pqxx::result result = txn.exec_params(
      "UPDATE \"Tasks\" SET "
      "\"dueAt\" = CASE WHEN $2::boolean THEN " PF_FROM_EPOCH_MS("$3") " ELSE \"dueAt\" END, "
      "task = CASE WHEN $4::boolean THEN $5 ELSE task END, "
      "additional_information = CASE WHEN $6::boolean THEN $7 ELSE additional_information END, "
      "status = CASE WHEN $8::boolean THEN $9 ELSE status END, "
      "is_finished = CASE WHEN $10::boolean THEN $11::boolean ELSE is_finished END, "
      "\"taskColumn\" = CASE WHEN $12::boolean THEN $13 ELSE \"taskColumn\" END "
      "WHERE id = $1 AND ($14 = '' OR xmin::text = $14) "
      "RETURNING " PF_TASK_COLUMNS,
      id, columns.due_at, values.due_at_ms, columns.title, values.title,
      columns.additional_information, values.additional_information, columns.status,
      values.status, columns.is_finished, values.is_finished, columns.task_column,
      values.task_column, expected_etag);
  if (!result.empty()) return {WriteOutcome::kDone, ReadTask(result[0])};
  return {Exists(txn, id) ? WriteOutcome::kStaleEtag : WriteOutcome::kNotFound, std::nullopt};
}

WriteOutcome Delete(pqxx::transaction_base& txn, int32_t id, const std::string& expected_etag) {
  const pqxx::result result = txn.exec_params(
      "DELETE FROM \"Tasks\" WHERE id = $1 AND ($2 = '' OR xmin::text = $2) RETURNING id", id,
      expected_etag);
  if (!result.empty()) return WriteOutcome::kDone;
  return Exists(txn, id) ? WriteOutcome::kStaleEtag : WriteOutcome::kNotFound;
}

}  // namespace photoflow::store::tasks
