// What /metrics costs with full tables: a scrape (HTTP, served from memory)
// and a statistics refresh (the timer's SQL), each with empty tables and with
// PHOTOFLOW_BENCH_ROWS tasks and comments, to show that neither grows with
// the row count.
#include <map>
#include <memory>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "support/metrics_scrape.hpp"
#include "support/test_server.hpp"

namespace photoflow::bench {
namespace {

struct ServerWithRows {
  explicit ServerWithRows(int rows) {
    FillTasks(schema, rows);
    server = std::make_unique<testing::TestServer>(schema);
  }
  testing::TestSchema schema;
  std::unique_ptr<testing::TestServer> server;
};

// One server per row count for the whole run.
ServerWithRows& Server(int rows) {
  static std::map<int, ServerWithRows*> servers;
  ServerWithRows*& server = servers[rows];
  if (server == nullptr) server = &Fixtures::Make<ServerWithRows>(rows);
  return *server;
}

void BM_MetricsScrape(benchmark::State& state) {
  ServerWithRows& environment = Server(static_cast<int>(state.range(0)));
  const int port = environment.server->server().metrics_port();
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = testing::ScrapeMetrics(port);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MetricsScrape)->Arg(0)->ArgName("rows")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MetricsScrape)
    ->Apply([](benchmark::internal::Benchmark* benchmark) { benchmark->Arg(BenchRows()); })
    ->ArgName("rows")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_DatabaseStatsRefresh(benchmark::State& state) {
  ServerWithRows& environment = Server(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    if (!environment.server->server().database_stats()->Refresh()) {
      state.SkipWithError("refresh failed");
      break;
    }
  }
}
BENCHMARK(BM_DatabaseStatsRefresh)
    ->Arg(0)
    ->ArgName("rows")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DatabaseStatsRefresh)
    ->Apply([](benchmark::internal::Benchmark* benchmark) { benchmark->Arg(BenchRows()); })
    ->ArgName("rows")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace photoflow::bench
