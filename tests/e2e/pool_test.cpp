// Pool limits and deadlines, seen from a client: a saturated pool fails fast
// and the pool is whole afterwards; a deadline bounds the SQL it started.
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <pqxx/transaction>

#include "support/metrics_scrape.hpp"
#include "support/row_lock.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;

class PoolTest : public ::testing::Test {
 protected:
  // A server whose pool has `connections` connections, a `pool_timeout` and
  // its own application_name (to find its backends in pg_stat_activity).
  void StartServer(int max_waiters, int connections = 1, const std::string& pool_timeout = "1") {
    application_ = "pf_" + schema_.name();
    config::Config config =
        testing::TestConfig(schema_.url() + "&connection_limit=" + std::to_string(connections) +
                            "&pool_timeout=" + pool_timeout + "&application_name=" + application_);
    config.pool_max_waiters = max_waiters;
    server_ = std::make_unique<testing::TestServer>(config);
    task_id_ = std::stoi(schema_.QueryValue(
        "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
        "VALUES (now(), 'Wedding', '', 'Scheduled') RETURNING id"));
  }

  // An UpdateTask that stays in flight, holding the pool's only connection,
  // until the row lock is released.
  std::future<grpc::Status> UpdateInFlight(std::chrono::milliseconds deadline = 60s) {
    return std::async(std::launch::async, [this, deadline] {
      v1::UpdateTaskRequest request;
      request.mutable_task()->set_id(task_id_);
      request.mutable_task()->set_status("Delivered");
      request.mutable_update_mask()->add_paths("status");
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + deadline);
      v1::Task updated;
      return server_->tasks().UpdateTask(&context, request, &updated);
    });
  }

  // UpdateInFlight, once it holds the pool's only connection and waits on the
  // row lock; throws (ending the test as failed) if it never gets there.
  std::future<grpc::Status> HoldTheOnlyConnection() {
    std::future<grpc::Status> holder = UpdateInFlight();
    if (!testing::WaitForLockWaiters(schema_, application_, 1)) {
      throw std::runtime_error("the UpdateTask never waited on the row lock");
    }
    return holder;
  }

  grpc::Status GetTask() { return GetTaskWithin(30s); }

  grpc::Status GetTaskWithin(std::chrono::milliseconds deadline) {
    v1::GetTaskRequest request;
    request.set_id(task_id_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    v1::Task task;
    return server_->tasks().GetTask(&context, request, &task);
  }

  testing::TestSchema schema_;
  std::string application_;
  std::unique_ptr<testing::TestServer> server_;
  int task_id_ = 0;
};

TEST_F(PoolTest, SaturatedPoolFailsWithResourceExhaustedAfterPoolTimeoutAndRecovers) {
  StartServer(/*max_waiters=*/4);
  testing::TaskRowLock lock(schema_, task_id_);
  auto in_flight = UpdateInFlight();
  ASSERT_TRUE(testing::WaitForLockWaiters(schema_, application_, 1));

  const grpc::Status waited = GetTask();
  EXPECT_EQ(waited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << waited.error_message();
  EXPECT_NE(waited.error_message().find("pool_timeout"), std::string::npos);

  lock.Release();
  EXPECT_TRUE(in_flight.get().ok());
  EXPECT_TRUE(GetTask().ok()) << "the pool works again once the connection is back";
  const db::ConnectionPool::Stats stats = server_->server().pool().stats();
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_EQ(stats.open, 1);
}

// A read that is one statement runs without a transaction, so without a
// statement_timeout of its own; a read with comments is a transaction, also
// without one. Either way the call's cancel at its deadline must end it.
TEST_F(PoolTest, DeadlineCancelsABlockedSingleStatementReadAndReadTransaction) {
  StartServer(/*max_waiters=*/4);
  ASSERT_TRUE(GetTask().ok());  // an open connection, so the reads start at once
  for (const bool with_comments : {false, true}) {
    SCOPED_TRACE(with_comments ? "read transaction" : "single statement");
    auto locker = schema_.Connect();
    pqxx::work lock(*locker);
    lock.exec("LOCK TABLE \"Tasks\" IN ACCESS EXCLUSIVE MODE");

    v1::GetTaskRequest request;
    request.set_id(task_id_);
    if (with_comments) request.mutable_read_mask()->add_paths("comments");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 300ms);
    v1::Task task;
    EXPECT_EQ(server_->tasks().GetTask(&context, request, &task).error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
    EXPECT_TRUE(testing::WaitForLockWaiters(schema_, application_, 0))
        << "the read still waits on the lock after its call ended";
    EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM pg_stat_activity WHERE "
                                 "application_name = '" +
                                 application_ + "' AND state = 'active'"),
              "0");
    lock.abort();
    EXPECT_TRUE(GetTask().ok()) << "the connection serves the next call";
  }
}

