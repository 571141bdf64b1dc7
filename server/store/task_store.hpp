#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/transaction.hpp"
#include "store/rows.hpp"

// Every SQL statement that touches "Tasks" on behalf of TaskService. Column
// lists and the insert and update statements derive from the Task registry
// (model/task_fields.hpp).
namespace photoflow::store::tasks {

// Writes the writable fields of `values`; returns the new row, every column.
TaskRow Insert(db::Transaction& txn, const TaskRow& values);

// Selects only `fields` (and id); the other members keep their defaults.
std::optional<TaskRow> Find(db::Transaction& txn, int32_t id,
                            model::FieldSet fields = model::kTaskColumns);

bool Exists(db::Transaction& txn, int32_t id);

// Every column of the tasks among `ids` that exist, in no particular order
// (one statement for a batch of GetTask calls).
std::vector<TaskRow> FindMany(db::Transaction& txn, const std::vector<int32_t>& ids);

// Deletes the tasks of `ids` whose etag still equals `etags[i]` (any etag
// when empty), in one statement. The result's element i says what happened
// to ids[i]; the caller rolls back unless all are kDone.
std::vector<WriteOutcome> DeleteMany(db::Transaction& txn, const std::vector<int32_t>& ids,
                                     const std::vector<std::string>& etags);

// Inserts one task per element of `values` in one statement; the result's
// element i is the new row of values[i], matched by an explicit ordinal.
std::vector<TaskRow> InsertMany(db::Transaction& txn, const std::vector<TaskRow>& values);

// The statement List runs (exposed so that tests can EXPLAIN it): up to
// $limit_parameter tasks matching `where`, in `order_by` order, selecting
// only `fields`. `where` and `order_by` are built by query/ from registry
// columns and $n placeholders only.
std::string ListSql(const std::string& where, const std::string& order_by, size_t limit_parameter,
                    model::FieldSet fields = model::kTaskColumns);

// `parameters` holds every value of `where`, bound as $1..$n.
std::vector<TaskRow> List(db::Transaction& txn, const std::string& where,
                          const std::vector<std::string>& parameters, const std::string& order_by,
                          int limit, model::FieldSet fields = model::kTaskColumns);

struct UpdateResult {
  WriteOutcome outcome = WriteOutcome::kNotFound;
  std::optional<TaskRow> row;  // the new row when outcome is kDone
};

// Writes the `columns` of `values` (updatable fields only) to task `id` in one
// statement. A non-empty `expected_etag` must equal the row's current etag or
// nothing is written.
UpdateResult Update(db::Transaction& txn, int32_t id, const TaskRow& values,
                    model::FieldSet columns, const std::string& expected_etag);

// Deletes task `id` and, by ON DELETE CASCADE, its comments.
WriteOutcome Delete(db::Transaction& txn, int32_t id, const std::string& expected_etag);

// The statements above whose text derives from the registry, for tools that
// replay them (deploy/local/bench.sh runs them under pgbench).
const db::Query& FindQuery();        // every column by id ($1)
const db::Query& InsertQuery();      // the writable fields, $1..$n in registry order
const db::Query& FindManyQuery();    // every column, ids in $1 (an integer[])
const db::Query& InsertManyQuery();  // one array per writable field, $1..$n
const db::Query& DeleteManyQuery();  // ids in $1 (integer[]), etags in $2 (text[], '' = any)
const db::Query& UpdateQuery();      // $1 id, $2 etag, then (write?, value) per updatable field

}  // namespace photoflow::store::tasks
