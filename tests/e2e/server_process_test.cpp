// The real photoflow-server and photoflow-migrate binaries, as operators run them.
#include <signal.h>

#include <future>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "photoflow/v1/task_service.grpc.pb.h"
#include "support/child_process.hpp"
#include "support/test_database.hpp"

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
                      {{"DATABASE_URL", schema.url()}, {"PHOTOFLOW_LISTEN", "127.0.0.1:0"}});
  const auto serving = server.WaitForLine("\"event\":\"serving\"", kStartupTimeout);
  ASSERT_TRUE(serving) << server.Output();
  EXPECT_EQ(serving->front(), '{');
  EXPECT_EQ(serving->back(), '}');
  EXPECT_NE(serving->find("photoflow:****@"), std::string::npos) << *serving;
  server.Signal(SIGINT);
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0);
  // The test cluster's password is "photoflow"; it must appear nowhere but the user name.
  EXPECT_EQ(server.Output().find(":photoflow@"), std::string::npos) << server.Output();
}

TEST(ServerProcessTest, SigtermFinishesTheInFlightCallThenExitsZero) {
  TestSchema schema;
  const std::string task_id = schema.QueryValue(
      "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
      "VALUES (now(), 'Wedding', '', 'Scheduled') RETURNING id");
  const std::string application = "pf_" + schema.name();
  ChildProcess server(PHOTOFLOW_SERVER_BINARY, {},
                      {{"DATABASE_URL", schema.url() + "&application_name=" + application},
                       {"PHOTOFLOW_LISTEN", "127.0.0.1:0"},
                       {"PHOTOFLOW_SHUTDOWN_GRACE", "60"}});
  const auto serving = server.WaitForLine("\"event\":\"serving\"", kStartupTimeout);
  ASSERT_TRUE(serving) << server.Output();
  const auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(testing::PortFromServingLine(*serving)),
                          grpc::InsecureChannelCredentials());
  auto stub = v1::TaskService::NewStub(channel);

  // Hold the task's row lock so that an UpdateTask stays in flight.
  auto locker = schema.Connect();
  auto lock = std::make_unique<pqxx::work>(*locker);
  lock->exec_params("SELECT 1 FROM \"Tasks\" WHERE id = $1 FOR UPDATE", std::stoi(task_id));

  auto in_flight = std::async(std::launch::async, [&] {
    v1::UpdateTaskRequest request;
    request.mutable_task()->set_id(std::stoi(task_id));
    request.mutable_task()->set_status("Delivered");
    request.mutable_update_mask()->add_paths("status");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 60s);
    v1::Task updated;
    return stub->UpdateTask(&context, request, &updated);
  });

  // Wait (bounded) until the server's UPDATE is blocked on our lock.
  auto observer = schema.Connect();
  const auto give_up = std::chrono::steady_clock::now() + kStartupTimeout;
  bool blocked = false;
  while (!blocked && std::chrono::steady_clock::now() < give_up) {
    blocked = pqxx::nontransaction(*observer)
                  .exec_params(
                      "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
                      "AND wait_event_type = 'Lock'",
                      application)[0][0]
                  .as<int>() == 1;
  }
  ASSERT_TRUE(blocked) << "the UpdateTask never reached the database";

  server.Signal(SIGTERM);
  ASSERT_TRUE(server.WaitForLine("\"event\":\"shutting_down\"", kStartupTimeout))
      << server.Output();
  lock->commit();  // let the in-flight call finish during the grace period

  const grpc::Status status = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0) << server.Output();
  EXPECT_EQ(schema.QueryValue("SELECT status FROM \"Tasks\" WHERE id = " + task_id), "Delivered");
}

TEST(MigrateProcessTest, DeployAppliesThenReportsUpToDate) {
  TestSchema schema(/*migrate=*/false);
  ChildProcess first(PHOTOFLOW_MIGRATE_BINARY, {"deploy"}, {{"DATABASE_URL", schema.url()}});
  EXPECT_EQ(first.WaitForExit(kStartupTimeout), 0) << first.Output();
  EXPECT_NE(first.Output().find("applied 20260301000000_init in "), std::string::npos);
  ChildProcess second(PHOTOFLOW_MIGRATE_BINARY, {"deploy"}, {{"DATABASE_URL", schema.url()}});
  EXPECT_EQ(second.WaitForExit(kStartupTimeout), 0) << second.Output();
  EXPECT_NE(second.Output().find("database is up to date"), std::string::npos);
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "0");
}

TEST(MigrateProcessTest, UsageErrorsExitTwoAndTouchNothing) {
  TestSchema schema(/*migrate=*/false);
  for (const auto& [args, env] :
       std::vector<std::pair<std::vector<std::string>, std::map<std::string, std::string>>>{
           {{"frobnicate"}, {{"DATABASE_URL", schema.url()}}},
           {{}, {{"DATABASE_URL", schema.url()}}},
           {{"deploy"}, {{"DATABASE_URL", ""}}},
           {{"deploy", "--migrations", "/nonexistent"}, {{"DATABASE_URL", schema.url()}}},
           {{"deploy", "--bogus"}, {{"DATABASE_URL", schema.url()}}}}) {
    ChildProcess migrate(PHOTOFLOW_MIGRATE_BINARY, args, env);
    EXPECT_EQ(migrate.WaitForExit(kStartupTimeout), 2) << migrate.Output();
  }
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM pg_tables WHERE schemaname = '" +
                              schema.name() + "'"),
            "0");
}

TEST(ServerProcessTest, MigrateFlagPreparesAnEmptyDatabase) {
  TestSchema schema(/*migrate=*/false);
  ChildProcess server(PHOTOFLOW_SERVER_BINARY, {"--migrate", "--listen", "127.0.0.1:0"},
                      {{"DATABASE_URL", schema.url()}});
  ASSERT_TRUE(server.WaitForLine("\"event\":\"serving\"", kStartupTimeout)) << server.Output();
  EXPECT_NE(server.Output().find("\"event\":\"migration_applied\""), std::string::npos);
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"_prisma_migrations\""), "1");
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitForExit(kStartupTimeout), 0);
}

}  // namespace
}  // namespace photoflow
