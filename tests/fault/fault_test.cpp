// Faults under load, against real server processes and a PostgreSQL cluster
// of each test's own: PostgreSQL restarted (fast, and immediate: a crash)
// during writes, SIGTERM and kill -9 of the server mid-load, and 200 clients
// on a pool of 10. Afterwards the database must hold every acknowledged
// write, none twice, nothing that a "changed nothing" answer promised was not
// written, and consistent comment counters. Each test prints a FAULT line
// with its figures (writes checked, recovery time, peak RSS of the server).
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include "fault/write_load.hpp"
#include "grpc/health/v1/health.grpc.pb.h"
#include "photoflow/v1/comment_service.grpc.pb.h"
#include "photoflow/v1/task_service.grpc.pb.h"
#include "support/child_process.hpp"
#include "support/metrics_scrape.hpp"
#include "support/private_cluster.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::PrivateCluster;
using testing::TestSchema;
using Clock = std::chrono::steady_clock;

constexpr auto kStartupTimeout = 60s;

// A photoflow-server process on a free loopback port.
class ServerProcess {
 public:
  ServerProcess(const std::string& database_url, std::map<std::string, std::string> env = {}) {
    env.emplace("DATABASE_URL", database_url);
    env.emplace("PHOTOFLOW_LISTEN", "127.0.0.1:0");
    env.emplace("PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:0");
    process_ =
        std::make_unique<ChildProcess>(PHOTOFLOW_SERVER_BINARY, std::vector<std::string>{}, env);
    const auto serving = process_->WaitForLine(R"("event":"serving")", kStartupTimeout);
    if (!serving) throw std::runtime_error("the server did not start: " + process_->Output());
    port_ = testing::PortFromServingLine(*serving);
    const std::size_t metrics = serving->find(R"("metrics_port":)");
    metrics_port_ = std::stoi(serving->substr(metrics + 15));
  }

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  int metrics_port() const { return metrics_port_; }
  ChildProcess& process() { return *process_; }

  // The most resident memory the process has had (VmHWM), in KiB.
  long PeakRssKib() const {
    std::ifstream status("/proc/" + std::to_string(process_->pid()) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
    }
    return -1;
  }

 private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  int metrics_port_ = 0;
};

// A schema on `base_url` with `count` tasks for the writers' comments.
std::vector<int32_t> SeedTasks(const TestSchema& schema, int count) {
  auto connection = schema.Connect();
  pqxx::nontransaction work(*connection);
  std::vector<int32_t> ids;
  for (const pqxx::row& row : work.exec_params(
           "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
           "SELECT now(), 'seed ' || n, '', 'New' FROM generate_series(1, $1) AS n RETURNING id",
           count)) {
    ids.push_back(row[0].as<int32_t>());
  }
  return ids;
}

bool HealthServing(grpc::health::v1::Health::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 1s);
  grpc::health::v1::HealthCheckResponse response;
  return stub.Check(&context, {}, &response).ok() &&
         response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

void Report(const std::string& test, WriteLoad& load, const WriteLoad::Check& check,
            long peak_rss_kib, const std::string& extra = "") {
  std::cout << "FAULT " << test << ": " << check.acknowledged << " acknowledged writes found, "
            << check.refused << " refused writes absent, " << check.in_doubt << " in doubt ("
            << load.Summary() << "); server peak RSS " << peak_rss_kib / 1024 << " MiB" << extra
            << "\n";
}

class PostgresRestartTest : public ::testing::TestWithParam<PrivateCluster::StopMode> {};

