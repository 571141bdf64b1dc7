// Natural batching (api/call_batch.hpp): GetTask and CreateTask calls that
// wait for a connection together share one statement, each caller gets its
// own answer and its own error, and PHOTOFLOW_BATCH_MAX_CALLS caps or turns
// it off. The pool's only connection is held by an UpdateTask blocked on a row
// lock, so that the calls under test are all waiting when it frees.
#include <future>
#include <stdexcept>
#include <string>
#include <vector>

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <pqxx/nontransaction>

#include "support/error_details.hpp"
#include "support/metrics_scrape.hpp"
#include "support/row_lock.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;

template <typename Response>
struct Answer {
  grpc::Status status;
  Response response;
};

class BatchingTest : public ::testing::Test {
 protected:
  void StartServer(int batch_max_calls) {
    application_ = "pf_" + schema_.name();
    config::Config config = testing::TestConfig(schema_.url() +
                                                "&connection_limit=1&pool_timeout=0"
                                                "&application_name=" +
                                                application_);
    config.pool_max_waiters = 100;
    config.batch_max_calls = batch_max_calls;
    server_ = std::make_unique<testing::TestServer>(config);
    blocker_id_ = InsertTask("Blocker");
  }

  int InsertTask(const std::string& title) {
    return std::stoi(schema_.QueryValue(
        "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
        "VALUES (now(), '" +
        title + "', '', 'Scheduled') RETURNING id"));
  }

  // Holds the pool's only connection (an UpdateTask waiting on `lock`) until
  // the lock is released.
  std::future<grpc::Status> HoldTheOnlyConnection() {
    auto holder = std::async(std::launch::async, [this] {
      v1::UpdateTaskRequest request;
      request.mutable_task()->set_id(blocker_id_);
      request.mutable_task()->set_status("Delivered");
      request.mutable_update_mask()->add_paths("status");
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + 60s);
      v1::Task updated;
      return server_->tasks().UpdateTask(&context, request, &updated);
    });
    if (!testing::WaitForLockWaiters(schema_, application_, 1)) {
      throw std::runtime_error("the UpdateTask never waited on the row lock");
    }
    return holder;
  }

  // Returns once `count` calls wait for the connection.
  void WaitForWaitingCalls(int count) {
    ASSERT_TRUE(testing::WaitForMetricValue(server_->server().metrics_port(),
                                            "photoflow_db_pool_waiting_calls", {}, count, 30s))
        << count << " calls never waited for the connection together";
  }

  std::future<Answer<v1::Task>> GetTaskLater(const v1::GetTaskRequest& request) {
    return std::async(std::launch::async, [this, request] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + 60s);
      Answer<v1::Task> answer;
      answer.status = server_->tasks().GetTask(&context, request, &answer.response);
      return answer;
    });
  }

  std::future<Answer<v1::Task>> GetTaskLater(int id) {
    v1::GetTaskRequest request;
    request.set_id(id);
    return GetTaskLater(request);
  }

  // `count` GetTask calls for task `id`, sent while the pool's only
  // connection is held and let go once all of them wait for it.
  std::vector<std::future<Answer<v1::Task>>> GetTaskCallsWaitingTogether(int id, int count) {
    testing::TaskRowLock lock(schema_, blocker_id_);
    auto holder = HoldTheOnlyConnection();
    std::vector<std::future<Answer<v1::Task>>> gets;
    gets.reserve(count);
    for (int i = 0; i < count; ++i) gets.push_back(GetTaskLater(id));
    WaitForWaitingCalls(count);
    lock.Release();
    EXPECT_TRUE(holder.get().ok());
    return gets;
  }

  std::future<Answer<v1::Task>> CreateTaskLater(const std::string& title) {
    return std::async(std::launch::async, [this, title] {
      v1::CreateTaskRequest request;
      request.mutable_task()->set_title(title);
      request.mutable_task()->set_status("Scheduled");
      request.mutable_task()->mutable_due_at()->set_seconds(1767225600);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + 60s);
      Answer<v1::Task> answer;
      answer.status = server_->tasks().CreateTask(&context, request, &answer.response);
      return answer;
    });
  }

  std::future<Answer<v1::Comment>> CreateCommentLater(int task_id, const std::string& text) {
    return std::async(std::launch::async, [this, task_id, text] {
      v1::CreateCommentRequest request;
      request.mutable_comment()->set_task_id(task_id);
      request.mutable_comment()->set_text(text);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + 60s);
      Answer<v1::Comment> answer;
      answer.status = server_->comments().CreateComment(&context, request, &answer.response);
      return answer;
    });
  }

  testing::ScrapedMetrics Metrics() const {
    return testing::ScrapedMetrics::From(server_->server().metrics_port());
  }

  double StatementsRun(const std::string& name) const {
    return Metrics().Value("photoflow_db_statement_duration_seconds_count", {{"statement", name}});
  }

  testing::TestSchema schema_;
  std::string application_;
  std::unique_ptr<testing::TestServer> server_;
  int blocker_id_ = 0;
};