TEST_F(PoolTest, CallsBeyondTheWaiterLimitFailAtOnce) {
  StartServer(/*max_waiters=*/0);
  testing::TaskRowLock lock(schema_, task_id_);
  auto in_flight = UpdateInFlight();
  ASSERT_TRUE(testing::WaitForLockWaiters(schema_, application_, 1));

  const grpc::Status refused = GetTask();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("too many calls waiting"), std::string::npos)
      << refused.error_message();
  lock.Release();
  EXPECT_TRUE(in_flight.get().ok());
}

TEST_F(PoolTest, DeadlineCancelsTheBlockedStatementAndCommitsNothing) {
  StartServer(/*max_waiters=*/4);
  // An open connection, so that the UPDATE starts at once instead of the
  // deadline passing while the connection opens.
  ASSERT_TRUE(GetTask().ok());
  const int metrics_port = server_->server().metrics_port();
  const double acquired_before =
      testing::ScrapedMetrics::From(metrics_port).Value("photoflow_db_pool_acquire_seconds_count");
  testing::TaskRowLock lock(schema_, task_id_);
  const grpc::Status status = UpdateInFlight(/*deadline=*/200ms).get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(
      testing::ScrapedMetrics::From(metrics_port).Value("photoflow_db_pool_acquire_seconds_count") -
          acquired_before,
      1)
      << "the UPDATE got its connection within the deadline";
  // The call's cancel at its deadline ended the UPDATE (one statement, run
  // outside a transaction) while the lock is still held: nothing of it is
  // left waiting, and pg_stat_activity shows no running UPDATE of this server
  // any more.
  EXPECT_TRUE(testing::WaitForLockWaiters(schema_, application_, 0));
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                               application_ + "' AND state = 'active' AND query LIKE 'UPDATE%'"),
            "0");
  lock.Release();
  EXPECT_EQ(schema_.QueryValue("SELECT status FROM \"Tasks\""), "Scheduled");
  EXPECT_TRUE(GetTask().ok()) << "the connection went back to the pool in a clean state";
}

// A write runs as one statement outside a transaction. When PostgreSQL ends
// its session under it (FATAL 57P01, as a restart or pg_terminate_backend
// does), the statement was rolled back: it runs again on a new connection and
// is applied once.
TEST_F(PoolTest, AWriteWhoseSessionPostgresEndsRunsAgainOnANewConnection) {
  StartServer(/*max_waiters=*/4);
  ASSERT_TRUE(GetTask().ok());  // an open connection, which the write then reuses
  const int metrics_port = server_->server().metrics_port();
  testing::TaskRowLock lock(schema_, task_id_);
  auto in_flight = UpdateInFlight();
  ASSERT_TRUE(testing::WaitForLockWaiters(schema_, application_, 1));

  EXPECT_EQ(schema_.QueryValue("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE application_name = '" +
                               application_ + "' AND wait_event_type = 'Lock'"),
            "1");
  EXPECT_TRUE(testing::WaitForMetricValue(metrics_port,
                                          "photoflow_db_pool_connections_opened_total", {}, 2, 10s))
      << "the write never opened a new connection";
  lock.Release();
  const grpc::Status status = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(schema_.QueryValue("SELECT status FROM \"Tasks\""), "Delivered");
  EXPECT_EQ(testing::ScrapedMetrics::From(metrics_port)
                .Value("photoflow_db_pool_connections_closed_total", {{"reason", "broken"}}),
            1);
}

// The common case of a restart or pg_terminate_backend: the session ends
// while its connection sits idle in the pool. The next write must find that
// out before it sends anything, and run on a new connection: OK, not UNKNOWN.
TEST_F(PoolTest, AWriteOnASessionEndedWhileIdleRunsOnANewConnection) {
  StartServer(/*max_waiters=*/4);
  ASSERT_TRUE(GetTask().ok());  // an idle pooled connection, which the write then reuses
  const int metrics_port = server_->server().metrics_port();
  const std::string sessions = "FROM pg_stat_activity WHERE application_name = '" + application_ +
                               "' AND backend_type = 'client backend'";
  // pg_terminate_backend with a timeout returns once each backend has exited,
  // so its FATAL is on the way to (or in) the pooled connection's socket.
  EXPECT_EQ(schema_.QueryValue("SELECT bool_and(pg_terminate_backend(pid, 30000)) " + sessions),
            "t");
  const grpc::Status status = UpdateInFlight().get();
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  EXPECT_EQ(schema_.QueryValue("SELECT status FROM \"Tasks\""), "Delivered");
  EXPECT_EQ(testing::ScrapedMetrics::From(metrics_port)
                .Value("photoflow_db_pool_connections_opened_total"),
            2);
}