TEST_P(PostgresRestartTest, AcknowledgedWritesSurviveAndServiceIsBackWithinTwoSeconds) {
  PrivateCluster cluster(PrivateCluster::Durability::kDurable);
  const std::string base_url = cluster.Start();
  const TestSchema schema(/*migrate=*/true, base_url);
  const std::vector<int32_t> seeds = SeedTasks(schema, 8);
  ServerProcess server(schema.url() + "&connection_limit=4");

  WriteLoad load("restart-", server.target(), seeds, /*writers=*/6, /*deadline=*/1s);
  ASSERT_TRUE(load.WaitForOk(300, 60s)) << load.Summary();

  cluster.Stop(GetParam());
  const std::size_t failures_before = load.failures();
  ASSERT_TRUE(load.WaitForFailures(failures_before + 20, 60s)) << load.Summary();
  cluster.Start();
  const Clock::time_point back = Clock::now();

  // Served again: a write acknowledged after PostgreSQL was back, and health.
  ASSERT_TRUE(load.WaitForOkAfter(back, 30s)) << load.Summary();
  const Clock::duration write_recovery = load.FirstOkAfter(back) - back;
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials()));
  Clock::time_point healthy = Clock::now();
  for (const Clock::time_point give_up = back + 30s; Clock::now() < give_up;) {
    healthy = Clock::now();
    if (HealthServing(*health)) break;
  }
  const Clock::duration health_recovery = healthy - back;
  ASSERT_TRUE(load.WaitForOk(load.ok() + 300, 60s)) << load.Summary();
  load.Stop();

  EXPECT_LE(write_recovery, 2s) << Seconds(write_recovery);
  EXPECT_LE(health_recovery, 2s) << Seconds(health_recovery);
  const WriteLoad::Check check = load.Verify(schema, {grpc::StatusCode::UNAVAILABLE});
  EXPECT_TRUE(check.problems.empty()) << check.problems;
  Report(GetParam() == PrivateCluster::StopMode::kFast ? "postgres-restart-fast"
                                                       : "postgres-restart-immediate",
         load, check, server.PeakRssKib(),
         "; writes back after " + std::to_string(Seconds(write_recovery)) + " s, health after " +
             std::to_string(Seconds(health_recovery)) + " s");
}

INSTANTIATE_TEST_SUITE_P(StopModes, PostgresRestartTest,
                         ::testing::Values(PrivateCluster::StopMode::kFast,
                                           PrivateCluster::StopMode::kImmediate),
                         [](const auto& info) {
                           return info.param == PrivateCluster::StopMode::kFast ? "Fast"
                                                                                : "Immediate";
                         });

TEST(ServerFaultTest, SigtermUnderLoadFinishesInFlightCallsAndExitsZero) {
  const TestSchema schema;
  const std::vector<int32_t> seeds = SeedTasks(schema, 8);
  ServerProcess server(schema.url() + "&connection_limit=4", {{"PHOTOFLOW_ACCESS_LOG", "true"}});

  WriteLoad load("sigterm-", server.target(), seeds, /*writers=*/8, /*deadline=*/5s);
  ASSERT_TRUE(load.WaitForOk(300, 60s)) << load.Summary();
  const long peak_rss = server.PeakRssKib();
  server.process().Signal(SIGTERM);
  EXPECT_EQ(server.process().WaitForExit(60s), 0) << server.process().Output();
  load.Stop();

  // Every call the service started finished OK (the access log has a line
  // for each); the calls after the listener closed were refused
  // (UNAVAILABLE), and those gRPC had received but not yet handed to the
  // service were cancelled (CANCELLED): neither wrote anything.
  const std::string output = server.process().Output();
  std::size_t served = 0;
  for (std::size_t at = output.find(R"("event":"rpc")"); at != std::string::npos;
       at = output.find(R"("event":"rpc")", at + 1)) {
    ++served;
    const std::size_t end = output.find('\n', at);
    EXPECT_NE(output.substr(at, end - at).find(R"("code":"OK")"), std::string::npos)
        << output.substr(at, end - at);
  }
  EXPECT_EQ(served, load.CodeCounts()[grpc::StatusCode::OK]);
  for (const auto& [code, count] : load.CodeCounts()) {
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE ||
                code == grpc::StatusCode::CANCELLED)
        << count << " calls ended with code " << code << "; " << load.Summary();
  }
  const WriteLoad::Check check =
      load.Verify(schema, {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED});
  EXPECT_TRUE(check.problems.empty()) << check.problems;
  Report("sigterm", load, check, peak_rss);
}

