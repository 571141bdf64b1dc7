// The pool's own cost: handing out and taking back a connection, alone and
// with more callers than connections.
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <sstream>

#include <benchmark/benchmark.h>
#include <boost/asio/thread_pool.hpp>
#include <pqxx/nontransaction>

#include "bench_support.hpp"
#include "db/pool.hpp"
#include "support/pool_lease.hpp"
#include "support/test_database.hpp"

namespace photoflow::bench {
namespace {

constexpr int kConnections = 4;

// One pool of four connections for the whole run.
struct PoolEnvironment {
  PoolEnvironment()
      : pool(db::PoolOptions{.libpq_url = schema.parsed_url().libpq_url,
                             .schema = schema.name(),
                             .max_connections = kConnections,
                             .acquire_timeout = std::chrono::seconds(30),
                             .max_waiters = 1000},
             workers.get_executor(), timers.get_executor(), logger) {}

  testing::TestSchema schema;
  std::ostringstream log_output;
  log::Logger logger{log_output, log::Level::kWarn};
  boost::asio::thread_pool workers{kConnections};
  boost::asio::thread_pool timers{1};
  db::ConnectionPool pool;
};

PoolEnvironment& Environment() {
  static auto& environment = Fixtures::Make<PoolEnvironment>();
  return environment;
}

// Acquire and release with a free connection: the hand-off to a worker thread
// and back, no SQL.
void BM_PoolAcquireRelease(benchmark::State& state) {
  PoolEnvironment& environment = Environment();
  for (auto _ : state) {
    db::ConnectionPool::Lease lease = testing::AcquireLease(environment.pool);
    benchmark::DoNotOptimize(&lease);
  }
}
BENCHMARK(BM_PoolAcquireRelease)->UseRealTime();

// Acquire, SELECT 1, release, from more threads than connections; reports
// the mean time a caller waited for its connection (acquire_us).
void BM_PoolSelectOneContended(benchmark::State& state) {
  PoolEnvironment& environment = Environment();
  std::chrono::steady_clock::duration waited{};
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    db::ConnectionPool::Lease lease = testing::AcquireLease(environment.pool);
    waited += std::chrono::steady_clock::now() - started;
    pqxx::nontransaction(lease.connection()).exec("SELECT 1");
  }
  state.counters["acquire_us"] =
      benchmark::Counter(std::chrono::duration<double, std::micro>(waited).count() /
                             static_cast<double>(std::max<int64_t>(1, state.iterations())),
                         benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_PoolSelectOneContended)->Threads(1)->Threads(4)->Threads(16)->UseRealTime();

}  // namespace
}  // namespace photoflow::bench
