// ListTasks with filters, orders and keyset page tokens, against a real PostgreSQL.
#include <set>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include "support/api_fixture.hpp"

namespace photoflow {
namespace {

using testing::ApiTest;

class ListTasksTest : public ApiTest {
 protected:
  // 1,234 tasks with repeating due dates, titles, columns and states, so that
  // every sort key has ties that only the id tie-breaker resolves.
  void InsertManyTasks() {
    schema_.QueryValue(
        "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, is_finished, "
        "\"taskColumn\") "
        "SELECT timestamp '2026-03-01' + (i % 37) * interval '1 day', "
        "CASE WHEN i % 5 = 0 THEN 'Wedding ' ELSE 'Portrait ' END || (i % 11), '', 'Scheduled', "
        "i % 3 = 0, ((i % 4) + 1)::text FROM generate_series(1, 1234) AS i; SELECT 1");
  }

  // Ids of the tasks the database itself selects and orders.
  std::vector<int32_t> ExpectedIds(const std::string& where, const std::string& order_by) {
    auto connection = schema_.Connect();
    std::vector<int32_t> ids;
    for (const pqxx::row& row : pqxx::nontransaction(*connection)
                                    .exec(std::string("SELECT id FROM \"Tasks\" WHERE ")
                                              .append(where)
                                              .append(" ORDER BY ")
                                              .append(order_by))) {
      ids.push_back(row[0].as<int32_t>());
    }
    return ids;
  }

  grpc::Status List(const std::string& filter, const std::string& order_by, int page_size,
                    const std::string& token, v1::ListTasksResponse* page) {
    v1::ListTasksRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return server_.tasks().ListTasks(Context().get(), request, page);
  }

  // Every id, page by page, until the end; fails the test on an error.
  std::vector<int32_t> Walk(const std::string& filter, const std::string& order_by, int page_size) {
    std::vector<int32_t> ids;
    std::string token;
    do {
      v1::ListTasksResponse page;
      const grpc::Status status = List(filter, order_by, page_size, token, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(page.tasks_size(), page_size);
      for (const v1::Task& task : page.tasks()) ids.push_back(task.id());
      token = page.next_page_token();
    } while (!token.empty());
    return ids;
  }

  static void ExpectInvalid(const grpc::Status& status, const std::string& prefix) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(status.error_message().rfind(prefix, 0), 0U) << status.error_message();
  }
};

TEST_F(ListTasksTest, FiltersSelectExactlyTheMatchingTasks) {
  InsertManyTasks();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(is_finished = false AND task_column = "2")",
       "is_finished = false AND \"taskColumn\" = '2'"},
      {R"(due_at < "2026-03-05T00:00:00Z")", "\"dueAt\" < '2026-03-05'"},
      {R"(title:"WEDDING")", "task ILIKE '%wedding%'"},
      {R"(NOT title:"wedding" AND id <= 100)", "NOT task ILIKE '%wedding%' AND id <= 100"},
      {R"(task_column = "1" AND is_finished = true OR id = 7)",
       "\"taskColumn\" = '1' AND (is_finished = true OR id = 7)"},
      {R"(amount_of_comments > 0)", "amount_of_comments > 0"},
  };
  for (const auto& [filter, where] : cases) {
    const std::vector<int32_t> expected = ExpectedIds(where, "id");
    EXPECT_EQ(Walk(filter, "", 1000), expected) << filter;
  }
}

TEST_F(ListTasksTest, InjectionAttemptsAreJustValues) {
  CreateTask(SampleTask("x'; DROP TABLE \"Tasks\"; --"));
  v1::ListTasksResponse page;
  ASSERT_TRUE(List(R"(title = "x'; DROP TABLE \"Tasks\"; --")", "", 10, "", &page).ok());
  ASSERT_EQ(page.tasks_size(), 1);
  EXPECT_EQ(page.tasks(0).title(), "x'; DROP TABLE \"Tasks\"; --");
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"Tasks\""), "1");
}

