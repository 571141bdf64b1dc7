// WatchTasks: the initial state, changes by anyone (psql included) in commit
// order, filters as views, resume from a token exactly once, expired tokens,
// slow clients, and the comment counter.
#include <pqxx/pqxx>

#include <set>
#include <thread>

#include "support/api_fixture.hpp"
#include "support/error_details.hpp"
#include "support/watch_client.hpp"

namespace photoflow {
namespace {

using testing::ApiTest;
using testing::DecodeDetails;
using testing::IsCurrent;
using testing::WatchClient;
using testing::WatchRequest;

class WatchTasksTest : public ApiTest {
 protected:
  // Runs `sql` as the schema's owner, as psql would, in its own transaction.
  void Psql(const std::string& sql) {
    auto connection = schema_.Connect();
    pqxx::work work(*connection);
    work.exec(sql);
    work.commit();
  }

  v1::Task Update(int32_t id, const std::function<void(v1::Task&)>& change,
                  const std::vector<std::string>& paths) {
    v1::UpdateTaskRequest request;
    request.mutable_task()->set_id(id);
    change(*request.mutable_task());
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::Task updated;
    const grpc::Status status = server_.tasks().UpdateTask(Context().get(), request, &updated);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return updated;
  }
};

TEST_F(WatchTasksTest, SendsTheViewThenCurrentThenChangesMadeThroughPsql) {
  const v1::Task first = CreateTask(SampleTask("Wedding"));
  const v1::Task second = CreateTask(SampleTask("Portrait"));
  WatchClient watch(server_.tasks(), WatchRequest());
  const std::vector<v1::TaskEvent> initial = watch.TakeUntil(IsCurrent);
  ASSERT_EQ(initial.size(), 3U);
  EXPECT_EQ(initial[0].type(), v1::TaskEvent::EXISTING);
  EXPECT_EQ(initial[0].task().SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(initial[1].task().id(), second.id());
  EXPECT_EQ(initial[2].type(), v1::TaskEvent::CURRENT);
  EXPECT_FALSE(initial[2].has_task());
  EXPECT_FALSE(initial[2].resume_token().empty());

  Psql("UPDATE \"Tasks\" SET status = 'Editing' WHERE id = " + std::to_string(first.id()));
  const std::vector<v1::TaskEvent> changed = watch.Take(1);
  ASSERT_EQ(changed.size(), 1U);
  EXPECT_EQ(changed[0].type(), v1::TaskEvent::UPDATED);
  EXPECT_EQ(changed[0].task().id(), first.id());
  EXPECT_EQ(changed[0].task().status(), "Editing");
  EXPECT_TRUE(IsRecent(changed[0].commit_time()));
  v1::Task stored;
  ASSERT_TRUE(GetTask(first.id(), &stored).ok());
  EXPECT_EQ(changed[0].task().SerializeAsString(), stored.SerializeAsString())
      << "the event carries the row as committed, etag included";

  const v1::Task third = CreateTask(SampleTask("Headshots"));
  Psql("DELETE FROM \"Tasks\" WHERE id = " + std::to_string(second.id()));
  const std::vector<v1::TaskEvent> more = watch.Take(2);
  ASSERT_EQ(more.size(), 2U);
  EXPECT_EQ(more[0].type(), v1::TaskEvent::CREATED);
  EXPECT_EQ(more[0].task().SerializeAsString(), third.SerializeAsString());
  EXPECT_EQ(more[1].type(), v1::TaskEvent::DELETED);
  EXPECT_EQ(more[1].task().id(), second.id());
  EXPECT_EQ(more[1].task().etag(), second.etag()) << "the deleted version's etag";
  EXPECT_TRUE(more[1].task().title().empty()) << "DELETED carries only id and etag";
}

TEST_F(WatchTasksTest, TheCommentCounterOfCreateCommentArrivesAsOneUpdate) {
  const v1::Task task = CreateTask(SampleTask());
  v1::WatchTasksRequest request = WatchRequest();
  request.mutable_read_mask()->add_paths("amount_of_comments");
  WatchClient watch(server_.tasks(), request);
  ASSERT_EQ(watch.TakeUntil(IsCurrent).size(), 2U);
  CreateComment(task.id(), "Photos delivered");
  const std::vector<v1::TaskEvent> events = watch.Take(1);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].type(), v1::TaskEvent::UPDATED);
  EXPECT_EQ(events[0].task().id(), task.id());
  EXPECT_EQ(events[0].task().amount_of_comments(), 1);
  EXPECT_TRUE(events[0].task().title().empty()) << "the read mask is honoured";

