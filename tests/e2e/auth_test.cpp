// Bearer-token authentication against a live server: who may call what, what
// the others hear, what operators see (access log, metrics), and tokens
// replaced while the server runs.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <future>

#include <grpcpp/create_channel.h>

#include "auth/tokens.hpp"
#include "grpc/health/v1/health.grpc.pb.h"
#include "photoflow/v1/comment_service.grpc.pb.h"
#include "photoflow/v1/task_service.grpc.pb.h"
#include "support/child_process.hpp"
#include "support/error_details.hpp"
#include "support/metrics_scrape.hpp"
#include "support/row_lock.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<grpc::ClientContext> WithToken(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + 30s);
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

v1::CreateTaskRequest NewTask() {
  v1::CreateTaskRequest request;
  request.mutable_task()->set_title("Passport photos");
  request.mutable_task()->set_status("New");
  request.mutable_task()->mutable_due_at()->set_seconds(1798070400);
  return request;
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() {
    dir_.Write("tokens", "# test callers\n" +
                             auth::TokenLine(reader_, "front-desk", auth::kTasksRead) + "\n" +
                             auth::TokenLine(writer_, "billing", auth::kTasksWrite) + "\n");
    config_.auth_tokens_file = (dir_.path() / "tokens").string();
  }

  grpc::Status Create(v1::TaskService::Stub& tasks, const std::string& token) {
    v1::Task created;
    return tasks.CreateTask(WithToken(token).get(), NewTask(), &created);
  }
  grpc::Status Get(v1::TaskService::Stub& tasks, const std::string& token) {
    v1::GetTaskRequest request;
    request.set_id(424242);
    v1::Task task;
    return tasks.GetTask(WithToken(token).get(), request, &task);
  }

  const std::string reader_ = auth::NewToken();
  const std::string writer_ = auth::NewToken();
  testing::TempDir dir_;
  testing::TestSchema schema_;
  config::Config config_ = testing::TestConfig(schema_.url());
};