TEST_F(ListTasksTest, WalkingAFilteredTwoFieldOrderSeesEachTaskOnceAtEveryPageSize) {
  InsertManyTasks();
  const std::string filter = R"(is_finished = false OR task_column = "3")";
  const std::vector<int32_t> expected =
      ExpectedIds("is_finished = false OR \"taskColumn\" = '3'", "\"dueAt\" DESC, task, id");
  ASSERT_GT(expected.size(), 800U);
  for (const int page_size : {1, 7, 100, 1000}) {
    EXPECT_EQ(Walk(filter, "due_at desc, title", page_size), expected) << "page_size " << page_size;
  }
  // Same directions everywhere (the row-comparison form).
  EXPECT_EQ(Walk("", "task_column, due_at", 97),
            ExpectedIds("TRUE", "\"taskColumn\", \"dueAt\", id"));
}

TEST_F(ListTasksTest, RowsInsertedBehindTheCursorNeverDuplicateOrSkipOthers) {
  InsertManyTasks();
  const std::vector<int32_t> before = ExpectedIds("TRUE", "\"dueAt\", id");
  std::vector<int32_t> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListTasksResponse page;
    ASSERT_TRUE(List("", "due_at", 50, token, &page).ok());
    for (const v1::Task& task : page.tasks()) seen.push_back(task.id());
    token = page.next_page_token();
    if (++pages == 3) {
      // New rows sorting before the cursor (earliest due date).
      schema_.QueryValue(
          "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
          "SELECT timestamp '2000-01-01', 'late arrival', '', 'Scheduled' "
          "FROM generate_series(1, 20); SELECT 1");
    }
  } while (!token.empty());
  EXPECT_EQ(seen, before);
}

TEST_F(ListTasksTest, TokensAreBoundToTheirFilterAndOrder) {
  InsertManyTasks();
  v1::ListTasksResponse first;
  ASSERT_TRUE(List("is_finished = true", "due_at", 5, "", &first).ok());
  const std::string token = first.next_page_token();
  ASSERT_FALSE(token.empty());
  v1::ListTasksResponse page;
  EXPECT_TRUE(List("is_finished = true", "due_at", 5, token, &page).ok());
  EXPECT_TRUE(List("is_finished = true", "due_at asc", 5, token, &page).ok())
      << "the same order spelled differently";
  ExpectInvalid(List("is_finished = false", "due_at", 5, token, &page), "page_token:");
  ExpectInvalid(List("is_finished = true", "due_at desc", 5, token, &page), "page_token:");
  std::string tampered = token;
  tampered[tampered.size() / 3] = tampered[tampered.size() / 3] == 'A' ? 'B' : 'A';
  ExpectInvalid(List("is_finished = true", "due_at", 5, tampered, &page), "page_token:");
}

TEST_F(ListTasksTest, ReadMaskSelectsOnlyNamedFieldsAndPagingStillWorks) {
  InsertManyTasks();
  size_t returned = 0;
  std::string token;
  do {
    v1::ListTasksRequest request;
    request.set_order_by("due_at desc");
    request.set_page_size(100);
    request.set_page_token(token);
    request.mutable_read_mask()->add_paths("title");
    v1::ListTasksResponse page;
    ASSERT_TRUE(server_.tasks().ListTasks(Context().get(), request, &page).ok());
    for (const v1::Task& task : page.tasks()) {
      EXPECT_FALSE(task.title().empty());
      EXPECT_EQ(task.id(), 0) << "id was not asked for";
      EXPECT_FALSE(task.has_due_at()) << "the sort key is used for the token, not returned";
      ++returned;
    }
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(returned, 1234U);
}

TEST_F(ListTasksTest, BadFiltersAndOrdersNameTheFieldAndPosition) {
  v1::ListTasksResponse page;
  const grpc::Status unknown = List(R"(colour = "red")", "", 5, "", &page);
  ExpectInvalid(unknown, "filter:");
  EXPECT_NE(unknown.error_message().find("unknown field 'colour'"), std::string::npos);
  EXPECT_NE(unknown.error_message().find("position 0"), std::string::npos);
  ExpectInvalid(List("id = ", "", 5, "", &page), "filter:");
  ExpectInvalid(List("", "colour desc", 5, "", &page), "order_by:");
  ExpectInvalid(List("", "due_at upward", 5, "", &page), "order_by:");
}

}  // namespace
}  // namespace photoflow
