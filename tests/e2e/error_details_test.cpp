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

// A few kilobytes of client input in a mask, an order or a filter: the
// answer is INVALID_ARGUMENT with a short message and details, not a trailer
// over the 8 KiB metadata limit of C-core clients (RESOURCE_EXHAUSTED there).
TEST_F(ErrorDetailsTest, ErrorsQuoteClientInputBounded) {
  const std::string huge(6000, 'z');
  std::vector<grpc::Status> statuses;
  {
    v1::GetTaskRequest request;
    request.set_id(1);
    request.mutable_read_mask()->add_paths(huge);
    v1::Task task;
    statuses.push_back(server_.tasks().GetTask(Context().get(), request, &task));
  }
  {
    v1::ListTasksRequest request;
    request.set_order_by(huge);
    v1::ListTasksResponse page;
    statuses.push_back(server_.tasks().ListTasks(Context().get(), request, &page));
    request.clear_order_by();
    request.set_filter(huge.substr(0, 1900) + " = 1");
    statuses.push_back(server_.tasks().ListTasks(Context().get(), request, &page));
  }
  {
    const v1::Task created = CreateTask(SampleTask());
    v1::UpdateTaskRequest request;
    *request.mutable_task() = created;
    request.mutable_update_mask()->add_paths(huge);
    v1::Task updated;
    statuses.push_back(server_.tasks().UpdateTask(Context().get(), request, &updated));
  }
  for (const grpc::Status& status : statuses) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_LT(status.error_message().size(), 400U) << status.error_message();
    EXPECT_LT(status.error_details().size(), 1000U);
    EXPECT_NE(status.error_message().find(" bytes)"), std::string::npos)
        << "the cut is said: " << status.error_message();
  }
}

TEST_F(ErrorDetailsTest, AnEmptyReadMaskPathIsInvalidNotInventedData) {
  const v1::Task created = CreateTask(SampleTask());
  v1::GetTaskRequest request;
  request.set_id(created.id());
  request.mutable_read_mask()->add_paths("");
  v1::Task task;
  const DecodedError error =
      DecodeDetails(server_.tasks().GetTask(Context().get(), request, &task));
  EXPECT_EQ(error.code, grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(error.violations.size(), 1U);
  EXPECT_EQ(error.violations[0].first, "read_mask");
}

TEST_F(ErrorDetailsTest, BlankOrControlCharacterTextIsRefusedAndNothingIsWritten) {
  const v1::Task created = CreateTask(SampleTask());
  const auto create = [&](const std::string& title, const std::string& status,
                          const std::string& notes) {
    v1::Task task = SampleTask();
    task.set_title(title);
    task.set_status(status);
    task.set_additional_information(notes);
    v1::CreateTaskRequest request;
    *request.mutable_task() = task;
    v1::Task ignored;
    return server_.tasks().CreateTask(Context().get(), request, &ignored);
  };
  const DecodedError blank = DecodeDetails(create("   ", "New", ""));
  EXPECT_EQ(blank.code, grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(blank.violations.size(), 1U);
  EXPECT_EQ(blank.violations[0].first, "task.title");
  EXPECT_EQ(blank.violations[0].second, "must not be blank");
  EXPECT_EQ(DecodeDetails(create("Wedding", "New\nline", "")).violations.at(0).first,
            "task.status");
  EXPECT_EQ(DecodeDetails(create("Wedding", "New", "bell\x07")).violations.at(0).first,
            "task.additional_information");
  EXPECT_TRUE(create("Wedding", "New", "two\nlines\tand a tab").ok()) << "notes may break lines";

  v1::CreateCommentRequest comment;
  comment.mutable_comment()->set_task_id(created.id());
  comment.mutable_comment()->set_text(" \n ");
  v1::Comment ignored;
  const DecodedError blank_comment =
      DecodeDetails(server_.comments().CreateComment(Context().get(), comment, &ignored));
  EXPECT_EQ(blank_comment.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(blank_comment.violations.at(0).first, "comment.text");
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM task_comments"), "0");
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"Tasks\""), "2");
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
