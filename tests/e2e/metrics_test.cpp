// /metrics as Prometheus scrapes it: real HTTP, checked by promtool, with
// every documented name, counters that follow traffic and table statistics
// that agree with PostgreSQL.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/metrics_scrape.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::ScrapedMetrics;

v1::Task NewTask(const std::string& title) {
  v1::Task task;
  task.set_title(title);
  task.set_status("Scheduled");
  task.mutable_due_at()->set_seconds(1'900'000'000);
  return task;
}

grpc::Status CreateTask(testing::TestServer& server, const v1::Task& task) {
  v1::CreateTaskRequest request;
  *request.mutable_task() = task;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 30s);
  v1::Task created;
  return server.tasks().CreateTask(&context, request, &created);
}

grpc::Status GetTask(testing::TestServer& server, int id) {
  v1::GetTaskRequest request;
  request.set_id(id);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 30s);
  v1::Task task;
  return server.tasks().GetTask(&context, request, &task);
}

std::map<std::string, std::string> Method(const std::string& service, const std::string& method) {
  return {{"grpc_type", "unary"}, {"grpc_service", service}, {"grpc_method", method}};
}

std::map<std::string, std::string> With(std::map<std::string, std::string> labels,
                                        const std::string& name, const std::string& value) {
  labels[name] = value;
  return labels;
}

TEST(MetricsTest, ScrapePassesPromtoolAndHasEveryDocumentedName) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  ASSERT_TRUE(CreateTask(server, NewTask("Wedding")).ok());
  const std::string text = testing::ScrapeMetrics(server.server().metrics_port());

  testing::TempDir dir;
  dir.Write("metrics.txt", text);
  testing::ChildProcess promtool(
      "/bin/sh",
      {"-c", "exec promtool check metrics < '" + (dir.path() / "metrics.txt").string() + "'"});
  EXPECT_EQ(promtool.WaitForExit(60s), 0) << promtool.Output();
  EXPECT_EQ(promtool.Output(), "") << "promtool reports lint problems";

  const ScrapedMetrics metrics(text);
  for (const char* name : {
           "grpc_server_started_total",
           "grpc_server_handled_total",
           "grpc_server_msg_received_total",
           "grpc_server_msg_sent_total",
           "grpc_server_handling_seconds_bucket",
           "photoflow_db_pool_max_connections",
           "photoflow_db_pool_open_connections",
           "photoflow_db_pool_in_use_connections",
           "photoflow_db_pool_idle_connections",
           "photoflow_db_pool_waiting_calls",
           "photoflow_db_pool_acquire_seconds_bucket",
           "photoflow_db_pool_acquire_timeouts_total",
           "photoflow_db_pool_acquire_rejected_total",
           "photoflow_db_pool_acquire_unavailable_total",
           "photoflow_db_pool_connection_errors_total",
           "photoflow_db_pool_connections_opened_total",
           "photoflow_db_pool_connections_closed_total",
           "photoflow_db_database_size_bytes",
           "photoflow_db_table_size_bytes",
           "photoflow_db_table_live_rows",
           "photoflow_db_table_dead_rows",
           "photoflow_db_connections",
           "photoflow_db_stats_last_success_timestamp_seconds",
           "photoflow_db_stats_refresh_seconds",
           "photoflow_db_stats_errors_total",
           "process_cpu_seconds_total",
           "process_resident_memory_bytes",
           "process_virtual_memory_bytes",
           "process_open_fds",
           "process_max_fds",
           "process_start_time_seconds",
           "photoflow_build_info",
       }) {
    EXPECT_GT(metrics.Count(name), 0U) << name << " is missing";
  }
  EXPECT_EQ(metrics.Value("photoflow_build_info", {{"version", PHOTOFLOW_VERSION}}), 1);
  EXPECT_GT(metrics.Value("process_resident_memory_bytes"), 1e6);
  EXPECT_GT(metrics.Value("process_open_fds"), 3);
  EXPECT_GT(metrics.Value("photoflow_db_stats_last_success_timestamp_seconds"), 1.7e9);
}

