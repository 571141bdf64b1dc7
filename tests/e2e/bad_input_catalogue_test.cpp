// The bad-input catalogue: requests a hostile or careless client sends, over
// every RPC and the transport, each as raw bytes on a real gRPC channel. Each
// gets its documented code, with the field named for INVALID_ARGUMENT (or
// its reason otherwise), in a bounded error; afterwards the tables are byte
// for byte what they were.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>

#include "photoflow/v1/comment_service.pb.h"
#include "photoflow/v1/task_service.pb.h"
#include "support/error_details.hpp"
#include "support/test_database.hpp"
#include "support/test_server.hpp"
#include "support/wire.hpp"

namespace photoflow {
namespace {

using grpc::StatusCode;
using testing::LengthDelimited;

struct BadInput {
  std::string name;
  std::string method;  // "TaskService/GetTask", or a full path starting with "/"
  std::string bytes;
  StatusCode code;
  // For INVALID_ARGUMENT: the field named in the message and the BadRequest
  // (empty when no field is to blame); otherwise the ErrorInfo reason.
  std::string field_or_reason;
};

std::string Bytes(const google::protobuf::Message& message) { return message.SerializeAsString(); }

constexpr const char* kInvalidUtf8 = "Wedding \xff\xfe";

v1::Task ValidTask() {
  v1::Task task;
  task.set_title("Portrait session");
  task.set_status("New");
  task.mutable_due_at()->set_seconds(1798070400);
  return task;
}

std::string CreateTaskWith(const std::function<void(v1::Task&)>& change) {
  v1::CreateTaskRequest request;
  *request.mutable_task() = ValidTask();
  change(*request.mutable_task());
  return Bytes(request);
}

// A valid CreateTaskRequest whose task also carries `field` = `value` on the
// wire (the later value wins for a singular field).
std::string CreateTaskWithWire(const char* field, const std::string& value) {
  const std::string task =
      Bytes(ValidTask()) + LengthDelimited(*v1::Task::descriptor(), field, value);
  return LengthDelimited(*v1::CreateTaskRequest::descriptor(), "task", task);
}

std::string MaskWithPath(const std::string& path) {
  return LengthDelimited(*google::protobuf::FieldMask::descriptor(), "paths", path);
}

class BadInputCatalogueTest : public ::testing::Test {
 protected:
  BadInputCatalogueTest() {
    v1::CreateTaskRequest create;
    *create.mutable_task() = ValidTask();
    grpc::ClientContext first_context;
    EXPECT_TRUE(server_.tasks().CreateTask(&first_context, create, &task_).ok());
    grpc::ClientContext second_context;
    v1::Task second;
    EXPECT_TRUE(server_.tasks().CreateTask(&second_context, create, &second).ok());
    v1::CreateCommentRequest comment;
    comment.mutable_comment()->set_task_id(task_.id());
    comment.mutable_comment()->set_text("Photos delivered");
    grpc::ClientContext comment_context;
    EXPECT_TRUE(server_.comments().CreateComment(&comment_context, comment, &comment_).ok());
    grpc::ClientContext read_context;
    v1::GetTaskRequest get;
    get.set_id(task_.id());
    EXPECT_TRUE(server_.tasks().GetTask(&read_context, get, &task_).ok());
  }

  // Every row of the service's tables, as PostgreSQL prints them.
  std::string Tables() const {
    std::string dump;
    for (const char* table : {"\"Tasks\"", "task_comments", "photoflow_request_ids"}) {
      dump += schema_.QueryValue(std::string("SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY "
                                             "t::text), '') FROM ") +
                                 table + " t") +
              "\n--\n";
    }
    return dump;
  }

