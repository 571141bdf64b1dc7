// The real photoflow-server and photoflow-migrate binaries, as operators run them.
#include <csignal>

#include <future>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "migrate/migration_files.hpp"
#include "photoflow/v1/task_service.grpc.pb.h"
#include "support/child_process.hpp"
#include "support/error_details.hpp"
#include "support/metrics_scrape.hpp"
#include "support/row_lock.hpp"
#include "support/test_database.hpp"
#include "support/wire.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::TestSchema;

constexpr auto kStartupTimeout = 30s;

TEST(ServerProcessTest, HelpListsSettingsAndExitsZero) {
  ChildProcess server(PHOTOFLOW_SERVER_BINARY, {"--help"}, {{"DATABASE_URL", ""}});
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0);
  const std::string output = server.Output();
  EXPECT_NE(output.find("PHOTOFLOW_LISTEN"), std::string::npos) << output;
  EXPECT_NE(output.find("--database-url"), std::string::npos) << output;
}

TEST(ServerProcessTest, MissingDatabaseUrlIsAUsageError) {
  ChildProcess server(PHOTOFLOW_SERVER_BINARY, {}, {{"DATABASE_URL", ""}});
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 2);
  EXPECT_NE(server.Output().find("DATABASE_URL is not set"), std::string::npos);
}

TEST(ServerProcessTest, LogsAreJsonLinesWithThePasswordMasked) {
  TestSchema schema;
  ChildProcess server(PHOTOFLOW_SERVER_BINARY, {},
                      {{"DATABASE_URL", schema.url()},
                       {"PHOTOFLOW_LISTEN", "127.0.0.1:0"},
                       {"PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:0"}});
  const auto serving = server.WaitForLine(R"("event":"serving")", kStartupTimeout);
  ASSERT_TRUE(serving) << server.Output();
  EXPECT_EQ(serving->front(), '{');
  EXPECT_EQ(serving->back(), '}');
  EXPECT_NE(serving->find(std::string(testing::kAppRole) + ":****@"), std::string::npos)
      << *serving;
  EXPECT_EQ(serving->find(std::string(":") + testing::kAppRole + "@"), std::string::npos)
      << *serving;
  // The process serves /metrics on the port its serving line names.
  const size_t metrics_port_at = serving->find(R"("metrics_port":)");
  ASSERT_NE(metrics_port_at, std::string::npos) << *serving;
  const int metrics_port = std::stoi(serving->substr(metrics_port_at + 15));
  EXPECT_GT(testing::ScrapedMetrics::From(metrics_port).Count("grpc_server_started_total"), 0U);
  server.Signal(SIGINT);
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0);
  // The test cluster's password is "photoflow"; it must appear nowhere but the user name.
  EXPECT_EQ(server.Output().find(":photoflow@"), std::string::npos) << server.Output();
}

TEST(ServerProcessTest, AnUnparseableRequestIsInvalidArgumentAndTheLogStaysJson) {
  TestSchema schema;
  ChildProcess server(PHOTOFLOW_SERVER_BINARY, {},
                      {{"DATABASE_URL", schema.url()},
                       {"PHOTOFLOW_LISTEN", "127.0.0.1:0"},
                       {"PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:0"}});
  const auto serving = server.WaitForLine(R"("event":"serving")", kStartupTimeout);
  ASSERT_TRUE(serving) << server.Output();
  // A CreateTaskRequest whose task.title is not UTF-8: libprotobuf refuses
  // it, and by default says so on stderr in plain text.
  const std::string bytes = testing::LengthDelimited(
      *v1::CreateTaskRequest::descriptor(), "task",
      testing::LengthDelimited(*v1::Task::descriptor(), "title", "\xff\xfe"));
  grpc::GenericStub stub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(testing::PortFromServingLine(*serving)),
                          grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kStartupTimeout);
    grpc::Slice slice(bytes);
    const grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/photoflow.v1.TaskService/CreateTask", grpc::StubOptions(), &request,
                   &response, [&done](const grpc::Status& status) { done.set_value(status); });
    const grpc::Status status = done.get_future().get();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    const testing::DecodedError details = testing::DecodeDetails(status);
    ASSERT_EQ(details.violations.size(), 1U);
    EXPECT_EQ(details.violations[0].first, "task.title");
  }
  server.Signal(SIGINT);
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0);
  const std::string output = server.Output();
  EXPECT_EQ(output.find("libprotobuf"), std::string::npos) << output;
  // On loopback, plaintext is no warning.
  EXPECT_EQ(output.find(R"("event":"plaintext")"), std::string::npos) << output;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.starts_with("{") && line.ends_with("}")) << line;
  }
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "0");
}

