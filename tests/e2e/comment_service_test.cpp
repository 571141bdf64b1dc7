#include <thread>

#include "support/api_fixture.hpp"

namespace photoflow {
namespace {

using testing::ApiTest;

class CommentServiceTest : public ApiTest {
 protected:
  void SetUp() override { task_ = CreateTask(SampleTask()); }

  int32_t AmountOfComments() {
    v1::Task task;
    EXPECT_TRUE(GetTask(task_.id(), &task).ok());
    return task.amount_of_comments();
  }

  grpc::Status DeleteComment(int32_t id) {
    v1::DeleteCommentRequest request;
    request.set_id(id);
    google::protobuf::Empty empty;
    return server_.comments().DeleteComment(Context().get(), request, &empty);
  }

  grpc::Status CreateStatus(int32_t task_id, const std::string& text) {
    v1::CreateCommentRequest request;
    request.mutable_comment()->set_task_id(task_id);
    request.mutable_comment()->set_text(text);
    v1::Comment created;
    return server_.comments().CreateComment(Context().get(), request, &created);
  }

  v1::Task task_;
};

TEST_F(CommentServiceTest, CreateStoresTheCommentAndCountsIt) {
  const v1::Comment comment = CreateComment(task_.id(), "Photos delivered to client");
  EXPECT_GT(comment.id(), 0);
  EXPECT_EQ(comment.task_id(), task_.id());
  EXPECT_EQ(comment.text(), "Photos delivered to client");
  EXPECT_TRUE(IsRecent(comment.created_at())) << comment.created_at().DebugString();
  EXPECT_EQ(AmountOfComments(), 1);

  v1::GetCommentRequest request;
  request.set_id(comment.id());
  v1::Comment fetched;
  ASSERT_TRUE(server_.comments().GetComment(Context().get(), request, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), comment.SerializeAsString());
}

TEST_F(CommentServiceTest, CreateOnMissingTaskIsNotFoundAndCountsNothing) {
  const grpc::Status status = CreateStatus(task_.id() + 1000, "orphan");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM task_comments"), "0");
}

TEST_F(CommentServiceTest, CreateRejectsBadInput) {
  v1::CreateCommentRequest empty;
  v1::Comment ignored;
  EXPECT_EQ(server_.comments().CreateComment(Context().get(), empty, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const grpc::Status no_task = CreateStatus(0, "text");
  EXPECT_EQ(no_task.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(no_task.error_message().rfind("comment.task_id:", 0), 0U) << no_task.error_message();
  const grpc::Status no_text = CreateStatus(task_.id(), "");
  EXPECT_EQ(no_text.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(no_text.error_message().rfind("comment.text:", 0), 0U) << no_text.error_message();
  EXPECT_EQ(CreateStatus(task_.id(), std::string(10001, 'c')).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(AmountOfComments(), 0);
}

TEST_F(CommentServiceTest, ListIsOldestFirstAndPages) {
  std::vector<int32_t> ids;
  ids.reserve(7);
  for (int i = 0; i < 7; ++i)
    ids.push_back(CreateComment(task_.id(), "c" + std::to_string(i)).id());
  const v1::Task other = CreateTask(SampleTask("other"));
  CreateComment(other.id(), "not mine");

  std::vector<int32_t> seen;
  std::string token;
  do {
    v1::ListCommentsRequest request;
    request.set_task_id(task_.id());
    request.set_page_size(3);
    request.set_page_token(token);
    v1::ListCommentsResponse page;
    ASSERT_TRUE(server_.comments().ListComments(Context().get(), request, &page).ok());
    EXPECT_LE(page.comments_size(), 3);
    for (const v1::Comment& comment : page.comments()) seen.push_back(comment.id());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen, ids);
}

TEST_F(CommentServiceTest, ListOfMissingTaskIsNotFoundAndOfEmptyTaskIsEmpty) {
  v1::ListCommentsRequest request;
  request.set_task_id(task_.id());
  v1::ListCommentsResponse page;
  ASSERT_TRUE(server_.comments().ListComments(Context().get(), request, &page).ok());
  EXPECT_EQ(page.comments_size(), 0);
  EXPECT_TRUE(page.next_page_token().empty());
  request.set_task_id(task_.id() + 1000);
  EXPECT_EQ(server_.comments().ListComments(Context().get(), request, &page).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_task_id(0);
  EXPECT_EQ(server_.comments().ListComments(Context().get(), request, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CommentServiceTest, UpdateChangesTextOnly) {
  const v1::Comment comment = CreateComment(task_.id(), "draft");
  v1::UpdateCommentRequest request;
  request.mutable_comment()->set_id(comment.id());
  request.mutable_comment()->set_text("final");
  request.mutable_comment()->set_task_id(task_.id() + 5);  // immutable: ignored
  request.mutable_update_mask()->add_paths("text");
  request.mutable_update_mask()->add_paths("task_id");
  v1::Comment updated;
  ASSERT_TRUE(server_.comments().UpdateComment(Context().get(), request, &updated).ok());
  EXPECT_EQ(updated.text(), "final");
  EXPECT_EQ(updated.task_id(), task_.id());
  EXPECT_EQ(updated.created_at().seconds(), comment.created_at().seconds());

  request.mutable_update_mask()->add_paths("bogus");
  EXPECT_EQ(server_.comments().UpdateComment(Context().get(), request, &updated).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_update_mask();
  request.mutable_comment()->set_text("");
  EXPECT_EQ(server_.comments().UpdateComment(Context().get(), request, &updated).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.mutable_comment()->set_text("x");
  request.mutable_comment()->set_id(comment.id() + 1000);
  EXPECT_EQ(server_.comments().UpdateComment(Context().get(), request, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CommentServiceTest, DeleteRemovesAndUncounts) {
  const v1::Comment first = CreateComment(task_.id(), "one");
  CreateComment(task_.id(), "two");
  EXPECT_EQ(AmountOfComments(), 2);
  ASSERT_TRUE(DeleteComment(first.id()).ok());
  EXPECT_EQ(AmountOfComments(), 1);
  EXPECT_EQ(DeleteComment(first.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(AmountOfComments(), 1);
  EXPECT_EQ(DeleteComment(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CommentServiceTest, CounterStaysExactUnderConcurrentCreatesAndDeletes) {
  constexpr int kThreads = 32;
  constexpr int kPerThread = 6;
  // Room for all 32 callers to wait for a connection (the default waiter limit
  // would turn some away with RESOURCE_EXHAUSTED, by design).
  config::Config config = testing::TestConfig(schema_.url());
  config.pool_max_waiters = kThreads;
  testing::TestServer roomy(config);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        v1::CreateCommentRequest create;
        create.mutable_comment()->set_task_id(task_.id());
        create.mutable_comment()->set_text("t" + std::to_string(t) + " #" + std::to_string(i));
        v1::Comment created;
        if (!roomy.comments().CreateComment(Context().get(), create, &created).ok()) {
          ++failures;
          continue;
        }
        if (i % 3 == 0) {
          v1::DeleteCommentRequest remove;
          remove.set_id(created.id());
          google::protobuf::Empty empty;
          if (!roomy.comments().DeleteComment(Context().get(), remove, &empty).ok()) ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const std::string rows = schema_.QueryValue(
      "SELECT count(*) FROM task_comments WHERE task_id = " + std::to_string(task_.id()));
  EXPECT_EQ(rows, std::to_string(kThreads * (kPerThread - 2)));
  EXPECT_EQ(std::to_string(AmountOfComments()), rows);
}

TEST_F(CommentServiceTest, ConcurrentDeletesOfOneCommentCountItOnce) {
  const v1::Comment comment = CreateComment(task_.id(), "delete me");
  CreateComment(task_.id(), "keep me");
  constexpr int kDeleters = 6;
  std::vector<std::thread> threads;
  threads.reserve(kDeleters);
  std::atomic<int> ok{0};
  std::atomic<int> not_found{0};
  for (int t = 0; t < kDeleters; ++t) {
    threads.emplace_back([&] {
      const grpc::StatusCode code = DeleteComment(comment.id()).error_code();
      if (code == grpc::StatusCode::OK) ++ok;
      if (code == grpc::StatusCode::NOT_FOUND) ++not_found;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(not_found.load(), kDeleters - 1);
  EXPECT_EQ(AmountOfComments(), 1);
}

TEST_F(CommentServiceTest, ReadsSeeCounterAndCommentsThatAgreeWhileWritersRun) {
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (int i = 0; i < 60; ++i) {
      const v1::Comment comment = CreateComment(task_.id(), "c" + std::to_string(i));
      if (i % 2 == 1) {
        EXPECT_TRUE(DeleteComment(comment.id()).ok());
      }
    }
    writing = false;
  });
  int reads = 0;
  while (writing || reads == 0) {
    v1::GetTaskRequest request;
    request.set_id(task_.id());
    request.mutable_read_mask()->add_paths("amount_of_comments");
    request.mutable_read_mask()->add_paths("comments");
    v1::Task task;
    ASSERT_TRUE(server_.tasks().GetTask(Context().get(), request, &task).ok());
    EXPECT_EQ(task.amount_of_comments(), task.comments_size()) << "read " << reads;
    ++reads;
  }
  writer.join();
  EXPECT_EQ(AmountOfComments(), 30);
}

}  // namespace
}  // namespace photoflow
