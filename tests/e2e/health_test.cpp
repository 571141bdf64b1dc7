#include <future>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "support/metrics_scrape.hpp"
#include "support/row_lock.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus Check(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.status();
}

TEST(HealthTest, ServingWhileTheDatabaseAnswers) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  EXPECT_EQ(Check(server.channel(), ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(server.channel(), "photoflow.v1.TaskService"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(server.channel(), "photoflow.v1.CommentService"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(server.channel(), "liveness"), HealthCheckResponse::SERVING);
}

TEST(HealthTest, DatabaseDownMeansUnavailableAndNotServing) {
  // Port 1 on loopback: nothing listens there, so every connect is refused.
  config::Config config =
      testing::TestConfig("postgresql://photoflow:photoflow@127.0.0.1:1/photoflow");
  testing::TestServer server(config);
  EXPECT_EQ(Check(server.channel(), ""), HealthCheckResponse::NOT_SERVING);
  // The process itself is fine: Kubernetes' liveness probe must not restart
  // it (and every replica with it) for PostgreSQL's outage.
  EXPECT_EQ(Check(server.channel(), "liveness"), HealthCheckResponse::SERVING);

  v1::GetTaskRequest request;
  request.set_id(1);
  v1::Task task;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  const grpc::Status status = server.tasks().GetTask(&context, request, &task);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(server.server().pool().stats().open, 0) << "a failed connect must not hold a slot";
}

TEST(HealthTest, AllDeadPooledConnectionsAreReplacedWithoutFailingCalls) {
  constexpr int kConnections = 4;
  testing::TestSchema schema;
  // A name of its own, so that only this server's connections are terminated.
  const std::string application = "pf_" + schema.name();
  testing::TestServer server(
      testing::TestConfig(schema.url() + "&application_name=" + application +
                          "&connection_limit=" + std::to_string(kConnections)));
  const int task_id = std::stoi(
      schema.QueryValue("INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
                        "VALUES (now(), 'Wedding', '', 'Scheduled') RETURNING id"));
  auto update_status = [&](const std::string& status) {
    return std::async(std::launch::async, [&server, task_id, status] {
      v1::UpdateTaskRequest request;
      request.mutable_task()->set_id(task_id);
      request.mutable_task()->set_status(status);
      request.mutable_update_mask()->add_paths("status");
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      v1::Task updated;
      return server.tasks().UpdateTask(&context, request, &updated);
    });
  };

  // Every pooled connection open: kConnections calls in flight at once,
  // queued behind a row lock.
  {
    testing::TaskRowLock lock(schema, task_id);
    std::vector<std::future<grpc::Status>> calls;
    calls.reserve(kConnections);
    for (int i = 0; i < kConnections; ++i) calls.push_back(update_status("Editing"));
    ASSERT_TRUE(testing::WaitForLockWaiters(schema, application, kConnections));
    lock.Release();
    for (std::future<grpc::Status>& call : calls) ASSERT_TRUE(call.get().ok());
  }
  ASSERT_EQ(server.server().pool().stats().idle, kConnections);

  // What a PostgreSQL restart does to every pooled connection (and to the
  // health monitor's, the statistics collector's and the WatchTasks hub's own
  // ones).
  EXPECT_EQ(schema.QueryValue("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = '" +
                              application + "'"),
            std::to_string(kConnections + 3));

  // Twice as many calls as connections, at once: none of them fails.
  std::vector<std::future<grpc::Status>> calls;
  calls.reserve(std::size_t{2} * kConnections);
  for (int i = 0; i < 2 * kConnections; ++i) calls.push_back(update_status("Delivered"));
  for (std::future<grpc::Status>& call : calls) {
    const grpc::Status status = call.get();
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  const db::ConnectionPool::Stats stats = server.server().pool().stats();
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_GE(stats.open, 1);
  EXPECT_LE(stats.open, kConnections);
  EXPECT_EQ(schema.QueryValue("SELECT status FROM \"Tasks\""), "Delivered");
  // Each dead connection was closed: broken when a call held it, stale when
  // idle. (A fresh one may be dropped as stale too, when a slow call finds its
  // dead connection after another call's replacement went idle.)
  EXPECT_GE(testing::ScrapedMetrics::From(server.server().metrics_port())
                .Value("photoflow_db_pool_connections_closed_total"),
            kConnections);
}

}  // namespace
}  // namespace photoflow