TEST(ServerProcessTest, PlaintextOnANonLoopbackAddressIsAWarning) {
  TestSchema schema;
  ChildProcess server(PHOTOFLOW_SERVER_BINARY, {},
                      {{"DATABASE_URL", schema.url()},
                       {"PHOTOFLOW_LISTEN", "0.0.0.0:0"},
                       {"PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:0"}});
  const auto warning = server.WaitForLine(R"("event":"plaintext")", kStartupTimeout);
  ASSERT_TRUE(warning) << server.Output();
  EXPECT_NE(warning->find(R"("level":"warn")"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("PHOTOFLOW_TLS_CERT"), std::string::npos) << *warning;
  ASSERT_TRUE(server.WaitForLine(R"("tls":"off")", kStartupTimeout)) << server.Output();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0);
}

// PHOTOFLOW_MAX_CONNECTION_AGE: a connection older than the age is sent
// GOAWAY, so the client's channel leaves READY and its next call opens a new
// connection (how replicas behind a Kubernetes Service share clients).
TEST(ServerProcessTest, AConnectionPastItsMaxAgeIsSentGoawayAndTheNextCallReconnects) {
  TestSchema schema;
  ChildProcess server(PHOTOFLOW_SERVER_BINARY, {},
                      {{"DATABASE_URL", schema.url()},
                       {"PHOTOFLOW_LISTEN", "127.0.0.1:0"},
                       {"PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:0"},
                       {"PHOTOFLOW_MAX_CONNECTION_AGE", "1"},
                       {"PHOTOFLOW_MAX_CONNECTION_AGE_GRACE", "1"}});
  const auto serving = server.WaitForLine(R"("event":"serving")", kStartupTimeout);
  ASSERT_TRUE(serving) << server.Output();
  const auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(testing::PortFromServingLine(*serving)),
                          grpc::InsecureChannelCredentials());
  auto stub = v1::TaskService::NewStub(channel);
  const auto list_tasks = [&stub] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kStartupTimeout);
    v1::ListTasksRequest request;
    v1::ListTasksResponse response;
    return stub->ListTasks(&context, request, &response);
  };
  ASSERT_TRUE(list_tasks().ok());
  // Keepalive alone would keep the idle connection for a minute; the age
  // (1 s, plus up to 10 % jitter, plus 1 s grace) ends it well within 30 s.
  // (On a slow run it may have ended already: then the state is not READY.)
  if (channel->GetState(false) == GRPC_CHANNEL_READY) {
    EXPECT_TRUE(channel->WaitForStateChange(GRPC_CHANNEL_READY,
                                            std::chrono::system_clock::now() + kStartupTimeout));
  }
  EXPECT_NE(channel->GetState(false), GRPC_CHANNEL_READY);
  EXPECT_TRUE(list_tasks().ok());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0);
}

