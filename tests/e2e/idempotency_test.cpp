// request_id on the create methods (AIP-155): a retried create creates nothing new.
#include <atomic>
#include <set>
#include <thread>

#include "support/api_fixture.hpp"

namespace photoflow {
namespace {

using testing::ApiTest;

constexpr const char* kRequestId = "9a3c0c4e-7f1a-4a51-9a36-5f3f0d1f6a11";

class IdempotencyTest : public ApiTest {
 protected:
  grpc::Status CreateWithId(const v1::Task& task, const std::string& request_id, v1::Task* out) {
    v1::CreateTaskRequest request;
    *request.mutable_task() = task;
    request.set_request_id(request_id);
    return server_.tasks().CreateTask(Context().get(), request, out);
  }

  grpc::Status CommentWithId(int32_t task_id, const std::string& text,
                             const std::string& request_id, v1::Comment* out) {
    v1::CreateCommentRequest request;
    request.mutable_comment()->set_task_id(task_id);
    request.mutable_comment()->set_text(text);
    request.set_request_id(request_id);
    return server_.comments().CreateComment(Context().get(), request, out);
  }

  std::string CountTasks() { return schema_.QueryValue("SELECT count(*) FROM \"Tasks\""); }
};

TEST_F(IdempotencyTest, RepeatedCreateReturnsTheFirstTaskAndCreatesNothing) {
  v1::Task first;
  v1::Task again;
  ASSERT_TRUE(CreateWithId(SampleTask(), kRequestId, &first).ok());
  ASSERT_TRUE(CreateWithId(SampleTask(), kRequestId, &again).ok());
  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(CountTasks(), "1");

  v1::Task other;
  ASSERT_TRUE(CreateWithId(SampleTask(), "9a3c0c4e-7f1a-4a51-9a36-5f3f0d1f6a12", &other).ok());
  EXPECT_NE(other.id(), first.id());
  ASSERT_TRUE(CreateWithId(SampleTask(), "", &other).ok()) << "no request_id: no deduplication";
  EXPECT_EQ(CountTasks(), "3");
}

TEST_F(IdempotencyTest, ConcurrentDuplicatesCreateOneTask) {
  constexpr int kCallers = 8;
  std::vector<std::thread> callers;
  callers.reserve(kCallers);
  std::vector<int32_t> ids(kCallers, 0);
  std::atomic<int> failures{0};
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      v1::Task created;
      if (CreateWithId(SampleTask(), kRequestId, &created).ok()) {
        ids[i] = created.id();
      } else {
        ++failures;
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(std::set<int32_t>(ids.begin(), ids.end()).size(), 1U) << "every caller got one task";
  EXPECT_EQ(CountTasks(), "1");
}

TEST_F(IdempotencyTest, ReusingAKeyForADifferentRequestIsRefused) {
  v1::Task first;
  ASSERT_TRUE(CreateWithId(SampleTask("Wedding"), kRequestId, &first).ok());
  v1::Task ignored;
  const grpc::Status status = CreateWithId(SampleTask("Portrait"), kRequestId, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("request_id:", 0), 0U) << status.error_message();
  EXPECT_EQ(CountTasks(), "1");
}

TEST_F(IdempotencyTest, MalformedKeysAreInvalid) {
  v1::Task ignored;
  for (const char* bad : {"42", "not-a-uuid", "9a3c0c4e7f1a4a519a365f3f0d1f6a11",
                          "9a3c0c4e-7f1a-4a51-9a36-5f3f0d1f6a1g"}) {
    const grpc::Status status = CreateWithId(SampleTask(), bad, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(status.error_message().rfind("request_id:", 0), 0U) << status.error_message();
  }
  EXPECT_EQ(CountTasks(), "0");
}

TEST_F(IdempotencyTest, RepeatedCommentIsCountedOnce) {
  const v1::Task task = CreateTask(SampleTask());
  v1::Comment first;
  v1::Comment again;
  ASSERT_TRUE(CommentWithId(task.id(), "Photos delivered", kRequestId, &first).ok());
  ASSERT_TRUE(CommentWithId(task.id(), "Photos delivered", kRequestId, &again).ok());
  EXPECT_EQ(again.id(), first.id());
  v1::Task fetched;
  ASSERT_TRUE(GetTask(task.id(), &fetched).ok());
  EXPECT_EQ(fetched.amount_of_comments(), 1);
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM task_comments"), "1");
}

TEST_F(IdempotencyTest, AFailedCreateDoesNotUseUpTheKey) {
  v1::Comment ignored;
  EXPECT_EQ(CommentWithId(987654, "orphan", kRequestId, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  const v1::Task task = CreateTask(SampleTask());
  v1::Comment created;
  // Same payload except the (now existing) task: a different request, but the
  // failed first attempt left no key behind.
  EXPECT_TRUE(CommentWithId(task.id(), "orphan", kRequestId, &created).ok());
}

TEST_F(IdempotencyTest, KeysExpireAfterADayAndTheResourceMayBeGone) {
  v1::Task first;
  ASSERT_TRUE(CreateWithId(SampleTask(), kRequestId, &first).ok());
  schema_.QueryValue("DELETE FROM \"Tasks\"; SELECT 1");
  v1::Task gone;
  EXPECT_EQ(CreateWithId(SampleTask(), kRequestId, &gone).error_code(), grpc::StatusCode::NOT_FOUND)
      << "the first result no longer exists; nothing new is created";
  EXPECT_EQ(CountTasks(), "0");

  schema_.QueryValue(
      "UPDATE photoflow_request_ids SET created_at = now() - interval '25 hours'; SELECT 1");
  v1::Task renewed;
  ASSERT_TRUE(CreateWithId(SampleTask(), kRequestId, &renewed).ok());
  EXPECT_NE(renewed.id(), first.id());
  EXPECT_EQ(CountTasks(), "1");
}

}  // namespace
}  // namespace photoflow
