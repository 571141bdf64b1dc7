// PostgreSQL going away and coming back under a running server: calls fail
// with UNAVAILABLE and health says NOT_SERVING while it is down; once it is
// back, health says SERVING and calls succeed, without restarting the server.
// Uses a private cluster of its own (deploy/local/pg.sh), since stopping the
// shared one would break the tests running beside this one.
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "support/child_process.hpp"
#include "support/metrics_scrape.hpp"
#include "support/private_cluster.hpp"
#include "support/test_server.hpp"
#include "support/watch_client.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

using testing::PrivateCluster;

// Follows grpc.health.v1 Watch until the overall status is `wanted`; false
// if it does not get there within 60 s.
bool WatchUntil(const std::shared_ptr<grpc::Channel>& channel,
                HealthCheckResponse::ServingStatus wanted) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 60s);
  HealthCheckRequest request;
  auto stream = stub->Watch(&context, request);
  HealthCheckResponse response;
  while (stream->Read(&response)) {
    if (response.status() == wanted) {
      context.TryCancel();
      stream->Finish();
      return true;
    }
  }
  return false;
}

grpc::Status GetTask(testing::TestServer& server, int id) {
  v1::GetTaskRequest request;
  request.set_id(id);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 30s);
  v1::Task task;
  return server.tasks().GetTask(&context, request, &task);
}

TEST(DatabaseRestartTest, ServerRidesOutAPostgresRestart) {
  PrivateCluster cluster;
  const std::string url = cluster.Start();
  testing::ChildProcess migrate(PHOTOFLOW_MIGRATE_BINARY, {"deploy"}, {{"DATABASE_URL", url}});
  ASSERT_EQ(migrate.WaitForExit(60s), 0) << migrate.Output();

  config::Config config = testing::TestConfig(url + "?connection_limit=2&pool_timeout=5");
  config.health_check_interval = 100ms;
  testing::TestServer server(config);
  v1::CreateTaskRequest create;
  create.mutable_task()->set_title("Wedding");
  create.mutable_task()->set_status("Scheduled");
  create.mutable_task()->mutable_due_at()->set_seconds(1'900'000'000);
  v1::Task created;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server.tasks().CreateTask(&context, create, &created).ok());
  }

  cluster.Stop();
  EXPECT_TRUE(WatchUntil(server.channel(), HealthCheckResponse::NOT_SERVING));
  const grpc::Status down = GetTask(server, created.id());
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  EXPECT_EQ(GetTask(server, created.id()).error_code(), grpc::StatusCode::UNAVAILABLE);

  cluster.Start();
  EXPECT_TRUE(WatchUntil(server.channel(), HealthCheckResponse::SERVING));
  const grpc::Status back = GetTask(server, created.id());
  EXPECT_TRUE(back.ok()) << back.error_message();
  {
    grpc::ClientContext context;
    v1::Task another;
    EXPECT_TRUE(server.tasks().CreateTask(&context, create, &another).ok());
  }

  const testing::ScrapedMetrics metrics =
      testing::ScrapedMetrics::From(server.server().metrics_port());
  EXPECT_GE(metrics.Value("photoflow_db_pool_connection_errors_total", {{"kind", "connect"}}), 1);
  EXPECT_GE(metrics.Value("photoflow_db_pool_connections_closed_total"), 1)
      << "the connections the restart broke were closed";
  EXPECT_GE(metrics.Value("grpc_server_handled_total",
                          {{"grpc_method", "GetTask"}, {"grpc_code", "Unavailable"}}),
            2);
}

// A WatchTasks stream across a PostgreSQL restart: it ends with UNAVAILABLE
// (after the hub's reconnect grace), and resumed from its last token once
// PostgreSQL is back it gets what came after that token, exactly once.
TEST(DatabaseRestartTest, WatchStreamsEndUnavailableAndResumeWithoutLoss) {
  PrivateCluster cluster;
  const std::string url = cluster.Start();
  testing::ChildProcess migrate(PHOTOFLOW_MIGRATE_BINARY, {"deploy"}, {{"DATABASE_URL", url}});
  ASSERT_EQ(migrate.WaitForExit(60s), 0) << migrate.Output();
  testing::TestServer server(testing::TestConfig(url + "?connection_limit=2&pool_timeout=5"));
  const auto create = [&](const std::string& title) {
    v1::CreateTaskRequest request;
    request.mutable_task()->set_title(title);
    request.mutable_task()->set_status("Scheduled");
    request.mutable_task()->mutable_due_at()->set_seconds(1'900'000'000);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 30s);
    v1::Task created;
    const grpc::Status status = server.tasks().CreateTask(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  };
  std::string token;
  {
    testing::WatchClient watch(server.tasks(), testing::WatchRequest());
    ASSERT_EQ(watch.TakeUntil(testing::IsCurrent).size(), 1U);
    create("Before the restart");
    const std::vector<v1::TaskEvent> before = watch.Take(1);
    ASSERT_EQ(before.size(), 1U);
    token = before[0].resume_token();

    cluster.Stop();
    const std::optional<grpc::Status> ended = watch.Ended(60s);
    ASSERT_TRUE(ended.has_value());
    EXPECT_EQ(ended->error_code(), grpc::StatusCode::UNAVAILABLE) << ended->error_message();
  }
  cluster.Start();
  ASSERT_TRUE(WatchUntil(server.channel(), HealthCheckResponse::SERVING));
  const v1::Task after = create("After the restart");
  testing::WatchClient resumed(server.tasks(), testing::WatchRequest("", token));
  const std::vector<v1::TaskEvent> events = resumed.TakeChanges(1);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].type(), v1::TaskEvent::CREATED);
  EXPECT_EQ(events[0].task().id(), after.id());
  create("Later still");
  const std::vector<v1::TaskEvent> later = resumed.TakeChanges(1);
  ASSERT_EQ(later.size(), 1U) << "the stream is live again";
  EXPECT_EQ(later[0].task().title(), "Later still");
  EXPECT_EQ(resumed.ChangesWaiting(), 0U);
}

}  // namespace
}  // namespace photoflow