// A photoflow-server process with its own application_name, serving one task.
class DrainTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& grace_seconds) {
    task_id_ = std::stoi(schema_.QueryValue(
        "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
        "VALUES (now(), 'Wedding', '', 'Scheduled') RETURNING id"));
    server_ = std::make_unique<ChildProcess>(
        PHOTOFLOW_SERVER_BINARY, std::vector<std::string>{},
        std::map<std::string, std::string>{
            {"DATABASE_URL", schema_.url() + "&application_name=" + application_},
            {"PHOTOFLOW_LISTEN", "127.0.0.1:0"},
            {"PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:0"},
            {"PHOTOFLOW_SHUTDOWN_GRACE", grace_seconds}});
    const auto serving = server_->WaitForLine(R"("event":"serving")", kStartupTimeout);
    ASSERT_TRUE(serving) << server_->Output();
    address_ = "127.0.0.1:" + std::to_string(testing::PortFromServingLine(*serving));
  }

  std::future<grpc::Status> UpdateInFlight() {
    return std::async(std::launch::async, [this] {
      auto stub = v1::TaskService::NewStub(
          grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
      v1::UpdateTaskRequest request;
      request.mutable_task()->set_id(task_id_);
      request.mutable_task()->set_status("Delivered");
      request.mutable_update_mask()->add_paths("status");
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + 60s);
      v1::Task updated;
      return stub->UpdateTask(&context, request, &updated);
    });
  }

  // True once a new connection's call is refused (the server stopped listening).
  bool WaitUntilNewCallsAreRefused() {
    const auto give_up = std::chrono::steady_clock::now() + kStartupTimeout;
    while (std::chrono::steady_clock::now() < give_up) {
      auto stub = v1::TaskService::NewStub(
          grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
      v1::GetTaskRequest request;
      request.set_id(task_id_);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + 2s);
      v1::Task task;
      if (stub->GetTask(&context, request, &task).error_code() == grpc::StatusCode::UNAVAILABLE) {
        return true;
      }
    }
    return false;
  }

  TestSchema schema_;
  const std::string application_ = "pf_" + schema_.name();
  std::unique_ptr<ChildProcess> server_;
  std::string address_;
  int task_id_ = 0;
};

TEST_F(DrainTest, SigtermLetsTheInFlightCallFinishThenExitsZero) {
  StartServer(/*grace_seconds=*/"60");
  testing::TaskRowLock lock(schema_, task_id_);
  auto in_flight = UpdateInFlight();
  ASSERT_TRUE(testing::WaitForLockWaiters(schema_, application_, 1));

  server_->Signal(SIGTERM);
  ASSERT_TRUE(WaitUntilNewCallsAreRefused()) << server_->Output();
  lock.Release();  // only now, while the server drains, may the call finish

  const grpc::Status status = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  EXPECT_EQ(server_->WaitForExit(kStartupTimeout), 0) << server_->Output();
  EXPECT_EQ(schema_.QueryValue("SELECT status FROM \"Tasks\""), "Delivered");
}

TEST_F(DrainTest, CallStillStuckAfterTheGracePeriodIsCancelledAndTheServerExitsZero) {
  StartServer(/*grace_seconds=*/"1");
  testing::TaskRowLock lock(schema_, task_id_);  // never released while the server runs
  auto in_flight = UpdateInFlight();
  ASSERT_TRUE(testing::WaitForLockWaiters(schema_, application_, 1));

  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->WaitForExit(kStartupTimeout), 0) << server_->Output();
  EXPECT_NE(server_->Output().find(R"("event":"shutdown_grace_expired")"), std::string::npos);
  EXPECT_FALSE(in_flight.get().ok());
  lock.Release();
  EXPECT_EQ(schema_.QueryValue("SELECT status FROM \"Tasks\""), "Scheduled")
      << "the cancelled update must not have committed";
}

TEST(ServerProcessTest, MigrateFlagPreparesAnEmptyDatabase) {
  TestSchema schema(/*migrate=*/false);
  ChildProcess server(PHOTOFLOW_SERVER_BINARY,
                      {"--migrate", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"},
                      {{"DATABASE_URL", schema.url()}});
  ASSERT_TRUE(server.WaitForLine(R"("event":"serving")", kStartupTimeout)) << server.Output();
  EXPECT_NE(server.Output().find(R"("event":"migration_applied")"), std::string::npos);
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"_prisma_migrations\" "
                              "WHERE finished_at IS NOT NULL"),
            std::to_string(migrate::LoadMigrationFiles(config::DefaultMigrationsDir()).size()));
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0);
}

}  // namespace
}  // namespace photoflow
