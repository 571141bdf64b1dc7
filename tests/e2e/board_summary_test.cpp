// SummarizeBoard: per-column counts equal what SQL counts, also while
// others write.
#include <atomic>
#include <map>
#include <thread>
#include <tuple>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/error_details.hpp"

namespace photoflow {
namespace {

using testing::ApiTest;

// unfinished, finished, overdue, comments
using Counts = std::tuple<int64_t, int64_t, int64_t, int64_t>;

class BoardSummaryTest : public ApiTest {
 protected:
  grpc::Status Summarize(const std::string& filter, v1::SummarizeBoardResponse* response) {
    v1::SummarizeBoardRequest request;
    request.set_filter(filter);
    return server_.tasks().SummarizeBoard(Context().get(), request, response);
  }

  static std::map<std::string, Counts> ByColumn(const v1::SummarizeBoardResponse& response) {
    std::map<std::string, Counts> columns;
    for (const v1::ColumnSummary& column : response.columns()) {
      columns[column.task_column()] = {column.unfinished_tasks(), column.finished_tasks(),
                                       column.overdue_tasks(), column.comments()};
    }
    return columns;
  }

  // The truth, counted by SQL written independently of the service's, with
  // comments counted from task_comments itself.
  std::map<std::string, Counts> SqlTruth() {
    auto connection = schema_.Connect();
    pqxx::read_transaction txn(*connection);
    std::map<std::string, Counts> truth;
    for (const auto& row : txn.exec(R"sql(
SELECT t."taskColumn",
       sum(CASE WHEN t.is_finished THEN 0 ELSE 1 END),
       sum(CASE WHEN t.is_finished THEN 1 ELSE 0 END),
       sum(CASE WHEN NOT t.is_finished AND t."dueAt" < now() AT TIME ZONE 'UTC' THEN 1 ELSE 0 END),
       sum((SELECT count(*) FROM task_comments c WHERE c.task_id = t.id))
FROM "Tasks" t GROUP BY 1)sql")) {
      truth[row[0].as<std::string>()] = {row[1].as<int64_t>(), row[2].as<int64_t>(),
                                         row[3].as<int64_t>(), row[4].as<int64_t>()};
    }
    return truth;
  }

  v1::Task Task(const std::string& column, bool finished, int64_t due_seconds) {
    v1::Task task = SampleTask();
    task.set_task_column(column);
    task.set_is_finished(finished);
    task.mutable_due_at()->set_seconds(due_seconds);
    return CreateTask(task);
  }
};

constexpr int64_t kPast = 1600000000;    // 2020
constexpr int64_t kFuture = 4102444800;  // 2100

TEST_F(BoardSummaryTest, CountsEachColumnsTasksOverdueAndComments) {
  v1::SummarizeBoardResponse empty;
  ASSERT_TRUE(Summarize("", &empty).ok());
  EXPECT_EQ(empty.columns_size(), 0);
  EXPECT_EQ(empty.total().unfinished_tasks(), 0);
  EXPECT_TRUE(IsRecent(empty.as_of()));

  const v1::Task late = Task("1", false, kPast);
  Task("1", false, kFuture);
  Task("1", true, kPast);  // finished: never overdue
  const v1::Task review = Task("2", false, kFuture);
  Task("3", true, kFuture);
  CreateComment(late.id(), "Client called");
  CreateComment(late.id(), "Rescheduled");
  CreateComment(review.id(), "Proofs sent");

  v1::SummarizeBoardResponse summary;
  ASSERT_TRUE(Summarize("", &summary).ok());
  const std::map<std::string, Counts> expected = {
      {"1", {2, 1, 1, 2}}, {"2", {1, 0, 0, 1}}, {"3", {0, 1, 0, 0}}};
  EXPECT_EQ(ByColumn(summary), expected);
  EXPECT_EQ(ByColumn(summary), SqlTruth());
  EXPECT_EQ(summary.columns(0).task_column(), "1") << "ordered by column";
  EXPECT_EQ(summary.total().unfinished_tasks(), 3);
  EXPECT_EQ(summary.total().finished_tasks(), 2);
  EXPECT_EQ(summary.total().overdue_tasks(), 1);
  EXPECT_EQ(summary.total().comments(), 3);
  EXPECT_TRUE(IsRecent(summary.as_of()));

  ASSERT_TRUE(Summarize("is_finished = false AND amount_of_comments > 0", &summary).ok());
  const std::map<std::string, Counts> filtered = {{"1", {1, 0, 1, 2}}, {"2", {1, 0, 0, 1}}};
  EXPECT_EQ(ByColumn(summary), filtered);

  const grpc::Status bad = Summarize("colour = \"red\"", &summary);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::DecodeDetails(bad).reason, "INVALID_FILTER");
}

// Writers move tasks between columns, finish and reopen them and add
// comments while readers summarize: every summary sees one snapshot (the
// number of tasks never changes), and when the writers stop the summary
// equals the SQL truth exactly.
TEST_F(BoardSummaryTest, CountsMatchTheTruthUnderConcurrentWrites) {
  constexpr int kTasks = 60;
  std::vector<int32_t> ids;
  for (int i = 0; i < kTasks; ++i) {
    ids.push_back(Task(std::to_string(1 + i % 3), i % 2 == 0, i % 4 == 0 ? kPast : kFuture).id());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int n = 0; !stop.load(); ++n) {
        const int32_t id = ids[(n * 7 + w * 13) % kTasks];
        if (n % 3 == 2) {
          CreateComment(id, "note");
        } else {
          v1::UpdateTaskRequest update;
          update.mutable_task()->set_id(id);
          update.mutable_task()->set_task_column(std::to_string(1 + (n + w) % 4));
          update.mutable_task()->set_is_finished(n % 2 == 0);
          update.mutable_update_mask()->add_paths("task_column");
          update.mutable_update_mask()->add_paths("is_finished");
          v1::Task updated;
          EXPECT_TRUE(server_.tasks().UpdateTask(Context().get(), update, &updated).ok());
        }
        ++writes;
      }
    });
  }
  int64_t last_comments = 0;
  for (int round = 0; round < 40 || writes.load() < 40; ++round) {
    v1::SummarizeBoardResponse summary;
    ASSERT_TRUE(Summarize("", &summary).ok());
    EXPECT_EQ(summary.total().unfinished_tasks() + summary.total().finished_tasks(), kTasks);
    EXPECT_GE(summary.total().comments(), last_comments) << "comments are only added";
    last_comments = summary.total().comments();
  }
  stop = true;
  for (std::thread& writer : writers) writer.join();
  v1::SummarizeBoardResponse settled;
  ASSERT_TRUE(Summarize("", &settled).ok());
  EXPECT_EQ(ByColumn(settled), SqlTruth());
  EXPECT_GT(settled.total().comments(), 0);
}

}  // namespace
}  // namespace photoflow