TEST_F(BatchingTest, GetTaskCallsWaitingTogetherShareOneStatementAndEachGetsItsOwnAnswer) {
  StartServer(/*batch_max_calls=*/32);
  const int first = InsertTask("First");
  const int second = InsertTask("Second");
  const int missing = second + 1000;
  testing::TaskRowLock lock(schema_, blocker_id_);
  auto holder = HoldTheOnlyConnection();

  auto get_first = GetTaskLater(first);
  auto get_second = GetTaskLater(second);
  auto get_missing = GetTaskLater(missing);
  v1::GetTaskRequest masked;
  masked.set_id(first);
  masked.mutable_read_mask()->add_paths("status");
  auto get_masked = GetTaskLater(masked);
  WaitForWaitingCalls(4);
  lock.Release();

  ASSERT_TRUE(holder.get().ok());
  const Answer<v1::Task> first_answer = get_first.get();
  ASSERT_TRUE(first_answer.status.ok()) << first_answer.status.error_message();
  EXPECT_EQ(first_answer.response.id(), first);
  EXPECT_EQ(first_answer.response.title(), "First");
  const Answer<v1::Task> second_answer = get_second.get();
  ASSERT_TRUE(second_answer.status.ok()) << second_answer.status.error_message();
  EXPECT_EQ(second_answer.response.id(), second);
  EXPECT_EQ(second_answer.response.title(), "Second");
  const Answer<v1::Task> missing_answer = get_missing.get();
  EXPECT_EQ(missing_answer.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(testing::DecodeDetails(missing_answer.status).reason, "TASK_NOT_FOUND");
  EXPECT_NE(missing_answer.status.error_message().find(std::to_string(missing)), std::string::npos);
  const Answer<v1::Task> masked_answer = get_masked.get();
  ASSERT_TRUE(masked_answer.status.ok());
  EXPECT_EQ(masked_answer.response.status(), "Scheduled");
  EXPECT_EQ(masked_answer.response.title(), "") << "the read mask still applies in a batch";

  const testing::ScrapedMetrics metrics = Metrics();
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_count", {{"method", "GetTask"}}), 1);
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_sum", {{"method", "GetTask"}}), 4);
  EXPECT_EQ(StatementsRun("task_find_many"), 1);
  EXPECT_EQ(
      metrics.Count("photoflow_db_statement_duration_seconds_count", {{"statement", "task_find"}}),
      0u);
}

TEST_F(BatchingTest, CreateTaskCallsWaitingTogetherAreOneInsertAndEachGetsItsOwnRow) {
  StartServer(/*batch_max_calls=*/32);
  testing::TaskRowLock lock(schema_, blocker_id_);
  auto holder = HoldTheOnlyConnection();
  // Titles that an array literal must quote and escape.
  const std::vector<std::string> titles = {"Alpha",         "Bra\"vo", "Char\\lie",
                                           "{Delta, Echo}", "NULL",    "Ünïcødé ✓"};
  std::vector<std::future<Answer<v1::Task>>> creates;
  creates.reserve(titles.size());
  for (const std::string& title : titles) creates.push_back(CreateTaskLater(title));
  WaitForWaitingCalls(static_cast<int>(titles.size()));
  lock.Release();

  ASSERT_TRUE(holder.get().ok());
  for (size_t i = 0; i < titles.size(); ++i) {
    const Answer<v1::Task> answer = creates[i].get();
    ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
    EXPECT_EQ(answer.response.title(), titles[i]);
    EXPECT_FALSE(answer.response.etag().empty());
    // The row with the id this caller got holds this caller's title.
    EXPECT_EQ(schema_.QueryValue("SELECT task FROM \"Tasks\" WHERE id = " +
                                 std::to_string(answer.response.id())),
              titles[i]);
  }
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"Tasks\""),
            std::to_string(titles.size() + 1));
  const testing::ScrapedMetrics metrics = Metrics();
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_count", {{"method", "CreateTask"}}), 1);
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_sum", {{"method", "CreateTask"}}), 6);
  EXPECT_EQ(StatementsRun("task_insert_many"), 1);
}

