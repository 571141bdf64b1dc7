// The pgbench scripts deploy/local/bench.sh measures the service against: the
// store's own statements, runnable by pgbench -M prepared on a migrated schema.
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;

TEST(PgbenchScriptsTest, EveryScriptRunsUnderPgbenchAndDoesWhatItsCallDoes) {
  testing::TestSchema schema;
  schema.QueryValue(
      "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, \"taskColumn\") "
      "SELECT timestamp '2027-01-01', 'Seeded', '', 'Scheduled', i::text "
      "FROM generate_series(1, 3) AS i RETURNING id");
  testing::TempDir dir;
  ChildProcess generate(PHOTOFLOW_PGBENCH_SCRIPTS_BINARY, {dir.path().string()});
  ASSERT_EQ(generate.WaitForExit(60s), 0) << generate.Output();

  for (const char* script : {"get", "list", "list-column", "create", "comment", "update"}) {
    ChildProcess pgbench(
        "/usr/lib/postgresql/15/bin/pgbench",
        {"-n", "-M", "prepared", "-t", "5", "-D", "tasks=3", "-D", "columns=3", "-f",
         (dir.path() / (std::string(script) + ".sql")).string(), schema.parsed_url().libpq_url},
        {{"PGOPTIONS", "-csearch_path=" + schema.name()}});
    EXPECT_EQ(pgbench.WaitForExit(60s), 0) << script << ": " << pgbench.Output();
    EXPECT_NE(pgbench.Output().find("number of transactions actually processed: 5/5"),
              std::string::npos)
        << script << ": " << pgbench.Output();
  }
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "8") << "5 creates";
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM task_comments"), "5") << "5 comments";
  EXPECT_EQ(schema.QueryValue("SELECT sum(amount_of_comments) FROM \"Tasks\""), "5")
      << "the counter moved with them";
  EXPECT_NE(schema.QueryValue("SELECT count(*) FROM \"Tasks\" WHERE status = 'Editing'"), "0")
      << "updates wrote the status";
}

}  // namespace
}  // namespace photoflow
