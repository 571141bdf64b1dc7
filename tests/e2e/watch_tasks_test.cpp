// WatchTasks: the initial state, changes by anyone (psql included) in commit
// order, filters as views, resume from a token exactly once, expired tokens,
// slow clients, and the comment counter.
#include <grpcpp/create_channel.h>
#include <pqxx/pqxx>

#include <map>
#include <set>
#include <thread>

#include "support/api_fixture.hpp"
#include "support/error_details.hpp"
#include "support/metrics_scrape.hpp"
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

// A comment is logged as a change of its task, with the task as it is at
// commit. A REPEATABLE READ writer whose snapshot predates a newer version of
// the task cannot log the older one: its comment fails to serialize, and the
// stream never goes back in time.
TEST_F(WatchTasksTest, ACommentNeverLogsAnOlderTask) {
  const v1::Task task = CreateTask(SampleTask("Before"));
  WatchClient watch(server_.tasks(), WatchRequest());
  ASSERT_EQ(watch.TakeUntil(IsCurrent).size(), 2U);
  auto stale_connection = schema_.Connect();
  pqxx::transaction<pqxx::repeatable_read> stale(*stale_connection);
  stale.exec("SELECT count(*) FROM \"Tasks\"");  // its snapshot: title "Before"
  Psql("UPDATE \"Tasks\" SET task = 'After' WHERE id = " + std::to_string(task.id()));
  EXPECT_THROW(stale.exec("INSERT INTO task_comments (task_id, comment) VALUES (" +
                          std::to_string(task.id()) + ", 'late')"),
               pqxx::serialization_failure);
  stale.abort();
  CreateComment(task.id(), "on time");
  const std::vector<v1::TaskEvent> events = watch.Take(2);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].task().title(), "After");
  EXPECT_EQ(events[1].task().title(), "After");
  EXPECT_EQ(events[1].task().amount_of_comments(), 1);
}

