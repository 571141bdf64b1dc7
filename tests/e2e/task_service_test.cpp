#include <atomic>
#include <set>
#include <thread>

#include <google/protobuf/util/message_differencer.h>
#include <pqxx/transaction>

#include "support/api_fixture.hpp"

namespace photoflow {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::ApiTest;

class TaskServiceTest : public ApiTest {
 protected:
  grpc::Status Create(const v1::Task& task) {
    v1::CreateTaskRequest request;
    *request.mutable_task() = task;
    v1::Task created;
    return server_.tasks().CreateTask(Context().get(), request, &created);
  }

  grpc::Status Update(const v1::Task& task, const std::vector<std::string>& paths,
                      v1::Task* updated) {
    v1::UpdateTaskRequest request;
    *request.mutable_task() = task;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    return server_.tasks().UpdateTask(Context().get(), request, updated);
  }

  grpc::Status Delete(int32_t id, const std::string& etag = "") {
    v1::DeleteTaskRequest request;
    request.set_id(id);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return server_.tasks().DeleteTask(Context().get(), request, &empty);
  }

  grpc::Status List(int page_size, const std::string& token, v1::ListTasksResponse* response) {
    v1::ListTasksRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    return server_.tasks().ListTasks(Context().get(), request, response);
  }

  static void ExpectInvalidArgument(const grpc::Status& status, const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(status.error_message().rfind(field + ":", 0), 0U)
        << "message does not start with the field '" << field << "': " << status.error_message();
  }
};

TEST_F(TaskServiceTest, CreateReturnsTheStoredTaskWithDefaults) {
  const v1::Task created = CreateTask(SampleTask());
  EXPECT_GT(created.id(), 0);
  EXPECT_TRUE(IsRecent(created.created_at())) << created.created_at().DebugString();
  EXPECT_EQ(created.due_at().seconds(), 1773532800);
  EXPECT_EQ(created.due_at().nanos(), 250'000'000);
  EXPECT_EQ(created.title(), "Wedding Photography - Smith Family");
  EXPECT_EQ(created.additional_information(), "Outdoor ceremony, 100 guests");
  EXPECT_EQ(created.status(), "Scheduled");
  EXPECT_FALSE(created.is_finished());
  EXPECT_EQ(created.task_column(), "1");
  EXPECT_EQ(created.amount_of_comments(), 0);
  EXPECT_FALSE(created.etag().empty());

  // The row is what the Prisma app would read.
  EXPECT_EQ(schema_.QueryValue("SELECT task || '|' || \"taskColumn\" || '|' || "
                               "to_char(\"dueAt\", 'YYYY-MM-DD HH24:MI:SS.MS') FROM \"Tasks\""),
            "Wedding Photography - Smith Family|1|2026-03-15 00:00:00.250");
}

TEST_F(TaskServiceTest, DueDatesRoundTripToTheMillisecondAcrossTheWholeRange) {
  for (const auto& [seconds, nanos] : std::vector<std::pair<int64_t, int32_t>>{
           {-62135596800, 0},             // 0001-01-01T00:00:00Z
           {-1, 999'000'000},             // just before the epoch
           {1773532800, 7'000'000},       // 2026-03-15T00:00:00.007Z
           {253402300799, 999'000'000},   // 9999-12-31T23:59:59.999Z
           {1773532800, 123'456'789}}) {  // sub-millisecond part is truncated
    v1::Task task = SampleTask();
    task.mutable_due_at()->set_seconds(seconds);
    task.mutable_due_at()->set_nanos(nanos);
    const v1::Task created = CreateTask(task);
    v1::Task fetched;
    ASSERT_TRUE(GetTask(created.id(), &fetched).ok());
    EXPECT_EQ(fetched.due_at().seconds(), seconds);
    EXPECT_EQ(fetched.due_at().nanos(), nanos / 1'000'000 * 1'000'000) << seconds;
  }
}

TEST(TaskTimeZoneTest, CreatedAtIsUtcWhateverTheSessionTimeZone) {
  // The database's default time zone for our sessions is New York here; the
  // server must still store (and return) created_at in UTC, as Prisma does.
  testing::TestSchema schema;
  testing::TestServer server(
      testing::TestConfig(schema.url() + "&options=-c%20TimeZone%3DAmerica/New_York"));
  v1::CreateTaskRequest request;
  *request.mutable_task() = ApiTest::SampleTask();
  v1::Task created;
  grpc::ClientContext context;
  ASSERT_TRUE(server.tasks().CreateTask(&context, request, &created).ok());
  EXPECT_TRUE(ApiTest::IsRecent(created.created_at())) << created.created_at().DebugString();
  EXPECT_EQ(schema.QueryValue("SELECT abs(extract(epoch FROM created_at - "
                              "(now() AT TIME ZONE 'UTC'))) < 60 FROM \"Tasks\""),
            "t");
}

TEST_F(TaskServiceTest, CreateIgnoresOutputOnlyFields) {
  v1::Task task = SampleTask();
  task.set_id(999);
  task.set_amount_of_comments(42);
  task.set_etag("forged");
  task.add_comments()->set_text("ignored");
  const v1::Task created = CreateTask(task);
  EXPECT_NE(created.id(), 999);
  EXPECT_EQ(created.amount_of_comments(), 0);
  EXPECT_NE(created.etag(), "forged");
  EXPECT_EQ(created.comments_size(), 0);
}

TEST_F(TaskServiceTest, CreateRejectsEachMissingOrBadFieldAndWritesNothing) {
  v1::CreateTaskRequest empty_request;
  v1::Task ignored;
  ExpectInvalidArgument(server_.tasks().CreateTask(Context().get(), empty_request, &ignored),
                        "task");

  v1::Task no_due = SampleTask();
  no_due.clear_due_at();
  ExpectInvalidArgument(Create(no_due), "task.due_at");

  v1::Task no_title = SampleTask();
  no_title.clear_title();
  ExpectInvalidArgument(Create(no_title), "task.title");

  v1::Task no_status = SampleTask();
  no_status.clear_status();
  ExpectInvalidArgument(Create(no_status), "task.status");

  ExpectInvalidArgument(Create(SampleTask(std::string(501, 'x'))), "task.title");

  v1::Task long_notes = SampleTask();
  long_notes.set_additional_information(std::string(10001, 'x'));
  ExpectInvalidArgument(Create(long_notes), "task.additional_information");

  v1::Task nul_status = SampleTask();
  nul_status.set_status(std::string("a\0b", 3));
  ExpectInvalidArgument(Create(nul_status), "task.status");

  v1::Task far_future = SampleTask();
  far_future.mutable_due_at()->set_seconds(253402300800);
  ExpectInvalidArgument(Create(far_future), "task.due_at");

  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"Tasks\""), "0");
}