// The Grafana dashboard and the alerting rules (deploy/monitoring, and the
// PrometheusRule rendered from them) may only use names a live server
// exports: every metric (a histogram's _bucket/_sum/_count by its family) and
// every label they group by.
TEST(MetricsTest, EveryNameInTheDashboardAndTheAlertRulesIsExported) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  ASSERT_TRUE(CreateTask(server, NewTask("Wedding")).ok());
  ASSERT_TRUE(server.server().database_stats()->Refresh());
  const std::string text = testing::ScrapeMetrics(server.server().metrics_port());
  const std::vector<std::string> families = ScrapedMetrics(text).FamilyNames();
  const auto exported = [&families](const std::string& name) {
    if (std::find(families.begin(), families.end(), name) != families.end()) return true;
    for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (name.ends_with(suffix) &&
          std::find(families.begin(), families.end(),
                    name.substr(0, name.size() - suffix.size())) != families.end()) {
        return true;
      }
    }
    return false;
  };
  const std::regex metric_name(R"(\b((photoflow|grpc_server|process)_[a-z0-9_]*[a-z0-9])\b)");
  const std::regex grouping(R"(\b(?:by|without) \(([^)]*)\))");
  for (const char* file :
       {"deploy/monitoring/photoflow-dashboard.json", "deploy/monitoring/photoflow-alerts.yaml"}) {
    std::ifstream in(std::string(PHOTOFLOW_SOURCE_DIR) + "/" + file);
    ASSERT_TRUE(in) << file;
    const std::string content((std::istreambuf_iterator<char>(in)), {});
    std::set<std::string> names;
    for (std::sregex_iterator it(content.begin(), content.end(), metric_name), end; it != end;
         ++it) {
      names.insert((*it)[1]);
    }
    EXPECT_GE(names.size(), 5U) << file;
    for (const std::string& name : names) {
      EXPECT_TRUE(exported(name)) << file << " uses " << name << ", which no scrape shows";
    }
    for (std::sregex_iterator it(content.begin(), content.end(), grouping), end; it != end; ++it) {
      std::istringstream labels((*it)[1]);
      for (std::string label; std::getline(labels, label, ',');) {
        label.erase(0, label.find_first_not_of(' '));
        label.erase(label.find_last_not_of(' ') + 1);
        if (label == "le" || label == "job" || label == "instance") continue;
        EXPECT_NE(text.find(label + "=\""), std::string::npos)
            << file << " groups by " << label << ", which no exported series has";
      }
    }
  }
}

TEST(MetricsTest, EveryMethodHasSeriesAtZeroBeforeItsFirstCall) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  const ScrapedMetrics metrics = ScrapedMetrics::From(server.server().metrics_port());
  for (const char* method : {"CreateTask", "GetTask", "ListTasks", "UpdateTask", "DeleteTask"}) {
    const auto labels = Method("photoflow.v1.TaskService", method);
    EXPECT_EQ(metrics.Count("grpc_server_started_total", labels), 1U) << method;
    EXPECT_EQ(metrics.Value("grpc_server_started_total", labels), 0) << method;
    // One series per status code, as go-grpc-prometheus pre-creates them.
    EXPECT_EQ(metrics.Count("grpc_server_handled_total", labels), 17U) << method;
    EXPECT_EQ(metrics.Value("grpc_server_handling_seconds_count", labels), 0) << method;
  }
  for (const char* method :
       {"CreateComment", "GetComment", "ListComments", "UpdateComment", "DeleteComment"}) {
    EXPECT_EQ(
        metrics.Count("grpc_server_handled_total", Method("photoflow.v1.CommentService", method)),
        17U)
        << method;
  }
  EXPECT_EQ(metrics.Count("grpc_server_started_total", {{"grpc_service", "grpc.health.v1.Health"},
                                                        {"grpc_method", "Watch"},
                                                        {"grpc_type", "server_stream"}}),
            1U);
  EXPECT_EQ(metrics.Count("grpc_server_started_total",
                          {{"grpc_service", "grpc.reflection.v1alpha.ServerReflection"},
                           {"grpc_type", "bidi_stream"}}),
            1U);
}

