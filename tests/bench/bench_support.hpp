#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/nontransaction>

#include "support/test_database.hpp"

namespace photoflow::bench {

// What benchmarks share for the whole run (schemas, pools, servers). main()
// tears them down after the benchmarks: at exit, libpq's OpenSSL may be
// gone already, and dropping a schema needs a connection.
class Fixtures {
 public:
  template <typename T, typename... Args>
  static T& Make(Args&&... args) {
    auto fixture = std::make_shared<T>(std::forward<Args>(args)...);
    All().push_back(fixture);
    return *fixture;
  }
  static void TearDown() {
    while (!All().empty()) All().pop_back();  // newest first
  }

 private:
  static std::vector<std::shared_ptr<void>>& All() {
    static std::vector<std::shared_ptr<void>> all;
    return all;
  }
};

// Rows the size-dependent benchmarks fill their tables with:
// PHOTOFLOW_BENCH_ROWS, default 100,000.
inline int BenchRows() {
  const char* rows = std::getenv("PHOTOFLOW_BENCH_ROWS");  // NOLINT(concurrency-mt-unsafe)
  return rows != nullptr ? std::stoi(rows) : 100'000;
}

// Fills a schema with `rows` tasks and one comment on each, in one statement
// each, and refreshes the planner's and the cumulative statistics.
inline void FillTasks(const testing::TestSchema& schema, int rows) {
  if (rows <= 0) return;
  auto connection = schema.Connect();
  pqxx::nontransaction fill(*connection);
  fill.exec_params(
      "WITH t AS (INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, "
      "amount_of_comments) SELECT now() + i * interval '1 minute', 'Task ' || i, '', 'Scheduled', "
      "1 FROM generate_series(1, $1) AS i RETURNING id) "
      "INSERT INTO task_comments (task_id, comment) SELECT id, 'Looks great' FROM t",
      rows);
  fill.exec("ANALYZE \"Tasks\", task_comments");
}

}  // namespace photoflow::bench
