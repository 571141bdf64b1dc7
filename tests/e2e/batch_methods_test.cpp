// BatchGetTasks, BatchCreateTasks and BatchDeleteTasks (AIP-231/233/235):
// order kept, all or nothing, request_id and etags honoured.
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/error_details.hpp"

namespace photoflow {
namespace {

using testing::ApiTest;
using testing::DecodeDetails;

class BatchMethodsTest : public ApiTest {
 protected:
  std::string CountTasks() { return schema_.QueryValue("SELECT count(*) FROM \"Tasks\""); }

  static v1::BatchCreateTasksRequest Creates(int count, const std::string& prefix = "Order ") {
    v1::BatchCreateTasksRequest request;
    for (int i = 0; i < count; ++i) {
      *request.add_requests()->mutable_task() = SampleTask(prefix + std::to_string(i));
    }
    return request;
  }

  grpc::Status BatchCreate(const v1::BatchCreateTasksRequest& request,
                           v1::BatchCreateTasksResponse* response) {
    return server_.tasks().BatchCreateTasks(Context().get(), request, response);
  }

  grpc::Status BatchGet(const std::vector<int32_t>& ids, v1::BatchGetTasksResponse* response,
                        const std::vector<std::string>& mask = {}) {
    v1::BatchGetTasksRequest request;
    for (const int32_t id : ids) request.add_ids(id);
    for (const std::string& path : mask) request.mutable_read_mask()->add_paths(path);
    return server_.tasks().BatchGetTasks(Context().get(), request, response);
  }

  grpc::Status BatchDelete(const std::vector<std::pair<int32_t, std::string>>& deletes) {
    v1::BatchDeleteTasksRequest request;
    for (const auto& [id, etag] : deletes) {
      v1::DeleteTaskRequest* one = request.add_requests();
      one->set_id(id);
      one->set_etag(etag);
    }
    google::protobuf::Empty empty;
    return server_.tasks().BatchDeleteTasks(Context().get(), request, &empty);
  }
};

TEST_F(BatchMethodsTest, CreateReturnsTheTasksInRequestOrderAndStoresThem) {
  v1::BatchCreateTasksResponse created;
  ASSERT_TRUE(BatchCreate(Creates(300), &created).ok());
  ASSERT_EQ(created.tasks_size(), 300);
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(created.tasks(i).title(), "Order " + std::to_string(i));
    EXPECT_GT(created.tasks(i).id(), 0);
    EXPECT_FALSE(created.tasks(i).etag().empty());
  }
  EXPECT_EQ(CountTasks(), "300");