TEST_F(PoolTest, ClientCancellationCancelsTheRunningStatement) {
  StartServer(/*max_waiters=*/4);
  testing::TaskRowLock lock(schema_, task_id_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 60s);
  auto in_flight = std::async(std::launch::async, [&] {
    v1::UpdateTaskRequest request;
    request.mutable_task()->set_id(task_id_);
    request.mutable_task()->set_status("Delivered");
    request.mutable_update_mask()->add_paths("status");
    v1::Task updated;
    return server_->tasks().UpdateTask(&context, request, &updated);
  });
  ASSERT_TRUE(testing::WaitForLockWaiters(schema_, application_, 1));
  context.TryCancel();
  EXPECT_EQ(in_flight.get().error_code(), grpc::StatusCode::CANCELLED);
  // Cancelled in PostgreSQL right away, long before the 60 s deadline.
  EXPECT_TRUE(testing::WaitForLockWaiters(schema_, application_, 0, 10s));
  // The server's own status says who ended the call: the client, not a deadline.
  EXPECT_TRUE(testing::WaitForMetricValue(
      server_->server().metrics_port(), "grpc_server_handled_total",
      {{"grpc_method", "UpdateTask"}, {"grpc_code", "Canceled"}}, 1, 10s));
  EXPECT_TRUE(GetTask().ok()) << "the only connection is free again while the lock is held";
  lock.Release();
  EXPECT_EQ(schema_.QueryValue("SELECT status FROM \"Tasks\""), "Scheduled");
}