TEST_F(AuthTest, ScopesDecideWhoMayCallWhat) {
  testing::TestServer server(config_);
  auto& tasks = server.tasks();

  const grpc::Status missing = Get(tasks, "");
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(testing::DecodeDetails(missing).reason, "TOKEN_MISSING");
  const std::string stranger = auth::NewToken();
  const grpc::Status unknown = Get(tasks, stranger);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(testing::DecodeDetails(unknown).reason, "TOKEN_UNKNOWN");
  EXPECT_EQ(unknown.error_message().find(stranger), std::string::npos);
  {
    auto context = WithToken("");
    context->AddMetadata("authorization", "Basic " + reader_);
    v1::GetTaskRequest request;
    request.set_id(1);
    v1::Task task;
    EXPECT_EQ(tasks.GetTask(context.get(), request, &task).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }

  // tasks.read: reads reach the service, writes do not.
  EXPECT_EQ(Get(tasks, reader_).error_code(), grpc::StatusCode::NOT_FOUND);
  const grpc::Status denied = Create(tasks, reader_);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(testing::DecodeDetails(denied).reason, "SCOPE_MISSING");
  EXPECT_NE(denied.error_message().find("front-desk"), std::string::npos);
  EXPECT_NE(denied.error_message().find("tasks.write"), std::string::npos);
  {
    v1::DeleteCommentRequest request;
    request.set_id(1);
    google::protobuf::Empty empty;
    EXPECT_EQ(
        server.comments().DeleteComment(WithToken(reader_).get(), request, &empty).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  // tasks.write: both; lower-case "bearer" is the same scheme.
  EXPECT_TRUE(Create(tasks, writer_).ok());
  {
    auto context = WithToken("");
    context->AddMetadata("authorization", "bearer " + writer_);
    v1::GetTaskRequest request;
    request.set_id(424242);
    v1::Task task;
    EXPECT_EQ(tasks.GetTask(context.get(), request, &task).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"Tasks\""), "1");

  // Health stays open for probes.
  auto health = grpc::health::v1::Health::NewStub(server.channel());
  grpc::health::v1::HealthCheckRequest check;
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_TRUE(health->Check(WithToken("").get(), check, &response).ok());

  const auto metrics = testing::ScrapedMetrics::From(server.server().metrics_port());
  EXPECT_EQ(metrics.Value("photoflow_caller_calls_total",
                          {{"caller", "front-desk"}, {"grpc_code", "PermissionDenied"}}),
            2);
  EXPECT_EQ(
      metrics.Value("photoflow_caller_calls_total", {{"caller", "billing"}, {"grpc_code", "OK"}}),
      1);
  EXPECT_EQ(metrics.Value("photoflow_caller_calls_total",
                          {{"caller", ""}, {"grpc_code", "Unauthenticated"}}),
            3);
}

TEST_F(AuthTest, AReplacedTokensFileIsTakenWithoutARestart) {
  config_.reload_interval = 1s;
  testing::TestServer server(config_);
  const std::string newcomer = auth::NewToken();
  EXPECT_EQ(Get(server.tasks(), newcomer).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  dir_.Write("tokens.new", auth::TokenLine(newcomer, "newcomer", auth::kTasksRead) + "\n");
  std::filesystem::rename(dir_.path() / "tokens.new", dir_.path() / "tokens");
  // gRPC-independent, but the check runs on the server's own schedule: poll.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (Get(server.tasks(), newcomer).error_code() == grpc::StatusCode::UNAUTHENTICATED &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(Get(server.tasks(), newcomer).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(server.tasks(), reader_).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthTest, SighupReloadsTheTokensAndTheAccessLogNamesCallersNeverTokens) {
  testing::ChildProcess server(PHOTOFLOW_SERVER_BINARY, {},
                               {{"DATABASE_URL", schema_.url()},
                                {"PHOTOFLOW_LISTEN", "127.0.0.1:0"},
                                {"PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:0"},
                                {"PHOTOFLOW_ACCESS_LOG", "true"},
                                {"PHOTOFLOW_RELOAD_INTERVAL", "3600"},
                                {"PHOTOFLOW_AUTH_TOKENS_FILE", config_.auth_tokens_file}});
  const auto serving = server.WaitForLine(R"("event":"serving")", 30s);
  ASSERT_TRUE(serving) << server.Output();
  EXPECT_NE(serving->find(R"("auth":"tokens")"), std::string::npos) << *serving;
  auto tasks = v1::TaskService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(testing::PortFromServingLine(*serving)),
                          grpc::InsecureChannelCredentials()));
  EXPECT_TRUE(Create(*tasks, writer_).ok());
  const std::string newcomer = auth::NewToken();
  dir_.Write("tokens", auth::TokenLine(newcomer, "newcomer", auth::kTasksWrite) + "\n");
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForLine(R"("event":"tokens_reloaded")", 30s)) << server.Output();
  EXPECT_TRUE(Create(*tasks, newcomer).ok());
  EXPECT_EQ(Create(*tasks, writer_).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  tasks.reset();  // the connection closes: the server need not wait out its grace for it
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitForExit(30s), 0);

  const std::string log = server.Output();
  EXPECT_NE(log.find(R"("event":"rpc","method":"CreateTask","caller":"billing","code":"OK")"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(R"("method":"CreateTask","caller":"newcomer","code":"OK")"), std::string::npos)
      << log;
  EXPECT_NE(log.find(R"("method":"CreateTask","caller":"","code":"Unauthenticated")"),
            std::string::npos)
      << log;
  for (const std::string& token : {reader_, writer_, newcomer}) {
    EXPECT_EQ(log.find(token), std::string::npos);
    EXPECT_EQ(log.find(token.substr(3, 12)), std::string::npos);
  }
}

TEST_F(AuthTest, ACallerOverItsLimitIsToldToRetryWhileOthersAreServed) {
  const std::string application = "pf_" + schema_.name();
  config::Config config =
      testing::TestConfig(schema_.url() + "&connection_limit=4&application_name=" + application);
  config.auth_tokens_file = config_.auth_tokens_file;
  config.max_calls_per_caller = 2;
  testing::TestServer server(config);
  const int task_id = std::stoi(
      schema_.QueryValue("INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
                         "VALUES (now(), 'Wedding', '', 'Scheduled') RETURNING id"));
  auto lock = std::make_unique<testing::TaskRowLock>(schema_, task_id);

  // Two updates by billing wait on the row: its limit is reached.
  struct Pending {
    std::unique_ptr<grpc::ClientContext> context;
    v1::UpdateTaskRequest request;
    v1::Task response;
    std::promise<grpc::Status> done;
  };
  std::vector<std::unique_ptr<Pending>> pending;
  for (int i = 0; i < 2; ++i) {
    auto call = std::make_unique<Pending>();
    call->context = WithToken(writer_);
    call->request.mutable_task()->set_id(task_id);
    call->request.mutable_task()->set_status("Editing " + std::to_string(i));
    call->request.mutable_update_mask()->add_paths("status");
    server.tasks().async()->UpdateTask(
        call->context.get(), &call->request, &call->response,
        [raw = call.get()](grpc::Status status) { raw->done.set_value(std::move(status)); });
    pending.push_back(std::move(call));
  }
  ASSERT_TRUE(testing::WaitForLockWaiters(schema_, application, 2));

  const grpc::Status refused = Get(server.tasks(), writer_);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  const testing::DecodedError details = testing::DecodeDetails(refused);
  EXPECT_EQ(details.reason, "CALLER_LIMIT_EXCEEDED");
  EXPECT_EQ(details.retry_delay_ms, 100);
  EXPECT_NE(refused.error_message().find("'billing'"), std::string::npos);
  // Another caller is served meanwhile.
  EXPECT_EQ(Get(server.tasks(), reader_).error_code(), grpc::StatusCode::NOT_FOUND);

  lock->Release();
  for (auto& call : pending) EXPECT_TRUE(call->done.get_future().get().ok());
  EXPECT_EQ(Get(server.tasks(), writer_).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(AuthOffTest, WithoutATokensFileEveryCallIsAllowedAndTheServerWarns) {
  testing::TestSchema schema;
  testing::ChildProcess server(PHOTOFLOW_SERVER_BINARY, {},
                               {{"DATABASE_URL", schema.url()},
                                {"PHOTOFLOW_LISTEN", "127.0.0.1:0"},
                                {"PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:0"}});
  const auto warning = server.WaitForLine(R"("event":"authentication_off")", 30s);
  ASSERT_TRUE(warning) << server.Output();
  EXPECT_NE(warning->find(R"("level":"warn")"), std::string::npos);
  ASSERT_TRUE(server.WaitForLine(R"("auth":"off")", 30s)) << server.Output();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitForExit(30s), 0);
}

}  // namespace
}  // namespace photoflow
