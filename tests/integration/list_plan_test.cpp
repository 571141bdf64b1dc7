// The list query for "unfinished tasks, soonest first" must not scan the
// whole table, on the first page or deep in the list.
#include <gtest/gtest.h>
#include <pqxx/nontransaction>
#include <pqxx/prepared_statement>
#include <pqxx/result>

#include "query/filter.hpp"
#include "query/order_by.hpp"
#include "store/task_store.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

std::string Plan(pqxx::connection& connection, const query::SqlCondition& condition,
                 const std::vector<query::SortKey>& order) {
  std::vector<std::string> values = condition.parameters;
  values.emplace_back("51");
  std::string plan;
  for (const pqxx::row& row :
       pqxx::nontransaction(connection)
           .exec_params("EXPLAIN " + store::tasks::ListSql(condition.sql, query::OrderBySql(order),
                                                           values.size()),
                        pqxx::prepare::make_dynamic_params(values))) {
    plan += row[0].as<std::string>() + "\n";
  }
  return plan;
}

TEST(ListPlanTest, UnfinishedTasksByDueDateUseAnIndexNotASequentialScan) {
  testing::TestSchema schema;
  schema.QueryValue(
      "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, is_finished) "
      "SELECT timestamp '2026-01-01' + (i % 1000) * interval '1 hour', 'task ' || i, '', "
      "'Scheduled', i % 10 <> 0 FROM generate_series(1, 50000) AS i; ANALYZE \"Tasks\"; SELECT 1");
  auto connection = schema.Connect();
  const query::SqlCondition filter = query::CompileTaskFilter("is_finished = false", 1);
  for (const char* order_by : {"due_at", "due_at desc"}) {
    const std::vector<query::SortKey> order = query::ParseTaskOrderBy(order_by);
    const std::string first_page = Plan(*connection, filter, order);
    EXPECT_EQ(first_page.find("Seq Scan"), std::string::npos) << order_by << "\n" << first_page;
    EXPECT_NE(first_page.find("Index Scan"), std::string::npos) << order_by << "\n" << first_page;

    query::SqlCondition deep = filter;
    const std::vector<std::string> last_row = {"1767225600000" /* 2026-01-01 */, "40000"};
    const query::SqlCondition after =
        query::AfterKeyCondition(order, last_row, static_cast<int>(deep.parameters.size()) + 1);
    deep.sql = "(" + deep.sql + ") AND " + after.sql;
    deep.parameters.insert(deep.parameters.end(), after.parameters.begin(), after.parameters.end());
    const std::string later_page = Plan(*connection, deep, order);
    EXPECT_EQ(later_page.find("Seq Scan"), std::string::npos) << order_by << "\n" << later_page;
    EXPECT_NE(later_page.find("Index Cond"), std::string::npos)
        << order_by << ": the cursor must bound the index scan\n"
        << later_page;
  }
}

}  // namespace
}  // namespace photoflow