TEST(MetricsTest, CountersFollowTraffic) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  const int port = server.server().metrics_port();
  const ScrapedMetrics before = ScrapedMetrics::From(port);

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(CreateTask(server, NewTask("Shoot")).ok());
  EXPECT_EQ(GetTask(server, 999'999).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CreateTask(server, NewTask("")).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  const ScrapedMetrics after = ScrapedMetrics::From(port);
  auto delta = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
    return after.Value(name, labels) - before.Value(name, labels);
  };
  const auto create = Method("photoflow.v1.TaskService", "CreateTask");
  const auto get = Method("photoflow.v1.TaskService", "GetTask");
  EXPECT_EQ(delta("grpc_server_started_total", create), 4);
  EXPECT_EQ(delta("grpc_server_handled_total", With(create, "grpc_code", "OK")), 3);
  EXPECT_EQ(delta("grpc_server_handled_total", With(create, "grpc_code", "InvalidArgument")), 1);
  EXPECT_EQ(delta("grpc_server_handled_total", With(get, "grpc_code", "NotFound")), 1);
  EXPECT_EQ(delta("grpc_server_msg_received_total", create), 4);
  EXPECT_EQ(delta("grpc_server_msg_sent_total", create), 3) << "failed calls send no message";
  EXPECT_EQ(delta("grpc_server_handling_seconds_count", create), 4);
  EXPECT_GT(delta("grpc_server_handling_seconds_sum", create), 0);
  // The invalid request was refused before it needed a connection.
  EXPECT_EQ(delta("photoflow_db_pool_acquire_seconds_count", {}), 4);
  EXPECT_GE(after.Value("photoflow_db_pool_connections_opened_total"), 1);
  EXPECT_EQ(after.Value("photoflow_db_pool_in_use_connections"), 0);
  EXPECT_EQ(after.Value("photoflow_db_pool_open_connections"),
            after.Value("photoflow_db_pool_idle_connections"));
  EXPECT_EQ(after.Value("photoflow_db_pool_max_connections"), server.server().pool().stats().max);
}

TEST(MetricsTest, StatementsAreTimedByTheirNames) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  // A series appears with its statement's first run.
  ASSERT_TRUE(CreateTask(server, NewTask("Warm-up")).ok());
  ASSERT_TRUE(GetTask(server, 1).ok());
  const int port = server.server().metrics_port();
  const ScrapedMetrics before = ScrapedMetrics::From(port);

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(CreateTask(server, NewTask("Shoot")).ok());
  ASSERT_TRUE(GetTask(server, 1).ok());
  EXPECT_EQ(GetTask(server, 999'999).error_code(), grpc::StatusCode::NOT_FOUND);

  const ScrapedMetrics after = ScrapedMetrics::From(port);
  auto delta = [&](const std::string& name, const std::string& statement) {
    return after.Value(name, {{"statement", statement}}) -
           before.Value(name, {{"statement", statement}});
  };
  EXPECT_EQ(delta("photoflow_db_statement_duration_seconds_count", "task_insert"), 3);
  EXPECT_EQ(delta("photoflow_db_statement_duration_seconds_count", "task_find"), 2);
  EXPECT_GT(delta("photoflow_db_statement_duration_seconds_sum", "task_insert"), 0);
  EXPECT_EQ(delta("photoflow_db_statement_errors_total", "task_find"), 0)
      << "NOT_FOUND is an answer, not a failed statement";
}

// Waits (up to 60 s) until pg_stat_user_tables shows `rows` live rows in the
// schema's "Tasks": backends flush their statistics some seconds after they
// wrote, on PostgreSQL's own schedule.
bool PostgresShowsLiveTasks(const testing::TestSchema& schema, int rows) {
  const std::string live_rows_sql =
      "SELECT n_live_tup FROM pg_stat_user_tables WHERE schemaname = '" + schema.name() +
      "' AND relname = 'Tasks'";
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (schema.QueryValue(live_rows_sql) != std::to_string(rows)) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    schema.QueryValue("SELECT pg_sleep(0.05)");  // paces the polling of the condition above
  }
  return true;
}

