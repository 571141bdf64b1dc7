#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
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
}

TEST(HealthTest, DatabaseDownMeansUnavailableAndNotServing) {
  // Port 1 on loopback: nothing listens there, so every connect is refused.
  config::Config config =
      testing::TestConfig("postgresql://photoflow:photoflow@127.0.0.1:1/photoflow");
  testing::TestServer server(config);
  EXPECT_EQ(Check(server.channel(), ""), HealthCheckResponse::NOT_SERVING);

  v1::GetTaskRequest request;
  request.set_id(1);
  v1::Task task;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  const grpc::Status status = server.tasks().GetTask(&context, request, &task);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(server.server().pool().stats().open, 0) << "a failed connect must not hold a slot";
}

TEST(HealthTest, DeadPooledConnectionsAreReplacedWithoutFailingCalls) {
  testing::TestSchema schema;
  // A name of its own, so that only this server's connections are terminated.
  const std::string application = "pf_" + schema.name();
  testing::TestServer server(
      testing::TestConfig(schema.url() + "&application_name=" + application));
  v1::GetTaskRequest request;
  request.set_id(1);
  v1::Task task;
  {
    grpc::ClientContext context;
    ASSERT_EQ(server.tasks().GetTask(&context, request, &task).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  const int idle = server.server().pool().stats().idle;
  ASSERT_GT(idle, 0);
  // What a PostgreSQL restart does to every pooled connection (and to the
  // health monitor's and the statistics collector's own ones).
  EXPECT_EQ(schema.QueryValue("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = '" +
                              application + "'"),
            std::to_string(idle + 2));
  grpc::ClientContext context;
  EXPECT_EQ(server.tasks().GetTask(&context, request, &task).error_code(),
            grpc::StatusCode::NOT_FOUND)
      << "the call after the restart must succeed on a fresh connection";
}

}  // namespace
}  // namespace photoflow