TEST_F(TaskServiceTest, LimitsAreInclusive) {
  v1::Task task = SampleTask(std::string(500, 'x'));
  task.set_additional_information(std::string(10000, 'y'));
  task.set_status(std::string(500, 'z'));
  EXPECT_TRUE(Create(task).ok());
}

TEST_F(TaskServiceTest, GetReturnsWhatCreateReturned) {
  const v1::Task created = CreateTask(SampleTask());
  v1::Task fetched;
  ASSERT_TRUE(GetTask(created.id(), &fetched).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(created, fetched)) << fetched.DebugString();
}

TEST_F(TaskServiceTest, GetUnknownIsNotFoundAndBadIdIsInvalid) {
  v1::Task task;
  EXPECT_EQ(GetTask(123456, &task).error_code(), grpc::StatusCode::NOT_FOUND);
  ExpectInvalidArgument(GetTask(0, &task), "id");
  ExpectInvalidArgument(GetTask(-3, &task), "id");
}

TEST_F(TaskServiceTest, ReadMaskSelectsFieldsAndComments) {
  const v1::Task created = CreateTask(SampleTask());
  CreateComment(created.id(), "first");
  CreateComment(created.id(), "second");

  v1::GetTaskRequest request;
  request.set_id(created.id());
  request.mutable_read_mask()->add_paths("title");
  request.mutable_read_mask()->add_paths("comments");
  v1::Task masked;
  ASSERT_TRUE(server_.tasks().GetTask(Context().get(), request, &masked).ok());
  EXPECT_EQ(masked.title(), created.title());
  EXPECT_EQ(masked.id(), 0);
  EXPECT_EQ(masked.status(), "");
  EXPECT_FALSE(masked.has_due_at());
  ASSERT_EQ(masked.comments_size(), 2);
  EXPECT_EQ(masked.comments(0).text(), "first");
  EXPECT_EQ(masked.comments(1).text(), "second");

  v1::Task full;
  ASSERT_TRUE(GetTask(created.id(), &full).ok());
  EXPECT_EQ(full.comments_size(), 0) << "comments only when the mask names them";

  request.mutable_read_mask()->add_paths("no_such_field");
  ExpectInvalidArgument(server_.tasks().GetTask(Context().get(), request, &masked), "read_mask");
}

