// Pool limits and deadlines, seen from a client: a saturated pool fails fast
// and the pool is whole afterwards; a deadline bounds the SQL it started.
#include <future>

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include "support/row_lock.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;

class PoolTest : public ::testing::Test {
 protected:
  // A server whose pool has one connection, a 1 s pool_timeout and its own
  // application_name (to find its backends in pg_stat_activity).
  void StartServer(int max_waiters) {
    application_ = "pf_" + schema_.name();
    config::Config config = testing::TestConfig(
        schema_.url() + "&connection_limit=1&pool_timeout=1&application_name=" + application_);
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

  grpc::Status GetTask() {
    v1::GetTaskRequest request;
    request.set_id(task_id_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 30s);
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
  testing::TaskRowLock lock(schema_, task_id_);
  const grpc::Status status = UpdateInFlight(/*deadline=*/300ms).get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server's statement_timeout ended the UPDATE: nothing of it is left waiting.
  EXPECT_TRUE(testing::WaitForLockWaiters(schema_, application_, 0));
  lock.Release();
  EXPECT_EQ(schema_.QueryValue("SELECT status FROM \"Tasks\""), "Scheduled");
  EXPECT_TRUE(GetTask().ok()) << "the connection went back to the pool in a clean state";
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
  EXPECT_TRUE(GetTask().ok()) << "the only connection is free again while the lock is held";
  lock.Release();
  EXPECT_EQ(schema_.QueryValue("SELECT status FROM \"Tasks\""), "Scheduled");
}

}  // namespace
}  // namespace photoflow