  v1::Task stored;
  ASSERT_TRUE(GetTask(created.tasks(123).id(), &stored).ok());
  EXPECT_EQ(stored.SerializeAsString(), created.tasks(123).SerializeAsString());
}

TEST_F(BatchMethodsTest, CreateWithOneInvalidTaskCreatesNothingAndNamesIt) {
  v1::BatchCreateTasksRequest request = Creates(5);
  request.mutable_requests(3)->mutable_task()->set_title("");
  v1::BatchCreateTasksResponse created;
  const grpc::Status status = BatchCreate(request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "requests[3].task.title: is required");
  ASSERT_EQ(DecodeDetails(status).violations.size(), 1U);
  EXPECT_EQ(DecodeDetails(status).violations[0].first, "requests[3].task.title");
  EXPECT_EQ(CountTasks(), "0");

  request = Creates(2);
  request.mutable_requests(1)->set_request_id("9a3c0c4e-7f1a-4a51-9a36-5f3f0d1f6a11");
  EXPECT_EQ(BatchCreate(request, &created).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BatchCreate(Creates(1001), &created).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BatchCreate(Creates(0), &created).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountTasks(), "0");
}

TEST_F(BatchMethodsTest, CreateThatTheDatabaseRefusesForOneRowCreatesNothing) {
  // A trigger that refuses one title stands for any row the database rejects.
  auto owner = schema_.Connect();
  pqxx::work setup(*owner);
  setup.exec(R"sql(CREATE FUNCTION refuse_cursed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.task = 'cursed' THEN RAISE EXCEPTION 'cursed' USING ERRCODE = 'check_violation'; END IF;
  RETURN NEW;
END $$)sql");
  setup.exec(
      R"sql(CREATE TRIGGER refuse_cursed BEFORE INSERT ON "Tasks" FOR EACH ROW EXECUTE FUNCTION refuse_cursed())sql");
  setup.commit();

  v1::BatchCreateTasksRequest request = Creates(10);
  request.mutable_requests(7)->mutable_task()->set_title("cursed");
  v1::BatchCreateTasksResponse created;
  const grpc::Status status = BatchCreate(request, &created);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(CountTasks(), "0");
}

TEST_F(BatchMethodsTest, CreateWithARequestIdRunsOnce) {
  v1::BatchCreateTasksRequest request = Creates(20);
  request.set_request_id("9a3c0c4e-7f1a-4a51-9a36-5f3f0d1f6a11");
  v1::BatchCreateTasksResponse first;
  v1::BatchCreateTasksResponse again;
  ASSERT_TRUE(BatchCreate(request, &first).ok());
  ASSERT_TRUE(BatchCreate(request, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(CountTasks(), "20");

  request.mutable_requests(0)->mutable_task()->set_title("Something else");
  const grpc::Status reused = BatchCreate(request, &again);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(reused.error_message(), "request_id: was already used for a different request");
  EXPECT_EQ(CountTasks(), "20");
}

TEST_F(BatchMethodsTest, GetKeepsTheOrderAskedWithRepeatsAndComments) {
  v1::BatchCreateTasksResponse created;
  ASSERT_TRUE(BatchCreate(Creates(5), &created).ok());
  CreateComment(created.tasks(2).id(), "Photos delivered");
  const std::vector<int32_t> ids = {created.tasks(4).id(), created.tasks(2).id(),
                                    created.tasks(0).id(), created.tasks(2).id()};
  v1::BatchGetTasksResponse got;
  ASSERT_TRUE(BatchGet(ids, &got, {"id", "title", "comments"}).ok());
  ASSERT_EQ(got.tasks_size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got.tasks(i).id(), ids[i]);
  EXPECT_EQ(got.tasks(0).title(), "Order 4");
  EXPECT_TRUE(got.tasks(0).status().empty()) << "the read mask leaves status out";
  ASSERT_EQ(got.tasks(1).comments_size(), 1);
  EXPECT_EQ(got.tasks(1).comments(0).text(), "Photos delivered");
  EXPECT_EQ(got.tasks(3).comments_size(), 1);
  EXPECT_EQ(got.tasks(0).comments_size(), 0);

  ASSERT_TRUE(BatchGet(ids, &got).ok()) << "an empty mask: every field but comments";
  ASSERT_EQ(got.tasks_size(), 4);
  EXPECT_EQ(got.tasks(1).status(), "Scheduled");
  EXPECT_EQ(got.tasks(1).amount_of_comments(), 1);
  EXPECT_EQ(got.tasks(1).comments_size(), 0);
}

TEST_F(BatchMethodsTest, GetWithMissingIdsFailsNamingThem) {
  v1::BatchCreateTasksResponse created;
  ASSERT_TRUE(BatchCreate(Creates(2), &created).ok());
  const int32_t absent = created.tasks(1).id() + 1000;
  v1::BatchGetTasksResponse got;
  const grpc::Status status = BatchGet({created.tasks(0).id(), absent, absent + 1, absent}, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "tasks " + std::to_string(absent) + ", " + std::to_string(absent + 1) + " not found");
  EXPECT_EQ(DecodeDetails(status).reason, "TASK_NOT_FOUND");
  EXPECT_EQ(got.tasks_size(), 0);

  EXPECT_EQ(BatchGet({}, &got).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const grpc::Status negative = BatchGet({created.tasks(0).id(), -4}, &got);
  EXPECT_EQ(negative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DecodeDetails(negative).violations.at(0).first, "ids[1]");
}

TEST_F(BatchMethodsTest, DeleteIsAllOrNothing) {
  v1::BatchCreateTasksResponse created;
  ASSERT_TRUE(BatchCreate(Creates(4), &created).ok());
  CreateComment(created.tasks(0).id(), "Deposit paid");
  v1::Task commented;  // the comment changed its etag
  ASSERT_TRUE(GetTask(created.tasks(0).id(), &commented).ok());
  const int32_t absent = created.tasks(3).id() + 1000;

  const grpc::Status missing =
      BatchDelete({{created.tasks(0).id(), ""}, {absent, ""}, {created.tasks(1).id(), ""}});
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_message(), "task " + std::to_string(absent) + " not found");
  EXPECT_EQ(CountTasks(), "4");

  // A stale etag: the task changed after the caller read it.
  v1::UpdateTaskRequest update;
  update.mutable_task()->set_id(created.tasks(1).id());
  update.mutable_task()->set_status("Editing");
  update.mutable_update_mask()->add_paths("status");
  v1::Task updated;
  ASSERT_TRUE(server_.tasks().UpdateTask(Context().get(), update, &updated).ok());
  const grpc::Status stale = BatchDelete({{created.tasks(0).id(), commented.etag()},
                                          {created.tasks(1).id(), created.tasks(1).etag()}});
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(stale.error_message(), "requests[1].etag: the task has changed since it was read");
  EXPECT_EQ(CountTasks(), "4");
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM task_comments"), "1");

  const grpc::Status repeated =
      BatchDelete({{created.tasks(0).id(), ""}, {created.tasks(0).id(), ""}});
  EXPECT_EQ(repeated.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(repeated.error_message(), "requests[1].id: repeats requests[0].id");

  ASSERT_TRUE(BatchDelete({{created.tasks(0).id(), commented.etag()},
                           {created.tasks(1).id(), updated.etag()},
                           {created.tasks(2).id(), ""}})
                  .ok());
  EXPECT_EQ(CountTasks(), "1");
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM task_comments"), "0");
  v1::Task left;
  EXPECT_TRUE(GetTask(created.tasks(3).id(), &left).ok());
}

}  // namespace
}  // namespace photoflow