TEST_F(TaskServiceTest, UpdateChangesOnlyMaskedFields) {
  const v1::Task created = CreateTask(SampleTask());
  v1::Task change;
  change.set_id(created.id());
  change.set_status("In Progress");
  change.set_task_column("2");
  change.set_title("must not be written");
  v1::Task updated;
  ASSERT_TRUE(Update(change, {"status", "task_column"}, &updated).ok());
  EXPECT_EQ(updated.status(), "In Progress");
  EXPECT_EQ(updated.task_column(), "2");
  EXPECT_EQ(updated.title(), created.title());
  EXPECT_EQ(updated.due_at().seconds(), created.due_at().seconds());
  EXPECT_NE(updated.etag(), created.etag());

  v1::Task fetched;
  ASSERT_TRUE(GetTask(created.id(), &fetched).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(updated, fetched));
}

TEST_F(TaskServiceTest, UpdateWithEmptyMaskReplacesEveryWritableField) {
  const v1::Task created = CreateTask(SampleTask());
  v1::Task replacement = SampleTask("Portrait session");
  replacement.set_id(created.id());
  replacement.mutable_due_at()->set_seconds(1775000000);
  replacement.set_additional_information("");
  replacement.set_is_finished(true);
  replacement.set_task_column("3");
  replacement.set_amount_of_comments(77);  // output only: ignored
  v1::Task updated;
  ASSERT_TRUE(Update(replacement, {}, &updated).ok());
  EXPECT_EQ(updated.title(), "Portrait session");
  EXPECT_EQ(updated.due_at().seconds(), 1775000000);
  EXPECT_EQ(updated.additional_information(), "");
  EXPECT_TRUE(updated.is_finished());
  EXPECT_EQ(updated.task_column(), "3");
  EXPECT_EQ(updated.amount_of_comments(), 0);
}