// n_live_tup is what PostgreSQL reports once the writing backends have
// flushed their statistics; the metric must agree with it and with
// pg_total_relation_size after a refresh.
TEST(MetricsTest, TableStatisticsMatchWhatPostgresReports) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  constexpr int kTasks = 40;
  for (int i = 0; i < kTasks; ++i) ASSERT_TRUE(CreateTask(server, NewTask("Portrait")).ok());

  ASSERT_TRUE(PostgresShowsLiveTasks(schema, kTasks))
      << "PostgreSQL's statistics never showed the inserted rows";

  ASSERT_TRUE(server.server().database_stats()->Refresh());
  const ScrapedMetrics metrics = ScrapedMetrics::From(server.server().metrics_port());
  EXPECT_EQ(metrics.Value("photoflow_db_table_live_rows", {{"table", "Tasks"}}), kTasks);
  EXPECT_EQ(metrics.Value("photoflow_db_table_live_rows", {{"table", "task_comments"}}), 0);
  EXPECT_EQ(metrics.Value("photoflow_db_table_size_bytes", {{"table", "Tasks"}}),
            std::stod(schema.QueryValue("SELECT pg_total_relation_size('\"" + schema.name() +
                                        "\".\"Tasks\"')")));
  // Tasks, task_comments, _prisma_migrations, photoflow_request_ids, the two
  // archive tables and the two of the change log.
  EXPECT_EQ(metrics.Count("photoflow_db_table_size_bytes"), 8U)
      << "the schema's eight tables, no other schema's";
  EXPECT_GE(metrics.Value("photoflow_db_database_size_bytes"),
            metrics.Value("photoflow_db_table_size_bytes"));
  // The pool's idle connections and the collector's own one are among them.
  EXPECT_GE(metrics.Value("photoflow_db_connections"), server.server().pool().stats().open + 1);
}

// Database statistics come from the collector's timer, never from a scrape:
// scrapes between two refreshes all show the same refresh, and the timer
// alone brings new rows into the metrics.
TEST(MetricsTest, StatisticsAreRefreshedByTheTimerNotByScrapes) {
  testing::TestSchema schema;
  config::Config slow = testing::TestConfig(schema.url());
  slow.db_stats_interval = std::chrono::hours(1);
  {
    testing::TestServer server(slow);
    const int port = server.server().metrics_port();
    const ScrapedMetrics first = ScrapedMetrics::From(port);
    for (int i = 0; i < 5; ++i) ScrapedMetrics::From(port);
    const ScrapedMetrics last = ScrapedMetrics::From(port);
    EXPECT_GT(first.Value("photoflow_db_stats_last_success_timestamp_seconds"), 0)
        << "the first refresh runs before the server serves";
    EXPECT_EQ(last.Value("photoflow_db_stats_last_success_timestamp_seconds"),
              first.Value("photoflow_db_stats_last_success_timestamp_seconds"))
        << "a scrape ran the statistics queries";
  }

  config::Config fast = testing::TestConfig(schema.url());
  fast.db_stats_interval = 200ms;
  testing::TestServer server(fast);
  const int port = server.server().metrics_port();
  constexpr int kTasks = 25;
  for (int i = 0; i < kTasks; ++i) ASSERT_TRUE(CreateTask(server, NewTask("Portrait")).ok());
  ASSERT_TRUE(PostgresShowsLiveTasks(schema, kTasks));
  // No Refresh() here: the next timer tick, at most 200 ms away, brings them in.
  EXPECT_TRUE(testing::WaitForMetricValue(port, "photoflow_db_table_live_rows",
                                          {{"table", "Tasks"}}, kTasks, 10s))
      << "the timer never brought the inserted rows into the metrics";
  const double refreshed_at =
      ScrapedMetrics::From(port).Value("photoflow_db_stats_last_success_timestamp_seconds");
  EXPECT_TRUE(testing::WaitForMetrics(port, [&](const ScrapedMetrics& metrics) {
    return metrics.Value("photoflow_db_stats_last_success_timestamp_seconds") > refreshed_at;
  })) << "the timer keeps refreshing";
}

}  // namespace
}  // namespace photoflow
