// photoflow-bench as a user runs it: a real process against a real server.
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;

std::string Address(testing::TestServer& server) {
  return "127.0.0.1:" + std::to_string(server.server().port());
}

TEST(BenchCliTest, SeedsThenMeasuresEveryScenarioWithoutErrors) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  {
    ChildProcess seed(PHOTOFLOW_BENCH_BINARY,
                      {"--addr", Address(server), "--wait-ready", "30", "--seed", "40",
                       "--scenario", "health", "--duration", "0.2", "--warmup", "0"});
    ASSERT_EQ(seed.WaitForExit(120s), 0) << seed.Output();
  }
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "40");
  for (const char* scenario :
       {"get", "list", "list-column", "create", "comment", "update", "mixed"}) {
    ChildProcess bench(PHOTOFLOW_BENCH_BINARY,
                       {"--addr", Address(server), "--scenario", scenario, "--in-flight", "4",
                        "--duration", "0.3", "--warmup", "0", "--json"});
    ASSERT_EQ(bench.WaitForExit(120s), 0) << scenario << ": " << bench.Output();
    const std::string output = bench.Output();
    EXPECT_NE(output.find("\"scenario\":\"" + std::string(scenario) + "\""), std::string::npos)
        << output;
    EXPECT_NE(output.find("\"errors\":{}"), std::string::npos) << scenario << ": " << output;
    EXPECT_EQ(output.find("\"calls\":0,"), std::string::npos) << scenario << ": " << output;
  }
  EXPECT_GT(std::stoi(schema.QueryValue("SELECT count(*) FROM task_comments")), 0)
      << "the comment scenario wrote comments";
}

TEST(BenchCliTest, ReportsDeadlinesAsErrorsByCode) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  ChildProcess bench(PHOTOFLOW_BENCH_BINARY,
                     {"--addr", Address(server), "--seed", "5", "--scenario", "list", "--deadline",
                      "0.001", "--duration", "0.3", "--warmup", "0", "--json"});
  bench.WaitForExit(120s);
  EXPECT_NE(bench.Output().find("\"DEADLINE_EXCEEDED\":"), std::string::npos) << bench.Output();
}

// --page walks to a later page of scenario list first; a board without that
// many pages is a failure, not a silent page 1.
TEST(BenchCliTest, ListReadsTheRequestedPageOrFailsWhenTheBoardIsShorter) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  // 120 unfinished tasks: three pages of 50.
  ASSERT_EQ(schema.QueryValue(
                "WITH inserted AS (INSERT INTO \"Tasks\" (\"dueAt\", task, "
                "additional_information, status) SELECT now(), 'Order ' || i, '', 'Scheduled' "
                "FROM generate_series(1, 120) AS i RETURNING 1) SELECT count(*) FROM inserted"),
            "120");
  ChildProcess third(PHOTOFLOW_BENCH_BINARY,
                     {"--addr", Address(server), "--scenario", "list", "--page", "3", "--in-flight",
                      "2", "--duration", "0.3", "--warmup", "0", "--json"});
  ASSERT_EQ(third.WaitForExit(120s), 0) << third.Output();
  EXPECT_NE(third.Output().find("\"errors\":{}"), std::string::npos) << third.Output();
  ChildProcess fourth(PHOTOFLOW_BENCH_BINARY,
                      {"--addr", Address(server), "--scenario", "list", "--page", "4", "--duration",
                       "0.3", "--warmup", "0"});
  EXPECT_EQ(fourth.WaitForExit(120s), 1);
  EXPECT_NE(fourth.Output().find("the board has only 3 pages"), std::string::npos)
      << fourth.Output();
}

TEST(BenchCliTest, UsageErrorsExitTwoAndHelpListsEveryScenario) {
  ChildProcess bad(PHOTOFLOW_BENCH_BINARY, {"--scenario", "nonsense"});
  EXPECT_EQ(bad.WaitForExit(30s), 2);
  EXPECT_NE(bad.Output().find("unknown scenario 'nonsense'"), std::string::npos) << bad.Output();
  ChildProcess help(PHOTOFLOW_BENCH_BINARY, {"--help"});
  EXPECT_EQ(help.WaitForExit(30s), 0);
  for (const char* word :
       {"list-column", "mixed", "--in-flight", "--deadline", "--page", "--json"}) {
    EXPECT_NE(help.Output().find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace photoflow