TEST(ServerFaultTest, KillNineMidLoadLeavesNoPartialWrite) {
  const TestSchema schema;
  const std::vector<int32_t> seeds = SeedTasks(schema, 8);
  long peak_rss = 0;
  std::size_t ok_before_kill = 0;
  {
    ServerProcess server(schema.url() + "&connection_limit=4");
    WriteLoad load("killed-", server.target(), seeds, /*writers=*/8, /*deadline=*/5s);
    ASSERT_TRUE(load.WaitForOk(300, 60s)) << load.Summary();
    peak_rss = server.PeakRssKib();
    server.process().Signal(SIGKILL);
    server.process().WaitForExit(60s);
    load.Stop();
    ok_before_kill = load.ok();
    // The calls cut off by the kill may or may not have committed: they are
    // in doubt. Everything else must hold.
    const WriteLoad::Check check = load.Verify(schema, {});
    EXPECT_TRUE(check.problems.empty()) << check.problems;
    Report("kill-9", load, check, peak_rss);
  }
  // PostgreSQL rolled back what the dead server left open: a transaction it
  // kept would hold the seed tasks' rows, which every comment below updates
  // (its counter), so the new server's writes would time out instead.
  ServerProcess again(schema.url());
  WriteLoad more("after-", again.target(), seeds, /*writers=*/2, /*deadline=*/5s);
  EXPECT_TRUE(more.WaitForOk(20, 60s)) << more.Summary();
  more.Stop();
  const WriteLoad::Check check = more.Verify(schema, {grpc::StatusCode::UNAVAILABLE});
  EXPECT_TRUE(check.problems.empty()) << check.problems;
  EXPECT_GT(ok_before_kill, 0U);
}

TEST(ServerFaultTest, TwoHundredClientsOnAPoolOfTenEndInTime) {
  const TestSchema schema;
  {
    auto connection = schema.Connect();
    pqxx::nontransaction(*connection)
        .exec(
            "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
            "SELECT now() + n * interval '1 minute', 'task ' || n, 'notes', 'New' "
            "FROM generate_series(1, 3000) AS n");
  }
  constexpr auto kPoolTimeout = 2s;
  ServerProcess server(schema.url() + "&connection_limit=10&pool_timeout=2",
                       {{"PHOTOFLOW_POOL_MAX_WAITERS", "400"}});

  constexpr int kClients = 200;
  constexpr int kCallsEach = 10;
  std::mutex mutex;
  std::map<grpc::StatusCode, int> codes;
  Clock::duration longest{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      grpc::ChannelArguments arguments;
      arguments.SetInt("photoflow.test.client", client);  // a connection of its own
      auto stub = v1::TaskService::NewStub(grpc::CreateCustomChannel(
          server.target(), grpc::InsecureChannelCredentials(), arguments));
      for (int call = 0; call < kCallsEach; ++call) {
        v1::ListTasksRequest request;
        request.set_page_size(100);
        request.set_filter("is_finished = false");
        request.set_order_by("due_at");
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + 10s);
        v1::ListTasksResponse response;
        const Clock::time_point started = Clock::now();
        const grpc::Status status = stub->ListTasks(&context, request, &response);
        const Clock::duration took = Clock::now() - started;
        const std::lock_guard lock(mutex);
        ++codes[status.error_code()];
        longest = std::max(longest, took);
      }
    });
  }
  for (std::thread& client : clients) client.join();

  int total = 0;
  for (const auto& [code, count] : codes) {
    total += count;
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                code == grpc::StatusCode::DEADLINE_EXCEEDED)
        << count << " calls ended with code " << code;
  }
  EXPECT_EQ(total, kClients * kCallsEach);
  EXPECT_GT(codes[grpc::StatusCode::OK], 0);
  EXPECT_LE(longest, kPoolTimeout + 1s) << Seconds(longest);
  // The calls really queued: some waited longer than 10 ms for a connection.
  const auto metrics = testing::ScrapedMetrics::From(server.metrics_port());
  const double waited_long =
      metrics.Value("photoflow_db_pool_acquire_seconds_count") -
      metrics.Value("photoflow_db_pool_acquire_seconds_bucket", {{"le", "0.01"}});
  EXPECT_GT(waited_long, 0);
  std::cout << "FAULT 200-clients-pool-10: " << total << " calls, " << codes[grpc::StatusCode::OK]
            << " OK, " << codes[grpc::StatusCode::RESOURCE_EXHAUSTED] << " RESOURCE_EXHAUSTED, "
            << codes[grpc::StatusCode::DEADLINE_EXCEEDED] << " DEADLINE_EXCEEDED, " << waited_long
            << " waited over 10 ms; longest call " << Seconds(longest) << " s; server peak RSS "
            << server.PeakRssKib() / 1024 << " MiB\n";
}

}  // namespace
}  // namespace photoflow
