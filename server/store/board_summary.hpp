#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/transaction.hpp"

// The statement behind SummarizeBoard: counts of "Tasks" per kanban column.
namespace photoflow::store::board {

struct ColumnCounts {
  std::string task_column;
  int64_t unfinished_tasks = 0;
  int64_t finished_tasks = 0;
  int64_t overdue_tasks = 0;  // unfinished and due before `as_of_millis`
  int64_t comments = 0;       // the sum of the tasks' amount_of_comments
};

struct BoardCounts {
  std::vector<ColumnCounts> columns;  // by task_column, only columns with tasks
  int64_t as_of_millis = 0;           // the database's clock when it counted
};

// The statement Summarize runs (exposed so that tests can EXPLAIN it):
// `where` is built by query/ from registry columns and $n placeholders only.
std::string SummarizeSql(const std::string& where);

// Counts the tasks matching `where` (parameters bound as $1..$n) in one
// statement, so every count comes from one snapshot.
BoardCounts Summarize(db::Transaction& txn, const std::string& where,
                      const std::vector<std::string>& parameters);

}  // namespace photoflow::store::board