TEST_F(TaskServiceTest, UpdateRejectsBadInputAndChangesNothing) {
  const v1::Task created = CreateTask(SampleTask());
  v1::Task change;
  change.set_id(created.id());
  v1::Task updated;
  ExpectInvalidArgument(Update(change, {"title"}, &updated), "task.title");
  ExpectInvalidArgument(Update(change, {"nonsense"}, &updated), "update_mask");
  change.set_title("x");
  change.set_id(0);
  ExpectInvalidArgument(Update(change, {"title"}, &updated), "task.id");
  change.set_id(987654);
  EXPECT_EQ(Update(change, {"title"}, &updated).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::Task fetched;
  ASSERT_TRUE(GetTask(created.id(), &fetched).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(created, fetched));
}

TEST_F(TaskServiceTest, StaleEtagIsAbortedAndChangesNothing) {
  const v1::Task created = CreateTask(SampleTask());
  v1::Task first = created;
  first.set_status("Editing");
  v1::Task after_first;
  ASSERT_TRUE(Update(first, {"status"}, &after_first).ok());  // carries the current etag

  v1::Task second = created;  // still holds the original etag
  second.set_status("Delivered");
  v1::Task ignored;
  EXPECT_EQ(Update(second, {"status"}, &ignored).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Delete(created.id(), created.etag()).error_code(), grpc::StatusCode::ABORTED);

  v1::Task fetched;
  ASSERT_TRUE(GetTask(created.id(), &fetched).ok());
  EXPECT_EQ(fetched.status(), "Editing");
  EXPECT_TRUE(Delete(created.id(), fetched.etag()).ok());
}

TEST_F(TaskServiceTest, TwoClientsRacingWithTheSameEtagGetExactlyOneWinner) {
  for (int round = 0; round < 10; ++round) {
    const v1::Task read = CreateTask(SampleTask());  // both clients read this version
    std::atomic<int> ok{0};
    std::atomic<int> aborted{0};
    std::vector<std::thread> clients;
    clients.reserve(2);
    for (const char* status : {"Editing by A", "Editing by B"}) {
      clients.emplace_back([&, status] {
        v1::Task change = read;
        change.set_status(status);
        v1::Task updated;
        const grpc::StatusCode code = Update(change, {"status"}, &updated).error_code();
        if (code == grpc::StatusCode::OK) ++ok;
        if (code == grpc::StatusCode::ABORTED) ++aborted;
      });
    }
    for (std::thread& client : clients) client.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(aborted.load(), 1) << "round " << round;
  }
}

TEST_F(TaskServiceTest, EtagChangesWhenAnotherProgramWritesTheRow) {
  const v1::Task created = CreateTask(SampleTask());
  auto connection = schema_.Connect();
  pqxx::work txn(*connection);
  txn.exec_params("UPDATE \"Tasks\" SET status = 'Changed by Prisma' WHERE id = $1", created.id());
  txn.commit();
  v1::Task stale = created;
  stale.set_title("mine");
  v1::Task ignored;
  EXPECT_EQ(Update(stale, {"title"}, &ignored).error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(TaskServiceTest, DeleteRemovesTheTaskAndItsComments) {
  const v1::Task created = CreateTask(SampleTask());
  const v1::Comment comment = CreateComment(created.id(), "Photos delivered to client");
  ASSERT_TRUE(Delete(created.id()).ok());

  v1::Task task;
  EXPECT_EQ(GetTask(created.id(), &task).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetCommentRequest get_comment;
  get_comment.set_id(comment.id());
  v1::Comment gone;
  EXPECT_EQ(server_.comments().GetComment(Context().get(), get_comment, &gone).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM task_comments"), "0");
  EXPECT_EQ(Delete(created.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  ExpectInvalidArgument(Delete(0), "id");
}

TEST_F(TaskServiceTest, Walking250TasksInPagesOf100ReturnsEachOnce) {
  std::set<int32_t> created;
  for (int i = 0; i < 250; ++i)
    created.insert(CreateTask(SampleTask("task " + std::to_string(i))).id());

  std::set<int32_t> seen;
  std::vector<int> page_sizes;
  std::string token;
  int32_t previous_id = 0;
  do {
    v1::ListTasksResponse page;
    ASSERT_TRUE(List(100, token, &page).ok());
    page_sizes.push_back(page.tasks_size());
    for (const v1::Task& task : page.tasks()) {
      EXPECT_GT(task.id(), previous_id) << "ordered by id";
      previous_id = task.id();
      EXPECT_TRUE(seen.insert(task.id()).second) << "task " << task.id() << " seen twice";
    }
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen, created);
  EXPECT_EQ(page_sizes, (std::vector<int>{100, 100, 50}));
}

TEST_F(TaskServiceTest, PageSizeDefaultsAndCoercion) {
  auto connection = schema_.Connect();
  pqxx::work txn(*connection);
  txn.exec(
      "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
      "SELECT now(), 'bulk ' || i, '', 'Scheduled' FROM generate_series(1, 1001) AS i");
  txn.commit();

  v1::ListTasksResponse page;
  ASSERT_TRUE(List(0, "", &page).ok());
  EXPECT_EQ(page.tasks_size(), 50);
  EXPECT_FALSE(page.next_page_token().empty());

  v1::ListTasksResponse big;
  ASSERT_TRUE(List(5000, "", &big).ok());
  EXPECT_EQ(big.tasks_size(), 1000);
  v1::ListTasksResponse last;
  ASSERT_TRUE(List(5000, big.next_page_token(), &last).ok());
  EXPECT_EQ(last.tasks_size(), 1);
  EXPECT_TRUE(last.next_page_token().empty());

  ExpectInvalidArgument(List(-1, "", &page), "page_size");
}

TEST_F(TaskServiceTest, BadPageTokensAreInvalidArgument) {
  for (int i = 0; i < 3; ++i) CreateTask(SampleTask());
  v1::ListTasksResponse first;
  ASSERT_TRUE(List(1, "", &first).ok());
  const std::string token = first.next_page_token();
  ASSERT_FALSE(token.empty());

  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  v1::ListTasksResponse page;
  ExpectInvalidArgument(List(1, tampered, &page), "page_token");
  ExpectInvalidArgument(List(1, "garbage!", &page), "page_token");

  // A ListComments token is not a ListTasks token.
  v1::ListCommentsRequest comments_request;
  comments_request.set_task_id(first.tasks(0).id());
  comments_request.set_page_token(token);
  v1::ListCommentsResponse comments;
  ExpectInvalidArgument(
      server_.comments().ListComments(Context().get(), comments_request, &comments), "page_token");
}

}  // namespace
}  // namespace photoflow
