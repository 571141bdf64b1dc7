#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "store/rows.hpp"

// Every SQL statement that touches "Tasks" on behalf of TaskService.
namespace photoflow::store::tasks {

TaskRow Insert(pqxx::transaction_base& txn, const TaskValues& values);

// Selects only `fields` (and id); the other members keep their defaults.
std::optional<TaskRow> Find(pqxx::transaction_base& txn, int32_t id,
                            TaskFieldSet fields = kAllTaskFields);

bool Exists(pqxx::transaction_base& txn, int32_t id);

// Up to `limit` tasks matching `where`, in `order_by` order, selecting only
// `fields`. `where` and
// `order_by` are built by query/ from whitelisted column names and $n
// placeholders only; `parameters` holds every value, bound as $1..$n.
// The statement List runs (exposed so that tests can EXPLAIN it); the limit is
// parameter $limit_parameter.
std::string ListSql(const std::string& where, const std::string& order_by, size_t limit_parameter,
                    TaskFieldSet fields = kAllTaskFields);

std::vector<TaskRow> List(pqxx::transaction_base& txn, const std::string& where,
                          const std::vector<std::string>& parameters, const std::string& order_by,
                          int limit, TaskFieldSet fields = kAllTaskFields);

struct UpdateResult {
  WriteOutcome outcome = WriteOutcome::kNotFound;
  std::optional<TaskRow> row;  // the new row when outcome is kDone
};

// Writes the `columns` of `values` to task `id` in one statement. A non-empty
// `expected_etag` must equal the row's current etag or nothing is written.
UpdateResult Update(pqxx::transaction_base& txn, int32_t id, const TaskValues& values,
                    const TaskColumns& columns, const std::string& expected_etag);

// Deletes task `id` and, by ON DELETE CASCADE, its comments.
WriteOutcome Delete(pqxx::transaction_base& txn, int32_t id, const std::string& expected_etag);

}  // namespace photoflow::store::tasks