  // A comment written by psql alone (no counter update) is still a change of its task.
  Psql("INSERT INTO task_comments (task_id, comment) VALUES (" + std::to_string(task.id()) +
       ", 'psql')");
  const std::vector<v1::TaskEvent> psql = watch.Take(1);
  ASSERT_EQ(psql.size(), 1U);
  EXPECT_EQ(psql[0].type(), v1::TaskEvent::UPDATED);
  EXPECT_EQ(psql[0].task().id(), task.id());
  EXPECT_EQ(watch.Waiting(), 0U) << "one event per committed change of the task";
}

TEST_F(WatchTasksTest, AFilterIsAViewThatTasksEnterAndLeave) {
  const v1::Task ready = CreateTask(SampleTask("Ready"));
  v1::Task other = SampleTask("Other");
  other.set_task_column("2");
  const v1::Task elsewhere = CreateTask(other);
  WatchClient watch(server_.tasks(), WatchRequest("task_column = \"1\""));
  const std::vector<v1::TaskEvent> initial = watch.TakeUntil(IsCurrent);
  ASSERT_EQ(initial.size(), 2U);
  EXPECT_EQ(initial[0].task().id(), ready.id());

  Update(elsewhere.id(), [](v1::Task& t) { t.set_task_column("1"); }, {"task_column"});
  Update(ready.id(), [](v1::Task& t) { t.set_task_column("3"); }, {"task_column"});
  Update(ready.id(), [](v1::Task& t) { t.set_status("Archived"); },
         {"status"});  // outside: nothing
  Update(elsewhere.id(), [](v1::Task& t) { t.set_status("Shooting"); }, {"status"});
  const std::vector<v1::TaskEvent> events = watch.Take(3);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0].type(), v1::TaskEvent::UPDATED) << "entered the view";
  EXPECT_EQ(events[0].task().id(), elsewhere.id());
  EXPECT_EQ(events[0].task().task_column(), "1");
  EXPECT_EQ(events[1].type(), v1::TaskEvent::REMOVED) << "left the view";
  EXPECT_EQ(events[1].task().id(), ready.id());
  EXPECT_TRUE(events[1].task().task_column().empty()) << "REMOVED carries only id and etag";
  EXPECT_FALSE(events[1].task().etag().empty());
  EXPECT_EQ(events[2].type(), v1::TaskEvent::UPDATED);
  EXPECT_EQ(events[2].task().status(), "Shooting");
}

// A stream dropped after k events and resumed from the k-th token gets every
// later change exactly once, in commit order, whether the changes happened
// while it was away or after it came back.
TEST_F(WatchTasksTest, ResumeDeliversEachChangeExactlyOnceInOrder) {
  const v1::Task task = CreateTask(SampleTask());
  std::string token;
  {
    WatchClient watch(server_.tasks(), WatchRequest());
    ASSERT_EQ(watch.TakeUntil(IsCurrent).size(), 2U);
    for (int i = 1; i <= 5; ++i) {
      Update(task.id(), [i](v1::Task& t) { t.set_status("step " + std::to_string(i)); },
             {"status"});
    }
    const std::vector<v1::TaskEvent> events = watch.Take(5);
    ASSERT_EQ(events.size(), 5U);
    EXPECT_EQ(events[2].task().status(), "step 3");
    token = events[2].resume_token();
  }  // dropped
  for (int i = 6; i <= 8; ++i) {
    Update(task.id(), [i](v1::Task& t) { t.set_status("step " + std::to_string(i)); }, {"status"});
  }
  WatchClient resumed(server_.tasks(), WatchRequest("", token));
  std::vector<v1::TaskEvent> events = resumed.Take(5);
  ASSERT_EQ(events.size(), 5U);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(events[i].type(), v1::TaskEvent::UPDATED);
    EXPECT_EQ(events[i].task().status(), "step " + std::to_string(i + 4));
  }
  Update(task.id(), [](v1::Task& t) { t.set_status("step 9"); }, {"status"});
  events = resumed.Take(1);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].task().status(), "step 9");
  EXPECT_EQ(resumed.Waiting(), 0U) << "nothing twice";
}

TEST_F(WatchTasksTest, ATokenOutsideTheLogIsExpiredWithItsReason) {
  const v1::Task task = CreateTask(SampleTask());
  std::string token;
  {
    WatchClient watch(server_.tasks(), WatchRequest());
    const std::vector<v1::TaskEvent> initial = watch.TakeUntil(IsCurrent);
    ASSERT_EQ(initial.size(), 2U);
    token = initial.back().resume_token();
  }
  Update(task.id(), [](v1::Task& t) { t.set_status("Editing"); }, {"status"});
  // What the pruner does once the change is older than the retention.
  Psql(
      "UPDATE photoflow_watch_state SET pruned_through = (SELECT max(seq) FROM "
      "photoflow_task_changes)");
  Psql("DELETE FROM photoflow_task_changes");
  WatchClient expired(server_.tasks(), WatchRequest("", token));
  const std::optional<grpc::Status> status = expired.Ended();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DecodeDetails(*status).reason, "TOKEN_EXPIRED");
  EXPECT_EQ(expired.Waiting(), 0U);
}

TEST_F(WatchTasksTest, TruncateExpiresEveryToken) {
  CreateTask(SampleTask());
  WatchClient watch(server_.tasks(), WatchRequest());
  const std::vector<v1::TaskEvent> initial = watch.TakeUntil(IsCurrent);
  ASSERT_EQ(initial.size(), 2U);
  Psql("TRUNCATE \"Tasks\" CASCADE");
  const std::optional<grpc::Status> status = watch.Ended();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DecodeDetails(*status).reason, "TOKEN_EXPIRED");
  WatchClient again(server_.tasks(), WatchRequest("", initial.back().resume_token()));
  ASSERT_TRUE(again.Ended().has_value());
  EXPECT_EQ(DecodeDetails(*again.Ended()).reason, "TOKEN_EXPIRED");
}

TEST_F(WatchTasksTest, BadRequestsAreRefusedNamingTheField) {
  struct Case {
    v1::WatchTasksRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({WatchRequest("colour = \"red\""), "filter"});
  cases.push_back({WatchRequest("", "not-a-token"), "resume_token"});
  v1::WatchTasksRequest comments = WatchRequest();
  comments.mutable_read_mask()->add_paths("comments");
  cases.push_back({comments, "read_mask"});
  for (const Case& bad : cases) {
    WatchClient watch(server_.tasks(), bad.request);
    const std::optional<grpc::Status> status = watch.Ended();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.field;
    ASSERT_FALSE(DecodeDetails(*status).violations.empty()) << bad.field;
    EXPECT_EQ(DecodeDetails(*status).violations[0].first, bad.field);
  }
}

}  // namespace
}  // namespace photoflow
