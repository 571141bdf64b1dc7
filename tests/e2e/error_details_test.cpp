// Errors carry a google.rpc.Status with ErrorInfo and BadRequest (AIP-193),
// decodable by any gRPC client library.
#include "support/error_details.hpp"
#include "support/api_fixture.hpp"

namespace photoflow {
namespace {

using testing::ApiTest;
using testing::DecodedError;
using testing::DecodeDetails;

class ErrorDetailsTest : public ApiTest {};

TEST_F(ErrorDetailsTest, BadInputNamesTheFieldInBadRequest) {
  v1::Task task = SampleTask();
  task.clear_title();
  v1::CreateTaskRequest request;
  *request.mutable_task() = task;
  v1::Task ignored;
  const grpc::Status status = server_.tasks().CreateTask(Context().get(), request, &ignored);
  const DecodedError error = DecodeDetails(status);
  ASSERT_TRUE(error.parsed);
  EXPECT_EQ(error.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(error.message, status.error_message());
  EXPECT_EQ(error.reason, "INVALID_FIELD");
  EXPECT_EQ(error.domain, "photoflow.v1");
  ASSERT_EQ(error.violations.size(), 1U);
  EXPECT_EQ(error.violations[0].first, "task.title");
  EXPECT_EQ(error.violations[0].second, "is required");
}

TEST_F(ErrorDetailsTest, EachKindOfErrorHasItsReason) {
  v1::Task task;
  EXPECT_EQ(DecodeDetails(GetTask(424242, &task)).reason, "TASK_NOT_FOUND");

  v1::GetCommentRequest get_comment;
  get_comment.set_id(424242);
  v1::Comment comment;
  EXPECT_EQ(
      DecodeDetails(server_.comments().GetComment(Context().get(), get_comment, &comment)).reason,
      "COMMENT_NOT_FOUND");

  v1::ListTasksRequest list;
  list.set_filter("colour = \"red\"");
  v1::ListTasksResponse page;
  const DecodedError filter =
      DecodeDetails(server_.tasks().ListTasks(Context().get(), list, &page));
  EXPECT_EQ(filter.reason, "INVALID_FILTER");
  ASSERT_EQ(filter.violations.size(), 1U);
  EXPECT_EQ(filter.violations[0].first, "filter");

  list.clear_filter();
  list.set_page_token("garbage");
  EXPECT_EQ(DecodeDetails(server_.tasks().ListTasks(Context().get(), list, &page)).reason,
            "INVALID_PAGE_TOKEN");

  const v1::Task created = CreateTask(SampleTask());
  v1::UpdateTaskRequest update;
  *update.mutable_task() = created;
  update.mutable_task()->set_etag("stale");
  update.mutable_update_mask()->add_paths("status");
  v1::Task updated;
  EXPECT_EQ(DecodeDetails(server_.tasks().UpdateTask(Context().get(), update, &updated)).reason,
            "STALE_ETAG");
}

TEST(ErrorDetailsDatabaseTest, DatabaseDownIsDatabaseUnavailable) {
  testing::TestServer server(
      testing::TestConfig("postgresql://photoflow:photoflow@127.0.0.1:1/photoflow"));
  v1::GetTaskRequest request;
  request.set_id(1);
  v1::Task task;
  grpc::ClientContext context;
  const DecodedError error = DecodeDetails(server.tasks().GetTask(&context, request, &task));
  EXPECT_EQ(error.code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(error.reason, "DATABASE_UNAVAILABLE");
  EXPECT_EQ(error.domain, "photoflow.v1");
}

}  // namespace
}  // namespace photoflow
