// End-to-end unary calls over loopback gRPC against a table of
// PHOTOFLOW_BENCH_ROWS tasks, with prepared statements (the default) and
// without them (?pgbouncer=true), one client thread.
#include <memory>

#include <benchmark/benchmark.h>
#include <grpcpp/client_context.h>

#include "bench_support.hpp"
#include "support/metrics_scrape.hpp"
#include "support/test_server.hpp"

namespace photoflow::bench {
namespace {

struct RpcEnvironment {
  RpcEnvironment() {
    FillTasks(schema, BenchRows());
    prepared = std::make_unique<testing::TestServer>(schema);
    unprepared = std::make_unique<testing::TestServer>(
        testing::TestConfig(schema.url() + "&pgbouncer=true"));
  }
  testing::TestServer& server(bool use_prepared) { return use_prepared ? *prepared : *unprepared; }

  testing::TestSchema schema;
  std::unique_ptr<testing::TestServer> prepared;
  std::unique_ptr<testing::TestServer> unprepared;
};

RpcEnvironment& Environment() {
  static auto& environment = Fixtures::Make<RpcEnvironment>();
  return environment;
}

// The server's own photoflow_db_pool_acquire_seconds over the benchmark: the
// mean time its calls waited for a connection, in microseconds.
class ServerAcquireTime {
 public:
  explicit ServerAcquireTime(testing::TestServer& server)
      : port_(server.server().metrics_port()), before_(testing::ScrapedMetrics::From(port_)) {}
  double MeanMicroseconds() const {
    const testing::ScrapedMetrics after = testing::ScrapedMetrics::From(port_);
    const double count = after.Value("photoflow_db_pool_acquire_seconds_count") -
                         before_.Value("photoflow_db_pool_acquire_seconds_count");
    const double sum = after.Value("photoflow_db_pool_acquire_seconds_sum") -
                       before_.Value("photoflow_db_pool_acquire_seconds_sum");
    return count > 0 ? sum / count * 1e6 : 0;
  }

 private:
  int port_;
  testing::ScrapedMetrics before_;
};

void BM_GetTask(benchmark::State& state) {
  testing::TestServer& server = Environment().server(state.range(0) == 1);
  const ServerAcquireTime acquire(server);
  v1::GetTaskRequest request;
  int id = 0;
  for (auto _ : state) {
    request.set_id(1 + (id++ % BenchRows()));
    grpc::ClientContext context;
    v1::Task task;
    if (!server.tasks().GetTask(&context, request, &task).ok()) {
      state.SkipWithError("GetTask failed");
      break;
    }
  }
  state.counters["pool_acquire_us"] = acquire.MeanMicroseconds();
}
BENCHMARK(BM_GetTask)
    ->ArgName("prepared")
    ->Arg(1)
    ->Arg(0)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_ListTasksOpenByDueDate(benchmark::State& state) {
  testing::TestServer& server = Environment().server(state.range(0) == 1);
  v1::ListTasksRequest request;
  request.set_page_size(50);
  request.set_filter("is_finished = false");
  request.set_order_by("due_at");
  for (auto _ : state) {
    grpc::ClientContext context;
    v1::ListTasksResponse response;
    if (!server.tasks().ListTasks(&context, request, &response).ok()) {
      state.SkipWithError("ListTasks failed");
      break;
    }
  }
}
BENCHMARK(BM_ListTasksOpenByDueDate)
    ->ArgName("prepared")
    ->Arg(1)
    ->Arg(0)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace photoflow::bench