  grpc::Status Call(const std::string& method, const std::string& bytes) {
    grpc::GenericStub stub(server_.channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Slice slice(bytes);
    const grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    const std::string path = method.starts_with("/") ? method : "/photoflow.v1." + method;
    stub.UnaryCall(&context, path, grpc::StubOptions(), &request, &response,
                   [&done](const grpc::Status& status) { done.set_value(status); });
    return done.get_future().get();
  }

  std::vector<BadInput> Catalogue() const {
    const int32_t task_id = task_.id();
    const int32_t comment_id = comment_.id();
    const std::string stale_etag = task_.etag() == "1" ? "2" : "1";
    const auto get_task = [&](const std::function<void(v1::GetTaskRequest&)>& change) {
      v1::GetTaskRequest request;
      request.set_id(task_id);
      change(request);
      return Bytes(request);
    };
    const auto list_tasks = [](const std::function<void(v1::ListTasksRequest&)>& change) {
      v1::ListTasksRequest request;
      change(request);
      return Bytes(request);
    };
    const auto update_task = [&](const std::function<void(v1::UpdateTaskRequest&)>& change) {
      v1::UpdateTaskRequest request;
      request.mutable_task()->set_id(task_id);
      request.mutable_task()->set_title("Renamed");
      request.mutable_update_mask()->add_paths("title");
      change(request);
      return Bytes(request);
    };
    const auto delete_task = [&](int32_t id, const std::string& etag) {
      v1::DeleteTaskRequest request;
      request.set_id(id);
      request.set_etag(etag);
      return Bytes(request);
    };
    const auto create_comment = [&](const std::function<void(v1::CreateCommentRequest&)>& change) {
      v1::CreateCommentRequest request;
      request.mutable_comment()->set_task_id(task_id);
      request.mutable_comment()->set_text("Retouch two photos");
      change(request);
      return Bytes(request);
    };
    const auto update_comment = [&](const std::function<void(v1::UpdateCommentRequest&)>& change) {
      v1::UpdateCommentRequest request;
      request.mutable_comment()->set_id(comment_id);
      request.mutable_comment()->set_text("Edited");
      request.mutable_update_mask()->add_paths("text");
      change(request);
      return Bytes(request);
    };
    const auto id_request = [](auto request, int64_t id) {
      request.set_id(static_cast<int32_t>(id));
      return Bytes(request);
    };
    const auto list_comments = [&](const std::function<void(v1::ListCommentsRequest&)>& change) {
      v1::ListCommentsRequest request;
      request.set_task_id(task_id);
      change(request);
      return Bytes(request);
    };
    const auto batch_get = [&](const std::function<void(v1::BatchGetTasksRequest&)>& change) {
      v1::BatchGetTasksRequest request;
      request.add_ids(task_id);
      change(request);
      return Bytes(request);
    };
    const auto batch_create = [&](const std::function<void(v1::BatchCreateTasksRequest&)>& change) {
      v1::BatchCreateTasksRequest request;
      *request.add_requests()->mutable_task() = ValidTask();
      change(request);
      return Bytes(request);
    };
    const auto batch_delete = [&](const std::vector<std::pair<int32_t, std::string>>& deletes) {
      v1::BatchDeleteTasksRequest request;
      for (const auto& [id, etag] : deletes) {
        request.add_requests()->set_id(id);
        request.mutable_requests(request.requests_size() - 1)->set_etag(etag);
      }
      return Bytes(request);
    };
    const std::string huge(6000, 'x');
    const StatusCode kInvalid = StatusCode::INVALID_ARGUMENT;
    return {
        // CreateTask
        {"create without task", "TaskService/CreateTask", "", kInvalid, "task"},
        {"create without title", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.clear_title(); }), kInvalid, "task.title"},
        {"blank title", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.set_title(" \t\u3000"); }), kInvalid, "task.title"},
        {"escape sequence in title", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.set_title("Red\x1b[31m"); }), kInvalid, "task.title"},
        {"title of 501 characters", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.set_title(std::string(501, 'a')); }), kInvalid,
         "task.title"},
        {"title of 501 three-byte characters", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) {
           std::string title;
           for (int i = 0; i < 501; ++i) title += "写";
           t.set_title(title);
         }),
         kInvalid, "task.title"},
        {"title not UTF-8", "TaskService/CreateTask", CreateTaskWithWire("title", kInvalidUtf8),
         kInvalid, "task.title"},
        {"title with NUL", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.set_title(std::string("a\0b", 3)); }), kInvalid,
         "task.title"},
        {"without status", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.clear_status(); }), kInvalid, "task.status"},
        {"status over two lines", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.set_status("In\nProgress"); }), kInvalid,
         "task.status"},
        {"status not UTF-8", "TaskService/CreateTask", CreateTaskWithWire("status", "\xc0\xaf"),
         kInvalid, "task.status"},
        {"without due date", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.clear_due_at(); }), kInvalid, "task.due_at"},
        {"due in the year 10000", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.mutable_due_at()->set_seconds(253402300800); }),
         kInvalid, "task.due_at"},
        {"due before year 1", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.mutable_due_at()->set_seconds(-62135596801); }),
         kInvalid, "task.due_at"},
        {"due nanos out of range", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.mutable_due_at()->set_nanos(1'000'000'000); }),
         kInvalid, "task.due_at"},
        {"notes with an escape", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.set_additional_information("a\x1b]0;x\x07"); }),
         kInvalid, "task.additional_information"},
        {"notes not UTF-8", "TaskService/CreateTask",
         CreateTaskWithWire("additional_information", "\xed\xa0\x80"), kInvalid,
         "task.additional_information"},
        {"column with a tab", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task& t) { t.set_task_column("Done\t"); }), kInvalid,
         "task.task_column"},
        {"request_id not a UUID", "TaskService/CreateTask",
         [] {
           v1::CreateTaskRequest request;
           *request.mutable_task() = ValidTask();
           request.set_request_id("'; DROP TABLE \"Tasks\"; --");
           return Bytes(request);
         }(),
         kInvalid, "request_id"},
        {"request_id not UTF-8", "TaskService/CreateTask",
         Bytes([] {
           v1::CreateTaskRequest request;
           *request.mutable_task() = ValidTask();
           return request;
         }()) +
             LengthDelimited(*v1::CreateTaskRequest::descriptor(), "request_id", "\xff"),
         kInvalid, "request_id"},
        {"truncated message", "TaskService/CreateTask",
         CreateTaskWith([](v1::Task&) {}).substr(0, 10), kInvalid, ""},
        {"bytes that are no message", "TaskService/CreateTask", std::string("\xff\xff\xff\xff", 4),
         kInvalid, ""},
        // GetTask
        {"get id 0", "TaskService/GetTask", get_task([](auto& r) { r.set_id(0); }), kInvalid, "id"},
        {"get negative id", "TaskService/GetTask", get_task([](auto& r) { r.set_id(-7); }),
         kInvalid, "id"},
        {"get unknown mask path", "TaskService/GetTask",
         get_task([](auto& r) { r.mutable_read_mask()->add_paths("price"); }), kInvalid,
         "read_mask"},
        {"get empty mask path", "TaskService/GetTask",
         get_task([](auto& r) { r.mutable_read_mask()->add_paths(""); }), kInvalid, "read_mask"},
        {"get 6 KB mask path", "TaskService/GetTask",
         get_task([&](auto& r) { r.mutable_read_mask()->add_paths(huge); }), kInvalid, "read_mask"},
        {"get mask path not UTF-8", "TaskService/GetTask",
         get_task([](auto&) {}) +
             LengthDelimited(*v1::GetTaskRequest::descriptor(), "read_mask", MaskWithPath("\xff")),
         kInvalid, "read_mask.paths[0]"},
        {"get missing task", "TaskService/GetTask", get_task([](auto& r) { r.set_id(99999); }),
         StatusCode::NOT_FOUND, "TASK_NOT_FOUND"},
        {"get id with a wrong wire type", "TaskService/GetTask",
         LengthDelimited(*v1::GetTaskRequest::descriptor(), "id", "7"), kInvalid, "id"},
        // ListTasks
        {"negative page size", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_page_size(-1); }), kInvalid, "page_size"},
        {"filter syntax error", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_filter("title = "); }), kInvalid, "filter"},
        {"filter on an unknown field", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_filter("price > 3"); }), kInvalid, "filter"},
        {"filter over 2000 characters", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_filter("title = \"" + std::string(2001, 'a') + "\""); }),
         kInvalid, "filter"},
        {"filter not UTF-8", "TaskService/ListTasks",
         LengthDelimited(*v1::ListTasksRequest::descriptor(), "filter", "title = \"\xff\""),
         kInvalid, "filter"},
        {"filter with a SQL comment", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_filter("title = \"x\" -- OR 1=1"); }), kInvalid, "filter"},
        {"filter comparing text with a number", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_filter("title > 3"); }), kInvalid, "filter"},
        {"order by an unknown field", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_order_by("price"); }), kInvalid, "order_by"},
        {"order by a repeated field", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_order_by("id, title, title"); }), kInvalid, "order_by"},
        {"order by with two directions", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_order_by("title desc asc"); }), kInvalid, "order_by"},
        {"order by 6 KB", "TaskService/ListTasks",
         list_tasks([&](auto& r) { r.set_order_by(huge); }), kInvalid, "order_by"},
        {"page token that is no token", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.set_page_token("not-a-token"); }), kInvalid, "page_token"},
        {"page token not UTF-8", "TaskService/ListTasks",
         LengthDelimited(*v1::ListTasksRequest::descriptor(), "page_token", "\xfe"), kInvalid,
         "page_token"},
        {"list unknown mask path", "TaskService/ListTasks",
         list_tasks([](auto& r) { r.mutable_read_mask()->add_paths("title.length"); }), kInvalid,
         "read_mask"},
        // UpdateTask
        {"update without task", "TaskService/UpdateTask",
         update_task([](auto& r) { r.clear_task(); }), kInvalid, "task"},
        {"update id 0", "TaskService/UpdateTask",
         update_task([](auto& r) { r.mutable_task()->set_id(0); }), kInvalid, "task.id"},
        {"update unknown mask path", "TaskService/UpdateTask",
         update_task([](auto& r) { r.mutable_update_mask()->add_paths("owner"); }), kInvalid,
         "update_mask"},
        {"update mask path not UTF-8", "TaskService/UpdateTask",
         update_task([](auto&) {}) + LengthDelimited(*v1::UpdateTaskRequest::descriptor(),
                                                     "update_mask", MaskWithPath("ti\xfftle")),
         kInvalid, "update_mask.paths[1]"},
        {"update to a blank title", "TaskService/UpdateTask",
         update_task([](auto& r) { r.mutable_task()->set_title("\u00a0 "); }), kInvalid,
         "task.title"},
        {"update status with a control character", "TaskService/UpdateTask",
         update_task([](auto& r) {
           r.mutable_task()->set_status("Done\x08");
           r.mutable_update_mask()->add_paths("status");
         }),
         kInvalid, "task.status"},
        {"update due date out of range", "TaskService/UpdateTask", update_task([](auto& r) {
           r.mutable_task()->mutable_due_at()->set_seconds(253402300800);
           r.mutable_update_mask()->add_paths("due_at");
         }),
         kInvalid, "task.due_at"},
        {"update etag not UTF-8", "TaskService/UpdateTask",
         LengthDelimited(*v1::UpdateTaskRequest::descriptor(), "task",
                         Bytes([&] {
                           v1::Task task;
                           task.set_id(task_id);
                           return task;
                         }()) +
                             LengthDelimited(*v1::Task::descriptor(), "etag", "\xff")),
         kInvalid, "task.etag"},
        {"update with a stale etag", "TaskService/UpdateTask",
         update_task([&](auto& r) { r.mutable_task()->set_etag(stale_etag); }), StatusCode::ABORTED,
         "STALE_ETAG"},
        {"update a missing task", "TaskService/UpdateTask",
         update_task([](auto& r) { r.mutable_task()->set_id(99999); }), StatusCode::NOT_FOUND,
         "TASK_NOT_FOUND"},
        // DeleteTask
        {"delete id 0", "TaskService/DeleteTask", delete_task(0, ""), kInvalid, "id"},
        {"delete with a stale etag", "TaskService/DeleteTask", delete_task(task_id, stale_etag),
         StatusCode::ABORTED, "STALE_ETAG"},
        {"delete a missing task", "TaskService/DeleteTask", delete_task(99999, ""),
         StatusCode::NOT_FOUND, "TASK_NOT_FOUND"},
        {"delete etag not UTF-8", "TaskService/DeleteTask",
         delete_task(task_id, "") +
             LengthDelimited(*v1::DeleteTaskRequest::descriptor(), "etag", "\x80"),
         kInvalid, "etag"},
        {"a CreateTaskRequest sent to DeleteTask", "TaskService/DeleteTask",
         CreateTaskWith([](v1::Task&) {}), kInvalid, "id"},
        // Batch methods and SummarizeBoard
        {"batch get of no ids", "TaskService/BatchGetTasks", "", kInvalid, "ids"},
        {"batch get of 1001 ids", "TaskService/BatchGetTasks", batch_get([&](auto& r) {
           for (int i = 0; i < 1000; ++i) r.add_ids(task_id);
         }),
         kInvalid, "ids"},
        {"batch get of id 0", "TaskService/BatchGetTasks", batch_get([](auto& r) { r.add_ids(0); }),
         kInvalid, "ids[1]"},
        {"batch get of a missing task", "TaskService/BatchGetTasks",
         batch_get([](auto& r) { r.add_ids(99999); }), StatusCode::NOT_FOUND, "TASK_NOT_FOUND"},
        {"batch get unknown mask path", "TaskService/BatchGetTasks",
         batch_get([](auto& r) { r.mutable_read_mask()->add_paths("owner"); }), kInvalid,
         "read_mask"},
        {"batch create of nothing", "TaskService/BatchCreateTasks", "", kInvalid, "requests"},
        {"batch create without a task", "TaskService/BatchCreateTasks",
         batch_create([](auto& r) { r.add_requests(); }), kInvalid, "requests[1].task"},
        {"batch create with a blank title", "TaskService/BatchCreateTasks",
         batch_create([](auto& r) { r.mutable_requests(0)->mutable_task()->set_title(" "); }),
         kInvalid, "requests[0].task.title"},
        {"batch create with a request_id per create", "TaskService/BatchCreateTasks",
         batch_create([](auto& r) {
           r.mutable_requests(0)->set_request_id("9a3c0c4e-7f1a-4a51-9a36-5f3f0d1f6a11");
         }),
         kInvalid, "requests[0].request_id"},
        {"batch create request_id not a UUID", "TaskService/BatchCreateTasks",
         batch_create([](auto& r) { r.set_request_id("again"); }), kInvalid, "request_id"},
        {"batch create of 1001 tasks", "TaskService/BatchCreateTasks", batch_create([](auto& r) {
           for (int i = 0; i < 1000; ++i) *r.add_requests()->mutable_task() = ValidTask();
         }),
         kInvalid, "requests"},
        {"batch delete of nothing", "TaskService/BatchDeleteTasks", "", kInvalid, "requests"},
        {"batch delete of id 0", "TaskService/BatchDeleteTasks",
         batch_delete({{task_id, ""}, {0, ""}}), kInvalid, "requests[1].id"},
        {"batch delete of one id twice", "TaskService/BatchDeleteTasks",
         batch_delete({{task_id, ""}, {task_id, ""}}), kInvalid, "requests[1].id"},
        {"batch delete with a missing task", "TaskService/BatchDeleteTasks",
         batch_delete({{task_id, ""}, {99999, ""}}), StatusCode::NOT_FOUND, "TASK_NOT_FOUND"},
        {"batch delete with a stale etag", "TaskService/BatchDeleteTasks",
         batch_delete({{task_id, stale_etag}}), StatusCode::ABORTED, "STALE_ETAG"},
        {"summarize with a filter syntax error", "TaskService/SummarizeBoard", Bytes([] {
           v1::SummarizeBoardRequest request;
           request.set_filter("is_finished = ");
           return request;
         }()),
         kInvalid, "filter"},
        // CreateComment
        {"comment without comment", "CommentService/CreateComment", "", kInvalid, "comment"},
        {"comment on task 0", "CommentService/CreateComment",
         create_comment([](auto& r) { r.mutable_comment()->set_task_id(0); }), kInvalid,
         "comment.task_id"},
        {"blank comment", "CommentService/CreateComment",
         create_comment([](auto& r) { r.mutable_comment()->set_text("\n\r\t "); }), kInvalid,
         "comment.text"},
        {"comment of 10001 characters", "CommentService/CreateComment",
         create_comment([](auto& r) { r.mutable_comment()->set_text(std::string(10001, 'c')); }),
         kInvalid, "comment.text"},
        {"comment with an escape", "CommentService/CreateComment",
         create_comment([](auto& r) { r.mutable_comment()->set_text("ok\x1b[2J"); }), kInvalid,
         "comment.text"},
        {"comment not UTF-8", "CommentService/CreateComment",
         LengthDelimited(*v1::CreateCommentRequest::descriptor(), "comment",
                         LengthDelimited(*v1::Comment::descriptor(), "text", kInvalidUtf8)),
         kInvalid, "comment.text"},
        {"comment on a missing task", "CommentService/CreateComment",
         create_comment([](auto& r) { r.mutable_comment()->set_task_id(99999); }),
         StatusCode::NOT_FOUND, "TASK_NOT_FOUND"},
        {"comment request_id not a UUID", "CommentService/CreateComment",
         create_comment([](auto& r) { r.set_request_id(std::string(300, '9')); }), kInvalid,
         "request_id"},
        // GetComment
        {"get comment 0", "CommentService/GetComment", id_request(v1::GetCommentRequest(), 0),
         kInvalid, "id"},
        {"get a missing comment", "CommentService/GetComment",
         id_request(v1::GetCommentRequest(), 99999), StatusCode::NOT_FOUND, "COMMENT_NOT_FOUND"},
        // ListComments
        {"list comments of task 0", "CommentService/ListComments",
         list_comments([](auto& r) { r.set_task_id(0); }), kInvalid, "task_id"},
        {"list comments negative page size", "CommentService/ListComments",
         list_comments([](auto& r) { r.set_page_size(-5); }), kInvalid, "page_size"},
        {"list comments bad page token", "CommentService/ListComments",
         list_comments([](auto& r) { r.set_page_token("AAAA"); }), kInvalid, "page_token"},
        {"list comments of a missing task", "CommentService/ListComments",
         list_comments([](auto& r) { r.set_task_id(99999); }), StatusCode::NOT_FOUND,
         "TASK_NOT_FOUND"},
        // UpdateComment
        {"update comment without comment", "CommentService/UpdateComment",
         update_comment([](auto& r) { r.clear_comment(); }), kInvalid, "comment"},
        {"update comment 0", "CommentService/UpdateComment",
         update_comment([](auto& r) { r.mutable_comment()->set_id(0); }), kInvalid, "comment.id"},
        {"update comment unknown mask path", "CommentService/UpdateComment",
         update_comment([](auto& r) { r.mutable_update_mask()->add_paths("author"); }), kInvalid,
         "update_mask"},
        {"update comment to blank", "CommentService/UpdateComment",
         update_comment([](auto& r) { r.mutable_comment()->set_text("   "); }), kInvalid,
         "comment.text"},
        {"update a missing comment", "CommentService/UpdateComment",
         update_comment([](auto& r) { r.mutable_comment()->set_id(99999); }), StatusCode::NOT_FOUND,
         "COMMENT_NOT_FOUND"},
        // DeleteComment
        {"delete comment 0", "CommentService/DeleteComment",
         id_request(v1::DeleteCommentRequest(), 0), kInvalid, "id"},
        {"delete a missing comment", "CommentService/DeleteComment",
         id_request(v1::DeleteCommentRequest(), 99999), StatusCode::NOT_FOUND, "COMMENT_NOT_FOUND"},
        {"id beyond int32 on the wire", "CommentService/DeleteComment",
         std::string("\x08\xff\xff\xff\xff\x7f", 6), kInvalid, "id"},
        // The transport
        {"an unknown method", "TaskService/DropTable", "", StatusCode::UNIMPLEMENTED, ""},
        {"an unknown service", "/photoflow.v2.TaskService/GetTask", "", StatusCode::UNIMPLEMENTED,
         ""},
        {"a request over 1 MiB", "TaskService/CreateTask", CreateTaskWith([](v1::Task& t) {
           t.set_additional_information(std::string(1100000, 'n'));
         }),
         StatusCode::RESOURCE_EXHAUSTED, ""},
    };
  }

  testing::TestSchema schema_;
  testing::TestServer server_{schema_};
  v1::Task task_;
  v1::Comment comment_;
};