// The log numbers a change once it has committed: one written before
// another but committed after it comes after it, and a token taken in
// between does not skip it (writers take no lock across their commit).
TEST_F(WatchTasksTest, AChangeWrittenFirstButCommittedLastComesLast) {
  const v1::Task first = CreateTask(SampleTask("First"));
  const v1::Task second = CreateTask(SampleTask("Second"));
  WatchClient watch(server_.tasks(), WatchRequest());
  ASSERT_EQ(watch.TakeUntil(IsCurrent).size(), 3U);
  auto slow_connection = schema_.Connect();
  pqxx::work slow(*slow_connection);
  slow.exec("UPDATE \"Tasks\" SET status = 'Slow' WHERE id = " + std::to_string(first.id()));
  slow.exec("SET CONSTRAINTS ALL IMMEDIATE");  // its log row is written now
  Psql("UPDATE \"Tasks\" SET status = 'Quick' WHERE id = " + std::to_string(second.id()));
  const std::vector<v1::TaskEvent> quick = watch.Take(1);
  ASSERT_EQ(quick.size(), 1U);
  EXPECT_EQ(quick[0].task().status(), "Quick");
  slow.commit();
  const std::vector<v1::TaskEvent> late = watch.Take(1);
  ASSERT_EQ(late.size(), 1U);
  EXPECT_EQ(late[0].task().status(), "Slow");

  auto connection = schema_.Connect();
  pqxx::nontransaction check(*connection);
  const pqxx::row order = check.exec1(
      "SELECT s.id < q.id, s.seq > q.seq FROM photoflow_task_changes AS s, "
      "photoflow_task_changes AS q WHERE s.new_row->>'status' = 'Slow' AND "
      "q.new_row->>'status' = 'Quick'");
  EXPECT_TRUE(order[0].as<bool>()) << "the slow change was written first";
  EXPECT_TRUE(order[1].as<bool>()) << "and numbered after the quick one";

  WatchClient resumed(server_.tasks(), WatchRequest("", quick[0].resume_token()));
  const std::vector<v1::TaskEvent> events = resumed.TakeUntil(IsCurrent);
  ASSERT_EQ(events.size(), 2U) << "the slow change, then CURRENT";
  EXPECT_EQ(events[0].task().status(), "Slow");
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
  std::vector<v1::TaskEvent> events = resumed.TakeUntil(IsCurrent);
  ASSERT_EQ(events.size(), 6U) << "steps 4 to 8, then CURRENT: caught up";
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
  // What the pruner does once the change is older than the retention (it
  // prunes numbered changes only: number this one first, as the hub would).
  Psql("SELECT photoflow_sequence_task_changes(10000, true)");
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

namespace photoflow {
namespace {

using testing::ApiTest;
using testing::IsCurrent;
using testing::TestConfig;
using testing::TestSchema;
using testing::TestServer;
using testing::WatchClient;
using testing::WatchRequest;

v1::Task SampleTask(const std::string& title) { return ApiTest::SampleTask(title); }

v1::BatchCreateTasksResponse CreateMany(TestServer& server, int count,
                                        const std::string& notes = "") {
  v1::BatchCreateTasksRequest request;
  for (int i = 0; i < count; ++i) {
    v1::Task* task = request.add_requests()->mutable_task();
    *task = SampleTask("Order " + std::to_string(i));
    task->set_task_column(std::to_string(1 + i % 3));
    if (!notes.empty()) task->set_additional_information(notes);
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::BatchCreateTasksResponse created;
  const grpc::Status status = server.tasks().BatchCreateTasks(&context, request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

grpc::Status SetStatus(TestServer& server, int32_t id, const std::string& status) {
  v1::UpdateTaskRequest request;
  request.mutable_task()->set_id(id);
  request.mutable_task()->set_status(status);
  request.mutable_update_mask()->add_paths("status");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::Task updated;
  return server.tasks().UpdateTask(&context, request, &updated);
}

// The initial state is paged inside the server; a token taken in the middle
// of it resumes the initial state where it stopped.
TEST(WatchInitialStateTest, IsPagedAndResumableInTheMiddle) {
  TestSchema schema;
  TestServer server(schema);
  CreateMany(server, 600);
  CreateMany(server, 600);
  std::vector<v1::TaskEvent> initial;
  std::string middle;
  {
    WatchClient watch(server.tasks(), WatchRequest("task_column = \"2\""));
    initial = watch.TakeUntil(IsCurrent);
    ASSERT_EQ(initial.size(), 401U) << "400 of 1,200 tasks are in column 2, then CURRENT";
    middle = initial[149].resume_token();
  }
  std::set<int32_t> ids;
  for (size_t i = 0; i + 1 < initial.size(); ++i) {
    EXPECT_EQ(initial[i].type(), v1::TaskEvent::EXISTING);
    EXPECT_EQ(initial[i].task().task_column(), "2");
    if (i > 0) {
      EXPECT_GT(initial[i].task().id(), initial[i - 1].task().id()) << "by id";
    }
    ids.insert(initial[i].task().id());
  }
  EXPECT_EQ(ids.size(), 400U);
  WatchClient resumed(server.tasks(), WatchRequest("task_column = \"2\"", middle));
  const std::vector<v1::TaskEvent> rest = resumed.TakeUntil(IsCurrent);
  ASSERT_EQ(rest.size(), 251U);
  EXPECT_EQ(rest[0].task().id(), initial[150].task().id());
  EXPECT_EQ(rest[249].task().id(), initial[399].task().id());
}

// Several writers commit at once while a client watches; a second client
// resumes from a token in the middle. Each sees every change once, in commit
// order (per task, its statuses in the order they were written), and the
// resumed one exactly the first one's events after the token.
TEST(WatchConcurrencyTest, ConcurrentCommitsArriveOnceInOrderAndResumeExactly) {
  TestSchema schema;
  TestServer server(schema);
  const v1::BatchCreateTasksResponse tasks = CreateMany(server, 4);
  WatchClient watch(server.tasks(), WatchRequest());
  ASSERT_EQ(watch.TakeUntil(IsCurrent).size(), 5U);
  constexpr int kWrites = 40;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 1; i <= kWrites; ++i) {
        EXPECT_TRUE(SetStatus(server, tasks.tasks(w).id(), std::to_string(i)).ok());
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  const std::vector<v1::TaskEvent> events = watch.Take(4 * kWrites);
  ASSERT_EQ(events.size(), 4U * kWrites);
  std::map<int32_t, int> last;
  for (const v1::TaskEvent& event : events) {
    ASSERT_EQ(event.type(), v1::TaskEvent::UPDATED);
    const int status = std::stoi(event.task().status());
    EXPECT_EQ(status, last[event.task().id()] + 1) << "task " << event.task().id();
    last[event.task().id()] = status;
  }
  WatchClient resumed(server.tasks(), WatchRequest("", events[57].resume_token()));
  const std::vector<v1::TaskEvent> rest = resumed.TakeUntil(IsCurrent);
  ASSERT_EQ(rest.size(), 4U * kWrites - 58 + 1) << "the rest, then CURRENT";
  for (size_t i = 0; i + 1 < rest.size(); ++i) {
    EXPECT_EQ(rest[i].SerializeAsString(), events[58 + i].SerializeAsString()) << i;
  }
  EXPECT_EQ(resumed.Waiting(), 0U);
}

// A client that stops reading is ended with RESOURCE_EXHAUSTED once its
// buffer is full; a client beside it gets every event.
TEST(WatchSlowClientTest, IsEndedWhileOthersKeepUp) {
  TestSchema schema;
  config::Config config = TestConfig(schema.url());
  config.watch_buffer_events = 50;
  config.metrics_listen_address = "127.0.0.1:0";
  TestServer server(config);
  // A client whose transport takes no more than 16 KB ahead of its reads
  // (without BDP probing, gRPC would widen the window on its own).
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  arguments.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 16 * 1024);
  auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server.server().port()),
                                           grpc::InsecureChannelCredentials(), arguments);
  auto slow_stub = v1::TaskService::NewStub(channel);
  WatchClient slow(*slow_stub, WatchRequest(), /*reading=*/false);
  WatchClient fast(server.tasks(), WatchRequest());
  ASSERT_EQ(fast.TakeUntil(IsCurrent).size(), 1U);
  ASSERT_TRUE(testing::WaitForMetricValue(server.server().metrics_port(), "photoflow_watch_streams",
                                          {}, 2));
  // Notes of 10 KB: the client's flow-control window fills after a few events.
  const std::string notes(10000, 'n');
  // A round at a time, each taken by the fast client before the next is
  // written: a delivery then holds one round (one transaction, 50 events),
  // and a client that keeps up never has more than that waiting, whatever
  // the batch window gathers.
  std::vector<v1::TaskEvent> all;
  for (int round = 0; round < 8; ++round) {
    CreateMany(server, 50, notes);
    const std::vector<v1::TaskEvent> taken = fast.Take(50);
    ASSERT_EQ(taken.size(), 50U) << "round " << round;
    all.insert(all.end(), taken.begin(), taken.end());
  }
  const bool ended = testing::WaitForMetricValue(server.server().metrics_port(),
                                                 "photoflow_watch_streams_ended_total",
                                                 {{"reason", "slow_consumer"}}, 1);
  // Reading as soon as the server has ended the stream, within the grace it
  // gives a stalled write, the client gets what was written, then the status.
  slow.StartReading();
  ASSERT_TRUE(ended);
  for (const v1::TaskEvent& event : all) EXPECT_EQ(event.type(), v1::TaskEvent::CREATED);
  const std::optional<grpc::Status> status = slow.Ended();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status->error_message();
  EXPECT_EQ(testing::DecodeDetails(*status).reason, "WATCH_BUFFER_FULL");
  EXPECT_LT(slow.Waiting(), 400U) << "it got what was written before, not everything";
  EXPECT_FALSE(fast.Ended(std::chrono::seconds(0)).has_value()) << "the fast client goes on";
}

// An idle view still gets newer tokens (CURRENT), so that a watcher whose
// filter matches nothing for a long time is not expired by others' changes.
TEST(WatchBookmarkTest, AnIdleViewGetsNewerTokens) {
  TestSchema schema;
  config::Config config = TestConfig(schema.url());
  config.watch_bookmark_interval = std::chrono::milliseconds(200);
  TestServer server(config);
  WatchClient watch(server.tasks(), WatchRequest("task_column = \"9\""));
  const std::vector<v1::TaskEvent> initial = watch.TakeUntil(IsCurrent);
  ASSERT_EQ(initial.size(), 1U);
  const v1::BatchCreateTasksResponse elsewhere = CreateMany(server, 3);
  const std::vector<v1::TaskEvent> bookmark = watch.Take(1);
  ASSERT_EQ(bookmark.size(), 1U);
  EXPECT_EQ(bookmark[0].type(), v1::TaskEvent::CURRENT);
  EXPECT_NE(bookmark[0].resume_token(), initial[0].resume_token());
  // Resumed from the bookmark, an unfiltered view starts after those creates.
  WatchClient resumed(server.tasks(), WatchRequest("", bookmark[0].resume_token()));
  ASSERT_TRUE(SetStatus(server, elsewhere.tasks(0).id(), "Shooting").ok());
  const std::vector<v1::TaskEvent> next = resumed.TakeChanges(1);
  ASSERT_EQ(next.size(), 1U);
  EXPECT_EQ(next[0].type(), v1::TaskEvent::UPDATED);
  EXPECT_EQ(next[0].task().status(), "Shooting");
}

// SIGTERM's path (Shutdown): open streams end with UNAVAILABLE at once, and
// resume on the next server from their last token without loss.
TEST(WatchShutdownTest, StreamsEndUnavailableAndResumeOnTheNextServer) {
  TestSchema schema;
  std::string token;
  int32_t id = 0;
  {
    TestServer first(schema);
    id = CreateMany(first, 1).tasks(0).id();
    WatchClient watch(first.tasks(), WatchRequest());
    const std::vector<v1::TaskEvent> initial = watch.TakeUntil(IsCurrent);
    ASSERT_EQ(initial.size(), 2U);
    ASSERT_TRUE(SetStatus(first, id, "before").ok());
    const std::vector<v1::TaskEvent> before = watch.Take(1);
    ASSERT_EQ(before.size(), 1U);
    token = before[0].resume_token();
    first.server().Shutdown(std::chrono::seconds(10));
    const std::optional<grpc::Status> status = watch.Ended();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(testing::DecodeDetails(*status).reason, "SHUTTING_DOWN");
  }
  auto owner = schema.Connect();
  pqxx::work psql(*owner);
  psql.exec("UPDATE \"Tasks\" SET status = 'between' WHERE id = " + std::to_string(id));
  psql.commit();
  TestServer second(schema);
  WatchClient resumed(second.tasks(), WatchRequest("", token));
  ASSERT_TRUE(SetStatus(second, id, "after").ok());
  const std::vector<v1::TaskEvent> events = resumed.TakeChanges(2);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].task().status(), "between");
  EXPECT_EQ(events[1].task().status(), "after");
}

}  // namespace
}  // namespace photoflow