TEST_F(BatchingTest, CreateCommentCallsWaitingTogetherAreOneStatementThatKeepsEveryCounter) {
  StartServer(/*batch_max_calls=*/32);
  const int first = InsertTask("First");
  const int second = InsertTask("Second");
  const int missing = second + 1000;
  testing::TaskRowLock lock(schema_, blocker_id_);
  auto holder = HoldTheOnlyConnection();
  // Two tasks in descending id order, one of them twice, and one that does not exist.
  auto on_second = CreateCommentLater(second, "Lovely light");
  auto on_first = CreateCommentLater(first, "Crop it");
  auto on_missing = CreateCommentLater(missing, "Lost");
  auto on_second_again = CreateCommentLater(second, "Warmer, please");
  WaitForWaitingCalls(4);
  lock.Release();

  ASSERT_TRUE(holder.get().ok());
  struct Expected {
    std::future<Answer<v1::Comment>>* answer;
    int task_id;
    std::string text;
  };
  for (const Expected& expected :
       std::vector<Expected>{{&on_second, second, "Lovely light"},
                             {&on_first, first, "Crop it"},
                             {&on_second_again, second, "Warmer, please"}}) {
    const Answer<v1::Comment> answer = expected.answer->get();
    ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
    EXPECT_EQ(answer.response.task_id(), expected.task_id);
    EXPECT_EQ(answer.response.text(), expected.text);
    EXPECT_EQ(schema_.QueryValue("SELECT comment FROM task_comments WHERE id = " +
                                 std::to_string(answer.response.id())),
              expected.text);
  }
  const Answer<v1::Comment> lost = on_missing.get();
  EXPECT_EQ(lost.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(testing::DecodeDetails(lost.status).reason, "TASK_NOT_FOUND");
  EXPECT_EQ(schema_.QueryValue("SELECT amount_of_comments FROM \"Tasks\" WHERE id = " +
                               std::to_string(first)),
            "1");
  EXPECT_EQ(schema_.QueryValue("SELECT amount_of_comments FROM \"Tasks\" WHERE id = " +
                               std::to_string(second)),
            "2");
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM task_comments"), "3");
  const testing::ScrapedMetrics metrics = Metrics();
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_count", {{"method", "CreateComment"}}), 1);
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_sum", {{"method", "CreateComment"}}), 4);
  EXPECT_EQ(StatementsRun("comment_insert_many"), 1);
}

// A row PostgreSQL rejects (here by a trigger, as a constraint an operator
// added would) fails the batch's statement; each call is then retried alone,
// so only the bad row's caller sees the error.
TEST_F(BatchingTest, OneRejectedRowFailsOnlyItsOwnCall) {
  StartServer(/*batch_max_calls=*/32);
  {
    auto connection = schema_.Connect();
    pqxx::nontransaction setup(*connection);
    setup.exec(R"sql(CREATE FUNCTION reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.task = 'Poison' THEN RAISE EXCEPTION 'poison row'; END IF;
  RETURN NEW;
END $$)sql");
    setup.exec(
        "CREATE TRIGGER reject_poison BEFORE INSERT ON \"Tasks\" "
        "FOR EACH ROW EXECUTE FUNCTION reject_poison()");
  }
  testing::TaskRowLock lock(schema_, blocker_id_);
  auto holder = HoldTheOnlyConnection();
  auto good_before = CreateTaskLater("Good before");
  auto poison = CreateTaskLater("Poison");
  auto good_after = CreateTaskLater("Good after");
  WaitForWaitingCalls(3);
  lock.Release();

  ASSERT_TRUE(holder.get().ok());
  const Answer<v1::Task> before = good_before.get();
  const Answer<v1::Task> bad = poison.get();
  const Answer<v1::Task> after = good_after.get();
  EXPECT_TRUE(before.status.ok()) << before.status.error_message();
  EXPECT_TRUE(after.status.ok()) << after.status.error_message();
  EXPECT_FALSE(bad.status.ok());
  EXPECT_EQ(
      schema_.QueryValue("SELECT string_agg(task, ',' ORDER BY task) FROM \"Tasks\" WHERE id <> " +
                         std::to_string(blocker_id_)),
      "Good after,Good before");
  const testing::ScrapedMetrics metrics = Metrics();
  EXPECT_EQ(
      metrics.Value("photoflow_db_statement_errors_total", {{"statement", "task_insert_many"}}), 1);
  EXPECT_EQ(StatementsRun("task_insert"), 3) << "each call retried alone";
}

TEST_F(BatchingTest, BatchesNeverServeMoreCallsThanTheCap) {
  StartServer(/*batch_max_calls=*/2);
  const int id = InsertTask("Shared");
  std::vector<std::future<Answer<v1::Task>>> gets = GetTaskCallsWaitingTogether(id, 5);
  for (auto& get : gets) {
    const Answer<v1::Task> answer = get.get();
    ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
    EXPECT_EQ(answer.response.title(), "Shared");
  }
  const testing::ScrapedMetrics metrics = Metrics();
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_sum", {{"method", "GetTask"}}), 5);
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_count", {{"method", "GetTask"}}), 3)
      << "2 + 2 + 1";
  EXPECT_EQ(metrics.Value("photoflow_db_batch_calls_bucket", {{"method", "GetTask"}, {"le", "1"}}),
            1);
}

TEST_F(BatchingTest, BatchMaxCallsOfOneRunsEveryCallAlone) {
  StartServer(/*batch_max_calls=*/1);
  const int id = InsertTask("Alone");
  std::vector<std::future<Answer<v1::Task>>> gets = GetTaskCallsWaitingTogether(id, 3);
  for (auto& get : gets) EXPECT_TRUE(get.get().status.ok());
  const testing::ScrapedMetrics metrics = Metrics();
  EXPECT_EQ(StatementsRun("task_find"), 3);
  EXPECT_EQ(metrics.Count("photoflow_db_statement_duration_seconds_count",
                          {{"statement", "task_find_many"}}),
            0u);
  EXPECT_EQ(metrics.Count("photoflow_db_batch_calls_count"), 0u);
}

}  // namespace
}  // namespace photoflow