TEST_F(BadInputCatalogueTest, EveryBadInputGetsItsDocumentedAnswerAndChangesNothing) {
  const std::string before = Tables();
  const std::vector<BadInput> catalogue = Catalogue();
  EXPECT_GE(catalogue.size(), 60U);
  for (const BadInput& input : catalogue) {
    SCOPED_TRACE(input.name);
    const grpc::Status status = Call(input.method, input.bytes);
    EXPECT_EQ(status.error_code(), input.code) << status.error_message();
    // Bounded, whatever the client sent (well inside the 8 KiB of metadata).
    EXPECT_LT(status.error_message().size(), 300U) << status.error_message();
    EXPECT_LT(status.error_details().size(), 1000U);
    if (input.code == StatusCode::UNIMPLEMENTED || input.code == StatusCode::RESOURCE_EXHAUSTED) {
      continue;  // gRPC's own answers, before any service code
    }
    const testing::DecodedError details = testing::DecodeDetails(status);
    ASSERT_TRUE(details.parsed);
    EXPECT_EQ(details.domain, "photoflow.v1");
    if (input.code != StatusCode::INVALID_ARGUMENT) {
      EXPECT_EQ(details.reason, input.field_or_reason);
    } else if (input.field_or_reason.empty()) {
      EXPECT_EQ(details.reason, "MALFORMED_REQUEST");
      EXPECT_TRUE(details.violations.empty());
    } else {
      EXPECT_TRUE(status.error_message().starts_with(input.field_or_reason + ": "))
          << status.error_message();
      ASSERT_EQ(details.violations.size(), 1U);
      EXPECT_EQ(details.violations[0].first, input.field_or_reason);
    }
  }
  EXPECT_EQ(Tables(), before);
  // And the server still serves.
  v1::GetTaskRequest get;
  get.set_id(task_.id());
  v1::Task read;
  grpc::ClientContext context;
  EXPECT_TRUE(server_.tasks().GetTask(&context, get, &read).ok());
  EXPECT_EQ(read.etag(), task_.etag());
}

}  // namespace
}  // namespace photoflow
