// The list query for "unfinished tasks, soonest first" must not scan the
// whole table, on the first page or deep in the list; nor must a search.
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

// `filter` restricted to the rows after `last_row` in `order`: a later page.
query::SqlCondition AfterRow(const query::SqlCondition& filter,
                             const std::vector<query::SortKey>& order,
                             const std::vector<std::string>& last_row) {
  query::SqlCondition deep = filter;
  const query::SqlCondition after =
      query::AfterKeyCondition(order, last_row, static_cast<int>(deep.parameters.size()) + 1);
  deep.sql = "(" + deep.sql + ") AND " + after.sql;
  deep.parameters.insert(deep.parameters.end(), after.parameters.begin(), after.parameters.end());
  return deep;
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

    const query::SqlCondition deep =
        AfterRow(filter, order, {"1767225600000" /* 2026-01-01 */, "40000"});
    const std::string later_page = Plan(*connection, deep, order);
    EXPECT_EQ(later_page.find("Seq Scan"), std::string::npos) << order_by << "\n" << later_page;
    EXPECT_NE(later_page.find("Index Cond"), std::string::npos)
        << order_by << ": the cursor must bound the index scan\n"
        << later_page;
  }
}

// The board's lists when many tasks share one due date (the app stores due
// dates as whole days): the page must come from an index that holds the
// whole order, ties and all, with the cursor as its start, never from a sort
// of every tied row.
// `index` must serve the first page; a later page may come from any index
// whose order is the whole order (the planner weighs them by the cursor).
void ExpectIndexOrderedPages(pqxx::connection& connection, const std::string& filter_text,
                             const std::string& index) {
  const query::SqlCondition filter = query::CompileTaskFilter(filter_text, 1);
  const std::vector<query::SortKey> order = query::ParseTaskOrderBy("due_at");
  const std::string first_page = Plan(connection, filter, order);
  EXPECT_NE(first_page.find(index), std::string::npos) << filter_text << "\n" << first_page;
  EXPECT_EQ(first_page.find("Sort"), std::string::npos) << filter_text << "\n" << first_page;

  // Deep in the tie: the cursor is (the shared date, an id in the middle).
  const query::SqlCondition deep =
      AfterRow(filter, order, {"1798761600000" /* 2027-01-01 */, "10000"});
  const std::string later_page = Plan(connection, deep, order);
  EXPECT_NE(later_page.find("_dueAt_id_idx"), std::string::npos) << filter_text << "\n"
                                                                 << later_page;
  EXPECT_EQ(later_page.find("Sort"), std::string::npos) << filter_text << "\n" << later_page;
  EXPECT_NE(later_page.find("Index Cond: ("), std::string::npos)
      << filter_text << ": the cursor must bound the index scan\n"
      << later_page;
  EXPECT_NE(later_page.find("ROW(\"dueAt\", id) >"), std::string::npos)
      << filter_text << ": the id inside the tie must bound it too\n"
      << later_page;
}

TEST(ListPlanTest, PagesThroughTiedDueDatesComeFromTheBoardIndexes) {
  testing::TestSchema schema;
  // 20,000 tasks due on one day, 2,000 on others, over 4 columns.
  schema.QueryValue(
      "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, is_finished, "
      "\"taskColumn\") SELECT CASE WHEN i <= 20000 THEN timestamp '2027-01-01' ELSE "
      "timestamp '2027-01-01' + (i % 60) * interval '1 day' END, 'task ' || i, '', 'Scheduled', "
      "i % 10 = 0, (1 + i % 4)::text FROM generate_series(1, 22000) AS i; ANALYZE \"Tasks\"; "
      "SELECT 1");
  auto connection = schema.Connect();
  ExpectIndexOrderedPages(*connection, "is_finished = false", "Tasks_is_finished_dueAt_id_idx");
  ExpectIndexOrderedPages(*connection, "is_finished = false AND task_column = \"2\"",
                          "Tasks_taskColumn_is_finished_dueAt_id_idx");
}

// Search: title:"..." and additional_information:"..." (a case-insensitive
// substring, ILIKE) come from the trigram indexes of migration
// 20261203200000_task_search, not from reading every row.
TEST(ListPlanTest, SearchInTitlesAndNotesUsesTheTrigramIndexesNotASequentialScan) {
  testing::TestSchema schema;
  schema.QueryValue(
      "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, is_finished) "
      "SELECT timestamp '2026-01-01' + (i % 365) * interval '1 day', "
      "'Wedding photography, family ' || md5(i::text), 'Deliver ' || md5((i * 7)::text), "
      "'Scheduled', i % 5 = 0 FROM generate_series(1, 100000) AS i; ANALYZE \"Tasks\"; SELECT 1");
  auto connection = schema.Connect();
  const std::vector<query::SortKey> order = query::ParseTaskOrderBy("due_at");
  for (const auto& [filter_text, index] : std::vector<std::pair<std::string, std::string>>{
           {"title:\"FAMILY C4CA4238\"", "Tasks_task_idx"},
           {"additional_information:\"8f14e45f\"", "Tasks_additional_information_idx"},
           {"is_finished = false AND title:\"c4ca4238a0b9\"", "Tasks_task_idx"}}) {
    const std::string plan = Plan(*connection, query::CompileTaskFilter(filter_text, 1), order);
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << filter_text << "\n" << plan;
    EXPECT_NE(plan.find(index), std::string::npos) << filter_text << "\n" << plan;
  }
}

}  // namespace
}  // namespace photoflow