// A call cancelled while it waits for a connection leaves the queue at once:
// it does not keep a waiting place until pool_timeout.
TEST_F(PoolTest, ClientCancellationWhileWaitingLeavesTheQueue) {
  StartServer(/*max_waiters=*/1, /*connections=*/1, /*pool_timeout=*/"60");
  const int metrics_port = server_->server().metrics_port();
  testing::TaskRowLock lock(schema_, task_id_);
  std::future<grpc::Status> holder = HoldTheOnlyConnection();

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 60s);
  auto waiting = std::async(std::launch::async, [&] {
    v1::GetTaskRequest request;
    request.set_id(task_id_);
    v1::Task task;
    return server_->tasks().GetTask(&context, request, &task);
  });
  ASSERT_TRUE(
      testing::WaitForMetricValue(metrics_port, "photoflow_db_pool_waiting_calls", {}, 1, 10s));
  context.TryCancel();
  EXPECT_EQ(waiting.get().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(testing::WaitForMetricValue(metrics_port, "grpc_server_handled_total",
                                          {{"grpc_method", "GetTask"}, {"grpc_code", "Canceled"}},
                                          1, 10s))
      << "the server ended the call at once, not after the 60 s pool_timeout";
  EXPECT_EQ(server_->server().pool().stats().waiting, 0);
  // The waiting place is free again (max_waiters is 1) while the lock is held.
  const grpc::Status queued_again = GetTaskWithin(300ms);
  EXPECT_EQ(queued_again.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << "waited for the connection, was not refused: " << queued_again.error_message();
  lock.Release();
  EXPECT_TRUE(holder.get().ok());
}

// A call whose deadline comes while it waits for a connection ends
// DEADLINE_EXCEEDED at its deadline (not at pool_timeout) and frees its place.
TEST_F(PoolTest, DeadlineWhileWaitingEndsTheWaitAtTheDeadline) {
  StartServer(/*max_waiters=*/1, /*connections=*/1, /*pool_timeout=*/"60");
  const int metrics_port = server_->server().metrics_port();
  testing::TaskRowLock lock(schema_, task_id_);
  std::future<grpc::Status> holder = HoldTheOnlyConnection();

  EXPECT_EQ(GetTaskWithin(300ms).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(testing::WaitForMetricValue(metrics_port, "photoflow_db_pool_acquire_timeouts_total",
                                          {{"limit", "deadline"}}, 1, 10s));
  EXPECT_TRUE(testing::WaitForMetricValue(
      metrics_port, "grpc_server_handled_total",
      {{"grpc_method", "GetTask"}, {"grpc_code", "DeadlineExceeded"}}, 1, 10s));
  EXPECT_EQ(server_->server().pool().stats().waiting, 0);
  // Its place is free again: the next call waits (until its own deadline)
  // instead of being refused.
  EXPECT_EQ(GetTaskWithin(300ms).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  lock.Release();
  EXPECT_TRUE(holder.get().ok());
  EXPECT_EQ(
      testing::ScrapedMetrics::From(metrics_port).Value("photoflow_db_pool_acquire_rejected_total"),
      0);
}

// Far more slow calls than connections and waiting places: each ends, OK or
// RESOURCE_EXHAUSTED, none hangs, and the pool is whole afterwards.
TEST_F(PoolTest, SixtySlowCallsOnAPoolOfFourEndOkOrResourceExhausted) {
  constexpr int kCalls = 60;
  constexpr int kConnections = 4;
  // pool_timeout leaves ample time for all 60 calls to arrive before the
  // first waiter gives up, so exactly 16 wait and the others are refused.
  StartServer(/*max_waiters=*/16, kConnections, /*pool_timeout=*/"2");
  const int metrics_port = server_->server().metrics_port();
  const testing::ScrapedMetrics before = testing::ScrapedMetrics::From(metrics_port);
  testing::TaskRowLock lock(schema_, task_id_);

  std::mutex mutex;
  std::condition_variable changed;
  std::map<grpc::StatusCode, int> endings;
  int ended = 0;
  struct Call {
    grpc::ClientContext context;
    v1::UpdateTaskRequest request;
    v1::Task response;
  };
  std::vector<std::unique_ptr<Call>> calls;
  for (int i = 0; i < kCalls; ++i) {
    auto call = std::make_unique<Call>();
    call->context.set_deadline(std::chrono::system_clock::now() + 120s);
    call->request.mutable_task()->set_id(task_id_);
    call->request.mutable_task()->set_status("Delivered");
    call->request.mutable_update_mask()->add_paths("status");
    server_->tasks().async()->UpdateTask(&call->context, &call->request, &call->response,
                                         [&](const grpc::Status& status) {
                                           const std::lock_guard guard(mutex);
                                           ++endings[status.error_code()];
                                           ++ended;
                                           changed.notify_all();
                                         });
    calls.push_back(std::move(call));
  }
  // Four calls hold the four connections, blocked on the row; every other
  // call must give up on its own, while the lock is still held.
  ASSERT_TRUE(testing::WaitForLockWaiters(schema_, application_, kConnections));
  {
    std::unique_lock guard(mutex);
    ASSERT_TRUE(changed.wait_for(guard, 60s, [&] { return ended == kCalls - kConnections; }))
        << ended << " calls ended";
    EXPECT_EQ(endings[grpc::StatusCode::RESOURCE_EXHAUSTED], kCalls - kConnections);
  }
  lock.Release();
  {
    std::unique_lock guard(mutex);
    ASSERT_TRUE(changed.wait_for(guard, 60s, [&] { return ended == kCalls; }));
    EXPECT_EQ(endings[grpc::StatusCode::OK], kConnections);
    EXPECT_EQ(endings.size(), 2U) << "only OK and RESOURCE_EXHAUSTED";
  }

  const db::ConnectionPool::Stats stats = server_->server().pool().stats();
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_EQ(stats.open, kConnections);
  EXPECT_EQ(stats.idle, kConnections);
  EXPECT_TRUE(GetTask().ok());
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                               application_ + "'"),
            std::to_string(kConnections + 3))
      << "the pool's connections plus the health probe's, the statistics collector's and the "
         "WatchTasks hub's";

  const testing::ScrapedMetrics after = testing::ScrapedMetrics::From(metrics_port);
  auto delta = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
    return after.Value(name, labels) - before.Value(name, labels);
  };
  EXPECT_EQ(delta("photoflow_db_pool_acquire_timeouts_total", {{"limit", "pool_timeout"}}) +
                delta("photoflow_db_pool_acquire_rejected_total", {}),
            kCalls - kConnections);
  EXPECT_EQ(delta("photoflow_db_pool_acquire_rejected_total", {}), kCalls - kConnections - 16)
      << "16 waited (PHOTOFLOW_POOL_MAX_WAITERS), the rest were refused at once";
  EXPECT_EQ(delta("grpc_server_handled_total",
                  {{"grpc_method", "UpdateTask"}, {"grpc_code", "ResourceExhausted"}}),
            kCalls - kConnections);
  EXPECT_EQ(after.Value("photoflow_db_pool_connections_opened_total"), kConnections);
}

}  // namespace
}  // namespace photoflow
